"""The `plaudit` command: run the local stack, mint dev tokens, seed, audit, and play Slack against it.

Data commands (seed, audit, milestones run, import, dlq) act on the running local stack by default;
`--stack NAME` (a deployed CloudFormation stack) or `--table NAME` point them at AWS with the usual
credentials.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from plaudit.domain.employees import Employee, Role
from plaudit.environment import environment

if TYPE_CHECKING:
    from plaudit.services.milestones import RunReport
    from plaudit_dev.dlq import DeadLetterQueue

DEFAULT_PORT = 3000


def _table_action(actions: Any, name: str, run: Callable[[argparse.Namespace], int], help: str) -> None:
    """A command that works on the domain table: `name` under `actions` (a subparsers object)."""
    command = actions.add_parser(name, help=help)
    _table_target(command)
    command.set_defaults(run=run)


def _table_target(
    command: argparse.ArgumentParser,
    *,
    stack: str = "a deployed CloudFormation stack",
    table: str = "a DynamoDB table name in AWS",
) -> None:
    """`--stack` or `--table` (neither: the local stack), for a command that works on the domain table."""
    target = command.add_mutually_exclusive_group()
    target.add_argument("--stack", help=stack)
    target.add_argument("--table", help=table)


def main(argv: Sequence[str] | None = None) -> int:
    from aws_lambda_powertools import Logger

    from plaudit.services.runtime import new_id

    parser = _parser()
    args = parser.parse_args(argv)
    Logger().set_correlation_id(new_id("cli"))  # the trail's correlation id of what this run changes
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    from plaudit_dev.slack_client import DEFAULT_MESSAGE_TS, EVENT_TYPES

    parser = argparse.ArgumentParser(prog="plaudit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    dev = commands.add_parser("dev", help="run the local stack (moto + the real handlers) over HTTP")
    dev.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    dev.add_argument(
        "--no-seed", action="store_true", help="start with empty tables (with --fresh or a first run)"
    )
    dev.add_argument(
        "--fresh",
        action="store_true",
        help="forget the data kept from the last run (.plaudit/) and seed anew",
    )
    dev.set_defaults(run=_dev)

    token = commands.add_parser("token", help="print a dev JWT the local stack accepts")
    token.add_argument(
        "--employee",
        help="employee id: their Cognito-shaped access token (their account is linked on first use)",
    )
    token.add_argument(
        "--role",
        action="append",
        default=[],
        choices=[r.value for r in Role],
        help="a Cognito group (repeatable)",
    )
    token.add_argument("--scope", action="append", default=[], help="e.g. plaudit/hris (repeatable)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    token.add_argument(
        "--id-token",
        action="store_true",
        help="with --employee: the ID token instead (what the console sends once to POST /v1/me/link)",
    )
    token.set_defaults(run=_token)

    slack = commands.add_parser(
        "slack", help="send a signed slash command to the local stack as PERSON; print what the bot did"
    )
    slack.add_argument("command_line", metavar="TEXT", help="e.g. '/kudos @alice 10 thanks #teamwork'")
    slack.add_argument("--as", dest="person", required=True, help="employee id, first name or Slack user id")
    slack.set_defaults(run=_slack, command="slack", other=None)

    slack_event = commands.add_parser(
        "slack-event", help="send a signed Events API callback to the local stack as PERSON"
    )
    slack_event.add_argument("event_type", choices=EVENT_TYPES)
    slack_event.add_argument("--as", dest="person", required=True, help="who reacts or opens App Home")
    slack_event.add_argument(
        "--author", dest="other", help="reactions: whose message it is (employee id, name, Slack id)"
    )
    slack_event.add_argument("--reaction", default="clap", help="reactions: the emoji name (default: clap)")
    slack_event.add_argument("--ts", default=DEFAULT_MESSAGE_TS, help="reactions: the message's ts")
    slack_event.set_defaults(run=_slack, command="slack-event")

    shortcut = commands.add_parser(
        "slack-shortcut", help="send a signed shortcut (global, or on a message) to the local stack as PERSON"
    )
    shortcut.add_argument("callback_id", help="the shortcut's callback id (slack/manifest.yaml)")
    shortcut.add_argument("--as", dest="person", required=True, help="who uses the shortcut")
    shortcut.add_argument("--message-by", dest="other", help="a message shortcut: the message's author")
    shortcut.add_argument("--text", default="Shipped the release!", help="a message shortcut: its text")
    shortcut.add_argument("--ts", default=DEFAULT_MESSAGE_TS, help="a message shortcut: its ts")
    shortcut.set_defaults(run=_slack, command="slack-shortcut")

    schedule = commands.add_parser("schedule", help="the template's schedules on the running local stack")
    schedule_commands = schedule.add_subparsers(required=True, metavar="ACTION")
    fire = schedule_commands.add_parser(
        "fire", help="fire a function's schedule now (the event EventBridge would send); print its result"
    )
    fire.add_argument(
        "function_id",
        metavar="FUNCTION_ID",
        help="the function's logical id, e.g. MilestonesScheduleFunction",
    )
    fire.add_argument("--event", help="the schedule event's name, when the function has several")
    fire.set_defaults(run=_schedule_fire)

    import_ = commands.add_parser(
        "import", help="create, update and deactivate employees from a CSV (see examples/employees.csv)"
    )
    import_.add_argument("path", metavar="EMPLOYEES_CSV", help="header row required; empty cell = not given")
    import_.add_argument("--dry-run", action="store_true", help="print the diff per person, write nothing")
    _table_target(import_)
    import_.set_defaults(run=_import)

    bootstrap = commands.add_parser(
        "bootstrap",
        help="apply a declarative organisation file (settings, budgets and top-ups, catalogue, milestone "
        "rules, badges, seasons) through the REST API, idempotently (see examples/org.yaml)",
    )
    bootstrap.add_argument("path", metavar="ORG_YAML")
    bootstrap.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    bootstrap_target = bootstrap.add_mutually_exclusive_group()
    bootstrap_target.add_argument("--stack", help="a deployed CloudFormation stack (reads its ApiUrl output)")
    bootstrap_target.add_argument("--api-url", help="the API's base URL")
    bootstrap.add_argument(
        "--token",
        default=os.environ.get("PLAUDIT_TOKEN"),
        help="an HR admin's access token (default: $PLAUDIT_TOKEN; on the local stack: a dev token of the "
        "demo HR admin)",
    )
    bootstrap.set_defaults(run=_bootstrap)

    campaign = commands.add_parser(
        "campaign", help="campaigns: points or an item to many people from one budget, through the REST API"
    )
    campaign_commands = campaign.add_subparsers(required=True, metavar="ACTION", dest="action")
    for action, text in (
        ("preview", "who would be paid, the cost, who is skipped and why (nothing is written)"),
        (
            "run",
            "create the campaign (the same file and options again: the same campaign), run it and "
            "follow its progress",
        ),
    ):
        command = campaign_commands.add_parser(action, help=text)
        command.add_argument(
            "path",
            metavar="FILE_CSV",
            help="employee_id or email, points or item_id and denomination, message (optional)",
        )
        command.add_argument("--budget", required=True, help="the budget that pays")
        command.add_argument("--name", default="Campaign", help="said to each recipient")
        command.add_argument("--message", help="why, for everyone (a row may say its own)")
        command.add_argument("--points", type=int, help="for rows that give no amount")
        command.add_argument("--item", help="a catalogue item for rows that give no amount")
        command.add_argument("--denomination", help="with --item")
        command.add_argument("--public", action="store_true", help="one celebration in the channel")
    status = campaign_commands.add_parser("status", help="a campaign's progress (and with --report, its CSV)")
    status.add_argument("campaign_id", metavar="CAMPAIGN_ID")
    status.add_argument("--report", action="store_true", help="print each person's outcome as CSV")
    for command in campaign_commands.choices.values():
        command.add_argument("--api-url", help="the API's base URL (default: the local stack's)")
        command.add_argument(
            "--token",
            default=os.environ.get("PLAUDIT_TOKEN"),
            help="an HR admin's or budget holder's access token (default: $PLAUDIT_TOKEN; on the local "
            "stack: a dev token of the demo HR admin)",
        )
    campaign.set_defaults(run=_campaign)

    referrals = commands.add_parser("referrals", help="referral bonuses, through the REST API")
    referral_commands = referrals.add_subparsers(required=True, metavar="ACTION")
    referral_import = referral_commands.add_parser(
        "import",
        help="report referred hires from a CSV (every row is checked before anything is paid)",
    )
    referral_import.add_argument(
        "path", metavar="REFERRALS_CSV", help="hire_id, referrer_id or referrer_email, hired_on"
    )
    referral_import.add_argument("--dry-run", action="store_true", help="check and show, write nothing")
    referral_import.add_argument("--api-url", help="the API's base URL (default: the local stack's)")
    referral_import.add_argument(
        "--token",
        default=os.environ.get("PLAUDIT_TOKEN"),
        help="an HR admin's access token (default: $PLAUDIT_TOKEN; on the local stack: a dev token of the "
        "demo HR admin)",
    )
    referral_import.set_defaults(run=_referrals)

    seed = commands.add_parser(
        "seed", help="load the demo organisation into the running local stack (idempotent)"
    )
    seed.set_defaults(run=_seed)

    for name, run, text in (
        (
            "audit",
            _audit,
            "prove the ledger (postings balance, balances match, none negative), the administrative "
            "trail's hash chain and the insights aggregates",
        ),
    ):
        command = commands.add_parser(name, help=text)
        _table_target(command, stack="a deployed CloudFormation stack (reads its DomainTableName output)")
        command.set_defaults(run=run)

    insights = commands.add_parser("insights", help="insights counters and leaderboards")
    insight_commands = insights.add_subparsers(required=True, metavar="ACTION")
    _table_action(
        insight_commands,
        "rebuild",
        _insights_rebuild,
        help="recompute every counter and leaderboard row from the records (idempotent; run it after "
        "upgrading an organisation with history)",
    )

    exports = commands.add_parser("exports", help="export jobs")
    export_commands = exports.add_subparsers(required=True, metavar="ACTION")
    _table_action(
        export_commands,
        "backfill",
        _exports_backfill,
        help="index the ledger transactions written before exports existed by their day (TXNS#<day>), so "
        "exports find them (idempotent; run it once after upgrading an organisation with history)",
    )

    dlq = commands.add_parser("dlq", help="the stack's dead-letter queues (docs/operations.md)")
    dlq_commands = dlq.add_subparsers(required=True, metavar="ACTION")
    dlq_list = dlq_commands.add_parser("list", help="each dead-letter queue and the messages it holds")
    dlq_redrive = dlq_commands.add_parser(
        "redrive", help="move a dead-letter queue's messages back to its source queue (SQS message move task)"
    )
    dlq_redrive.add_argument("queue", metavar="QUEUE", help="its logical id, e.g. FulfilmentDeadLetterQueue")
    for command, run in ((dlq_list, _dlq_list), (dlq_redrive, _dlq_redrive)):
        command.add_argument("--stack", help="a deployed CloudFormation stack (default: the local stack)")
        command.set_defaults(run=run)

    accounts = commands.add_parser("accounts", help="sign-in accounts in the stack's Cognito user pool")
    account_commands = accounts.add_subparsers(required=True, metavar="ACTION")
    accounts_sync = account_commands.add_parser(
        "sync",
        help="make the user pool follow the directory: invite active people, disable and sign out leavers, "
        "groups from roles (idempotent)",
    )
    accounts_sync.add_argument(
        "--dry-run", action="store_true", help="print the diff per person, change nothing"
    )
    _table_target(
        accounts_sync,
        stack="a deployed CloudFormation stack (its UserPoolId output)",
        table="a DynamoDB table name in AWS (with USER_POOL_ID set)",
    )
    accounts_sync.set_defaults(run=_accounts_sync)

    milestones = commands.add_parser("milestones", help="milestone awards: run a day on demand")
    milestone_commands = milestones.add_subparsers(required=True, metavar="ACTION")
    milestone_run = milestone_commands.add_parser(
        "run", help="award (or preview) everyone's milestones that fall on a day, as the schedule would"
    )
    milestone_run.add_argument("--date", required=True, type=_day, help="the day, YYYY-MM-DD")
    milestone_run.add_argument("--dry-run", action="store_true", help="report what would be awarded only")
    _table_target(milestone_run)
    milestone_run.set_defaults(run=_milestones_run)
    _table_action(
        milestone_commands,
        "reindex",
        _milestones_reindex,
        help="file everyone in the directory in the milestone day index again (after an upgrade)",
    )

    awards = commands.add_parser("awards", help="direct awards of catalogue items (POST /v1/awards)")
    award_commands = awards.add_subparsers(required=True, metavar="ACTION")
    _table_action(
        award_commands,
        "reindex",
        _awards_reindex,
        help="file the direct awards given before GET /v1/awards listed them (after an upgrade; idempotent)",
    )

    directory = commands.add_parser("directory", help="the employee directory")
    directory_commands = directory.add_subparsers(required=True, metavar="ACTION")
    _table_action(
        directory_commands,
        "reindex",
        _directory_reindex,
        help="file everyone active in the people picker's name index again, so any word of a name finds them "
        "(after an upgrade; idempotent)",
    )

    catalog = commands.add_parser("catalog", help="the rewards catalogue")
    catalog_commands = catalog.add_subparsers(required=True, metavar="ACTION")
    sync = catalog_commands.add_parser(
        "sync",
        help="import or update catalogue items from a rewards provider's products (idempotent; only "
        "currencies with a point value; HR's fields are kept)",
    )
    sync.add_argument("--provider", required=True, choices=["tremendous", "tango"])
    sync.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    _table_target(
        sync,
        stack="a deployed CloudFormation stack (its table, and the provider's secret parameter)",
        table="a DynamoDB table name in AWS (the provider's secret ARN from TREMENDOUS_SECRET_ARN/...)",
    )
    sync.set_defaults(run=_catalog_sync)
    return parser


def _dev(args: argparse.Namespace) -> int:
    from plaudit_dev.seed import seed_local_demo
    from plaudit_dev.stack import run_local_stack

    run_local_stack(
        port=args.port,
        seed=None if args.no_seed else seed_local_demo,
        on_ready=_print_welcome,
        fresh=args.fresh,
    )
    return 0


def _schedule_fire(args: argparse.Namespace) -> int:
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    from plaudit_dev.state import StackNotRunning, connect_local

    try:
        api_url = connect_local().api_url
    except StackNotRunning as exc:
        print(f"plaudit schedule fire: {exc}", file=sys.stderr)
        return 2
    query = f"?{urllib.parse.urlencode({'event': args.event})}" if args.event else ""
    url = f"{api_url}/_local/schedules/{urllib.parse.quote(args.function_id)}/fire{query}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=900) as response:  # noqa: S310
            fired = json.loads(response.read())
    except urllib.error.HTTPError as error:
        print(f"plaudit schedule fire: {json.loads(error.read())['message']}", file=sys.stderr)
        return 2
    print(json.dumps(fired, indent=2))
    return 1 if "error" in fired else 0


def _dead_letter_queues(args: argparse.Namespace) -> tuple[Any, list[DeadLetterQueue]]:
    """(an SQS client, the dead-letter queues) of the deployed stack `--stack`, else of the local stack."""
    import boto3

    from plaudit_dev import dlq
    from plaudit_dev.paths import TEMPLATE_PATH
    from plaudit_dev.template import load_yaml

    if args.stack:
        urls = dlq.stack_queue_urls(boto3.client("cloudformation"), args.stack)
    else:
        from plaudit_dev.state import connect_local

        urls = connect_local().queues
    return boto3.client("sqs"), dlq.find(load_yaml(TEMPLATE_PATH), urls)


def _dlq_list(args: argparse.Namespace) -> int:
    from plaudit_dev import dlq

    sqs, queues = _dead_letter_queues(args)
    width = max((len(queue.logical_id) for queue in queues), default=0)
    for count in dlq.counts(sqs, queues):
        in_flight = f" ({count.in_flight} in flight)" if count.in_flight else ""
        back = f"redrive: back to {count.queue.source_id}" if count.queue.source_id else f"see {dlq.RUNBOOK}"
        print(f"{count.queue.logical_id:<{width}}  {count.visible:>6} message(s){in_flight:<16}  {back}")
    return 0


def _dlq_redrive(args: argparse.Namespace) -> int:
    import time

    from plaudit_dev import dlq

    sqs, queues = _dead_letter_queues(args)
    try:
        task = dlq.redrive(sqs, queues, args.queue, sleep=time.sleep)
    except dlq.NotRedrivable as exc:
        print(f"plaudit dlq redrive: {exc}", file=sys.stderr)
        return 2
    source = next(queue.source_id for queue in queues if queue.logical_id == args.queue)
    moved = task.get("ApproximateNumberOfMessagesMoved", 0)
    reason = f": {task['FailureReason']}" if task.get("FailureReason") else ""
    print(f"{args.queue}: {moved} message(s) moved back to {source} ({task['Status']}{reason})")
    return 0 if task["Status"] == "COMPLETED" else 1


def _token(args: argparse.Namespace) -> int:
    from plaudit_dev import jwt_local
    from plaudit_dev.seed import DEMO_HR_ADMIN

    employee = args.employee
    if employee is None and not args.scope:
        if not args.role:
            print("plaudit token: give --employee ID, --role R or --scope S", file=sys.stderr)
            return 2
        employee = DEMO_HR_ADMIN  # `--role hr_admin` alone: the demo HR admin, so a script can start here
    if employee is None:  # an integration client (client credentials): no person, only scopes
        print(jwt_local.sign(jwt_local.client_claims(scopes=args.scope, ttl=args.ttl)))
        return 0
    subject = jwt_local.dev_subject(employee)
    if args.id_token:
        email = _email_of(employee)
        if email is None:
            print(f"plaudit token: {employee} is not in the local directory", file=sys.stderr)
            return 2
        claims = jwt_local.id_claims(subject, email=email, groups=args.role, ttl=args.ttl)
    else:
        _link_dev_account(employee, subject)
        scopes = [*jwt_local.USER_SCOPES, *args.scope]
        claims = jwt_local.access_claims(subject, groups=args.role, scopes=scopes, ttl=args.ttl)
    print(jwt_local.sign(claims))
    return 0


def _link_dev_account(employee_id: str, subject: str) -> None:
    """The person's user pool account, as accounts sync makes it: their dev subject linked to them (once)
    when they are in the local directory; with no local stack running, the token is minted all the same."""
    from plaudit.domain.errors import NotFound
    from plaudit.services.sign_in import link_account
    from plaudit_dev.state import StackNotRunning, connect_local

    try:
        connect_local()
    except StackNotRunning:
        return
    environment.cache_clear()
    with contextlib.suppress(NotFound):  # not in the directory: the token names nobody (403), as in AWS
        link_account(employee_id, subject, actor="plaudit-cli")


def _email_of(employee_id: str) -> str | None:
    from plaudit.store import snapshots
    from plaudit_dev.state import connect_local

    connect_local()
    environment.cache_clear()
    person = snapshots.load(employees=[employee_id]).employee(employee_id)
    return person.email if person else None


def _seed(args: argparse.Namespace) -> int:
    from plaudit_dev.seed import seed_local_demo
    from plaudit_dev.state import StackNotRunning, connect_local

    try:
        api_url = connect_local().api_url
    except StackNotRunning as exc:
        print(f"plaudit seed: {exc}", file=sys.stderr)
        return 2
    environment.cache_clear()
    counts = seed_local_demo(api_url)
    print("seeded: " + ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in counts.items()))
    return 0


def _bootstrap(args: argparse.Namespace) -> int:
    """Exit 0: the stack matches the file; 1: a difference the API cannot apply, or a request refused;
    2: the file or the target is unusable."""
    from plaudit_dev import bootstrap

    if not os.path.isfile(args.path):
        print(f"plaudit bootstrap: {args.path}: no such file", file=sys.stderr)
        return 2
    token = args.token
    if args.api_url:
        api_url = args.api_url
    elif args.stack:
        import boto3

        stack = boto3.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]
        api_url = {out["OutputKey"]: out["OutputValue"] for out in stack.get("Outputs", [])}["ApiUrl"]
    else:
        from plaudit_dev.jwt_local import access_claims, dev_subject, sign
        from plaudit_dev.seed import DEMO_HR_ADMIN
        from plaudit_dev.state import StackNotRunning, connect_local

        try:
            api_url = connect_local().api_url
        except StackNotRunning as exc:
            print(f"plaudit bootstrap: {exc}", file=sys.stderr)
            return 2
        hr_admin = access_claims(dev_subject(DEMO_HR_ADMIN), groups=[Role.HR_ADMIN.value], ttl=600)
        token = token or sign(hr_admin)  # the demo HR admin, whose subject the seed linked
    if not token:
        print(
            "plaudit bootstrap: give --token or set PLAUDIT_TOKEN (an HR admin's access token)",
            file=sys.stderr,
        )
        return 2
    api = bootstrap.Api(bootstrap.http_transport(api_url, token))
    try:
        return bootstrap.run(args.path, api, dry_run=args.dry_run)
    except bootstrap.ApiError as error:
        print(f"plaudit bootstrap: {error}", file=sys.stderr)
        return 1


def _audit(args: argparse.Namespace) -> int:
    _connect(args)
    from plaudit.services.audit import audit_ledger
    from plaudit.services.insights import audit_aggregates, audit_directory
    from plaudit.services.trail import verify_trail

    report = audit_ledger()
    print(f"{report.transactions} transactions, {report.postings} postings, {report.accounts} accounts")
    if report.ok:
        print(
            "ledger OK: every transaction sums to zero, every balance equals its postings, none is negative"
        )
    else:
        print(
            f"ledger BROKEN: {len(report.breaches)} breach(es); first: {report.breaches[0]}", file=sys.stderr
        )
        for breach in report.breaches[1:20]:
            print(f"  {breach}", file=sys.stderr)
    chain = verify_trail()
    if chain.ok:
        head = f"; head: entry {chain.head.seq}, hash {chain.head.hash}" if chain.head else ""
        waiting = f"; {chain.unlinked} written in the last minutes, not linked yet" if chain.unlinked else ""
        print(f"trail OK: {chain.entries} entries, each carries the hash of the one before{head}{waiting}")
    else:
        assert chain.broken is not None
        print(
            f"trail BROKEN at {chain.broken.where}: {chain.broken.reason} "
            f"({chain.entries} entries before it hold)",
            file=sys.stderr,
        )
    mismatches = audit_aggregates()
    if not mismatches:
        print("aggregates OK: every insights counter and leaderboard row equals what the records say")
    else:
        print(f"aggregates BROKEN: {len(mismatches)} mismatch(es); first: {mismatches[0]}", file=sys.stderr)
        for mismatch in mismatches[1:20]:
            print(f"  {mismatch}", file=sys.stderr)
    counts = audit_directory()
    if not counts:
        print("directory counts OK: every headcount and team listing equals what the directory says")
    else:
        print(f"directory counts BROKEN: {len(counts)} mismatch(es); first: {counts[0]}", file=sys.stderr)
        for mismatch in counts[1:20]:
            print(f"  {mismatch}", file=sys.stderr)
    return 0 if report.ok and chain.ok and not mismatches and not counts else 1


def _insights_rebuild(args: argparse.Namespace) -> int:
    _connect(args)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from plaudit.services.insights import rebuild

    console = Console(stderr=True)
    columns = (TextColumn("rebuilding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("rebuild", total=None)
        written = rebuild(lambda done, total: bar.update(task, completed=done, total=total))
    print(
        f"insights rebuilt: {written} items written (counters, leaderboard rows, memberships, markers, "
        "headcounts, team listings)"
    )
    return 0


def _exports_backfill(args: argparse.Namespace) -> int:
    _connect(args)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from plaudit.services.exports import backfill_day_index

    console = Console(stderr=True)
    columns = (TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("backfill", total=None)
        indexed = backfill_day_index(lambda done, total: bar.update(task, completed=done, total=total))
    print(f"exports backfill: {indexed} transactions indexed by their day (the others were already)")
    return 0


def _accounts_sync(args: argparse.Namespace) -> int:
    _connect(args)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from plaudit.services import accounts

    if not accounts.configured():
        print(
            "plaudit accounts sync: no user pool (USER_POOL_ID unset: the stack uses its own issuer)",
            file=sys.stderr,
        )
        return 2
    console = Console(stderr=True)
    columns = (TextColumn("accounts"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("sync", total=None)
        report = accounts.sync_directory(
            actor="plaudit-cli",
            dry_run=args.dry_run,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    verb = "would change" if report.dry_run else "changed"
    for change in report.changed:
        print(f"  {change.employee_id}: {', '.join(str(step) for step in change.steps)}")
    suffix = " (dry run: nothing changed)" if report.dry_run else ""
    print(
        f"accounts {verb}: {len(report.changed)}; already as the directory says: {report.unchanged}{suffix}"
    )
    if report.desk_accounts:
        print(
            f"desk accounts {verb} to follow their desk (enabled while it is active): {report.desk_accounts}"
        )
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def _milestones_run(args: argparse.Namespace) -> int:
    _connect(args)
    from plaudit.domain.access import SYSTEM
    from plaudit.services.milestones import list_rules, run_day

    report = run_day(SYSTEM, args.date, dry_run=args.dry_run)
    rule_names: dict[str, str] = {}
    cursor = None
    while True:
        rules, cursor = list_rules(SYSTEM, limit=100, cursor=cursor)
        rule_names |= {rule.id: rule.name for rule in rules}
        if cursor is None:
            break
    print(_milestone_report(report, rule_names))
    return 0


def _milestones_reindex(args: argparse.Namespace) -> int:
    _connect(args)
    from plaudit.domain.access import SYSTEM
    from plaudit.services.milestones import rebuild_day_index

    print(f"milestone day index: {rebuild_day_index(SYSTEM)} people filed")
    return 0


def _awards_reindex(args: argparse.Namespace) -> int:
    _connect(args)
    from plaudit.domain.access import SYSTEM
    from plaudit.services.awards import reindex_given

    print(f"direct awards: {reindex_given(SYSTEM)} filed in the list of awards")
    return 0


def _directory_reindex(args: argparse.Namespace) -> int:
    _connect(args)
    from plaudit.domain.access import SYSTEM
    from plaudit.services.directory import reindex_names

    print(f"people picker: {reindex_names(SYSTEM)} people filed by the words of their names")
    return 0


def _milestone_report(report: RunReport, rule_names: dict[str, str]) -> str:
    """The run, readable: what was (or would be) awarded, what waits for a budget, what was skipped."""
    days = ", ".join(day.isoformat() for day in report.days)
    verb = "would award" if report.dry_run else "awarded"
    lines = [f"Milestones {days}{' (dry run: nothing written)' if report.dry_run else ''}"]
    for title, awards in ((verb, report.awarded), ("pending (budget too low)", report.pending)):
        lines.append(f"  {title}: {len(awards)}")
        for award in awards:
            what = f"{award.points} points" if award.points else "no points"
            if award.catalog_item_id:
                what += f" + item {award.catalog_item_id}"
            budget = f" from {award.budget_id}" if award.budget_id else ""
            lines.append(
                f"    {award.day} {award.employee_name} ({award.employee_id}): {award.rule_name}, "
                f"{award.occurrence}, {what}{budget}"
            )
    lines.append(f"  already awarded before: {report.already_awarded}")
    lines.append(f"  skipped: {len(report.skipped)}")
    for skip in report.skipped:
        rule = rule_names.get(skip.rule_id, skip.rule_id)
        lines.append(f"    {skip.employee_id}: {rule}: {skip.reason.replace('_', ' ')}")
    lines.append(f"  manager reminders: {report.reminders}")
    lines.append(f"  DynamoDB items read: {report.items_read}")
    return "\n".join(lines)


def _campaign(args: argparse.Namespace) -> int:
    from plaudit_dev.campaign_cli import main

    client = _api_client(args, "campaign")
    return 2 if client is None else main(args, client)


def _referrals(args: argparse.Namespace) -> int:
    from plaudit_dev.campaign_cli import referrals_import

    client = _api_client(args, "referrals")
    return 2 if client is None else referrals_import(args, client)


def _api_client(args: argparse.Namespace, command: str) -> Any:
    """A REST client for --api-url and --token; by default the local stack's, as its demo HR admin. None
    (said on stderr) when there is neither a stack nor a token."""
    from plaudit_dev.campaign_cli import Client

    api_url, token = args.api_url, args.token
    if not api_url:
        from plaudit_dev.jwt_local import access_claims, dev_subject, sign
        from plaudit_dev.seed import DEMO_HR_ADMIN
        from plaudit_dev.state import StackNotRunning, connect_local

        try:
            api_url = connect_local().api_url
        except StackNotRunning as exc:
            print(f"plaudit {command}: {exc}", file=sys.stderr)
            return None
        hr_admin = access_claims(dev_subject(DEMO_HR_ADMIN), groups=[Role.HR_ADMIN.value], ttl=3600)
        token = token or sign(hr_admin)
    if not token:
        print(f"plaudit {command}: give --token or set PLAUDIT_TOKEN", file=sys.stderr)
        return None
    return Client(api_url, token)


def _import(args: argparse.Namespace) -> int:
    """Exit 0: every row applied; 1: some rows were bad (reported with their lines); 2: unusable file."""
    from plaudit_dev.csv_import import run_import

    if not os.path.isfile(args.path):
        print(f"plaudit import: {args.path}: no such file", file=sys.stderr)
        return 2
    _connect(args)
    return run_import(args.path, dry_run=args.dry_run)


def _slack(args: argparse.Namespace) -> int:
    """`slack`, `slack-event` and `slack-shortcut`: act as a Slack user (args.person) on the local stack."""
    from plaudit_dev import slack_client as slack
    from plaudit_dev.state import StackNotRunning, connect_local

    if getattr(args, "event_type", "").startswith("reaction") and not args.other:
        print(f"plaudit {args.command}: {args.event_type} needs --author (whose message)", file=sys.stderr)
        return 2
    try:
        api_url = connect_local().api_url
        directory = _directory()
        user = slack.find_user(args.person, directory)
        other = slack.find_user(args.other, directory).user_id if args.other else None
    except (StackNotRunning, slack.UnknownPerson) as exc:
        print(f"plaudit {args.command}: {exc}", file=sys.stderr)
        return 2
    if args.command == "slack":
        return slack.run_slash_command(api_url, slack.expand_mentions(args.command_line, directory), user)
    if args.command == "slack-event":
        callback = slack.event_callback(
            args.event_type, user, author=other, reaction=args.reaction, ts=args.ts
        )
        return slack.run_event(api_url, callback, user)
    message = {"user": other, "ts": args.ts, "text": args.text} if other else None
    return slack.run_shortcut(api_url, slack.shortcut_payload(api_url, args.callback_id, user, message), user)


def _directory() -> list[Employee]:
    """Everyone in the directory of the store this process points at."""
    from plaudit.store.employees import employee_from, list_employees

    people: list[Employee] = []
    cursor = None
    while True:
        page = list_employees(limit=100, cursor=cursor)
        people += [person for item in page.items if (person := employee_from(item))]
        if not (cursor := page.cursor):
            return people


def _catalog_sync(args: argparse.Namespace) -> int:
    """Exit 0: synced (or, --dry-run, the diff printed); 2: the provider could not be read."""
    _connect(args)
    _connect_provider(args)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from plaudit.domain.access import SYSTEM
    from plaudit.domain.catalog import RewardsProvider
    from plaudit.integrations.rewards import rewards_api
    from plaudit.integrations.rewards.orders import OrderRejected, ProviderUnavailable
    from plaudit.services import catalog_sync

    provider = RewardsProvider(args.provider)
    try:
        offers = rewards_api(provider).products()
    except (ProviderUnavailable, OrderRejected) as error:
        print(f"plaudit catalog sync: {error}", file=sys.stderr)
        return 2
    plan = catalog_sync.plan(provider, offers)
    if not args.dry_run:
        console = Console(stderr=True)
        columns = (TextColumn("syncing"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task("sync", total=plan.count("create") + plan.count("update"))
            plan = catalog_sync.apply(SYSTEM, plan, lambda done, total: bar.update(task, completed=done))
    marks = {"create": "+", "update": "~", "skip": "-"}
    for change in plan.changes:
        if change.action in marks:
            detail = f" ({', '.join(change.fields)})" if change.fields else ""
            detail += f": {change.reason}" if change.reason else ""
            target = f" {change.item_id}" if change.item_id else ""
            print(f"{marks[change.action]} {change.sku} {change.currency} {change.name}{target}{detail}")
    verb = "would be" if args.dry_run else ""
    counts = ", ".join(
        f"{plan.count(action)} {action}" for action in ("create", "update", "unchanged", "skip")
    )
    print(f"{args.provider}: {len(plan.changes)} products {verb} synced: {counts}".replace("  ", " "))
    return 0


def _connect_provider(args: argparse.Namespace) -> None:
    """Where the provider's credentials come from: the local stack's fake, or the deployed stack's secret
    parameter (with --table: the *_SECRET_ARN variable the operator sets)."""
    if args.stack:
        import boto3

        stack = boto3.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]
        parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
        arn = parameters.get(f"{args.provider.capitalize()}SecretArn")
        if arn:
            os.environ[f"{args.provider.upper()}_SECRET_ARN"] = arn
    elif not args.table:
        from plaudit_dev.fake_rewards import rewards_function_env
        from plaudit_dev.state import connect_local

        stand_in = rewards_function_env(connect_local().api_url)[f"{args.provider.upper()}_SECRET_ARN"]
        os.environ.update(stand_in)
    environment.cache_clear()


def _connect(args: argparse.Namespace) -> None:
    """Point the store at the local stack (default) or at AWS."""
    if args.table:
        os.environ["TABLE_NAME"] = args.table
    elif args.stack:
        import boto3

        stack = boto3.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]
        outputs = {out["OutputKey"]: out["OutputValue"] for out in stack.get("Outputs", [])}
        os.environ["TABLE_NAME"] = outputs["DomainTableName"]
        if outputs.get("UserPoolId"):
            os.environ["USER_POOL_ID"] = outputs["UserPoolId"]
    else:
        from plaudit_dev.state import connect_local

        connect_local()
    environment.cache_clear()  # plaudit's code in this process reads the TABLE_NAME just set


def _print_welcome(api_url: str) -> None:
    from plaudit_dev.jwt_local import access_claims, dev_subject, sign
    from plaudit_dev.seed import DEMO_HR_ADMIN, PEOPLE

    alice, bob = PEOPLE[2][0], PEOPLE[3][0]
    hr = sign(access_claims(dev_subject(DEMO_HR_ADMIN), groups=["hr_admin"], ttl=12 * 3600))
    token_alice = sign(access_claims(dev_subject(alice), ttl=12 * 3600))
    year = datetime.now(UTC).year
    print(
        f"""
Dev tokens (12 h; mint more with `plaudit token --employee E1004`):
  export HR_TOKEN={hr}
  export ALICE_TOKEN={token_alice}

Try it:
  # Alice gives Bob 10 points
  curl -s -X POST {api_url}/v1/recognitions -H "Authorization: Bearer $ALICE_TOKEN" \\
       -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' \\
       -d '{{"recipient_ids": ["{bob}"], "points": 10, "message": "Thanks!", "values": ["teamwork"]}}'
  # Alice's wallet, and the feed
  curl -s {api_url}/v1/employees/{alice}/wallet -H "Authorization: Bearer $ALICE_TOKEN"
  curl -s "{api_url}/v1/recognitions?recipient={bob}" -H "Authorization: Bearer $ALICE_TOKEN"
  # The rewards catalogue with points prices (redeeming, approvals, vouchers: the README's "Rewards")
  curl -s "{api_url}/v1/catalog/items?limit=20" -H "Authorization: Bearer $ALICE_TOKEN"
  # HR: the directory and the settings
  curl -s {api_url}/v1/employees -H "Authorization: Bearer $HR_TOKEN"
  curl -s {api_url}/v1/settings -H "Authorization: Bearer $HR_TOKEN"

Slack without a workspace (Alice gives Bob 10 points; shows what the bot sent):
  .venv/bin/plaudit slack '/kudos @bob 10 thanks #teamwork' --as alice

Milestones and the HRIS (Bob's work anniversary and birthday are on 11-23):
  curl -s {api_url}/v1/milestone-rules -H "Authorization: Bearer $HR_TOKEN"
  .venv/bin/plaudit milestones run --date {year}-11-23 --dry-run
  .venv/bin/plaudit import examples/employees.csv --dry-run
  .venv/bin/plaudit schedule fire MilestonesScheduleFunction     # the hourly run, now

Prove the ledger at any time:  .venv/bin/plaudit audit
Stop with Ctrl-C.
""",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
