#!/usr/bin/env bash
# `make test`'s stages, timed.
#   devtools/stage.sh --begin             forget the times of an earlier run
#   devtools/stage.sh NAME COMMAND...     run COMMAND (one shell command line), record how long it took
#   devtools/stage.sh --report            print each stage's time and the total
# A stage that fails prints the times so far, its own included, and exits with the command's status.
set -u
TIMES=${STAGE_TIMES:-.make-test-stages}

report() {
    local total=0 name seconds status
    echo "make test, stage by stage:"
    while read -r name seconds status; do
        printf '  %-18s %4d:%02d  %s\n' "$name" $((seconds / 60)) $((seconds % 60)) "$status"
        total=$((total + seconds))
    done < "$TIMES"
    printf '  %-18s %4d:%02d\n' "total" $((total / 60)) $((total % 60))
}

case "${1:-}" in
    --begin) : > "$TIMES"; exit 0 ;;
    --report) report; exit 0 ;;
    "" ) echo "usage: $0 --begin | --report | NAME COMMAND..." >&2; exit 2 ;;
esac

name=$1; shift
echo "== $name"
started=$(date +%s)
bash -c "$*"
status=$?
echo "$name $(( $(date +%s) - started )) $([ $status -eq 0 ] && echo ok || echo "FAILED ($status)")" >> "$TIMES"
if [ $status -ne 0 ]; then
    report
fi
exit $status
