"""`python -m plaudit_dev.translate OUT`: template.yaml as the SAM translator makes it for a prod deploy (each
function's generated role with its policies), as JSON, for the policy scanner (`make scan`): the roles are
where least privilege lives, and they exist only after the translation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from plaudit_dev.iam import translate_roles
from plaudit_dev.paths import TEMPLATE_PATH

# a prod deploy with every optional feature on, so that each conditional statement is scanned too (JwtIssuer
# left empty: the stack's own user pool, the default)
PROD_PARAMETERS = {
    "Stage": "prod",
    "RewardMailFrom": "rewards@example.com",
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m plaudit_dev.translate OUT.json", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    translated = translate_roles(TEMPLATE_PATH, PROD_PARAMETERS).translated
    out.write_text(json.dumps(translated, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
