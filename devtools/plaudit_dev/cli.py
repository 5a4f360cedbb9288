"""The `plaudit` command: run the local stack, mint dev tokens, seed and audit.

Data commands (seed, audit) act on the running local stack by default; `--stack NAME` (a deployed
CloudFormation stack) or `--table NAME` point them at AWS with the usual credentials.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from plaudit.domain.employees import Role

DEFAULT_PORT = 3000


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plaudit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    dev = commands.add_parser("dev", help="run the local stack (moto + the real handlers) over HTTP")
    dev.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    dev.add_argument("--no-seed", action="store_true", help="start with empty tables")
    dev.set_defaults(run=_dev)

    token = commands.add_parser("token", help="print a dev JWT the local stack accepts")
    token.add_argument("--employee", help="employee id (the token's sub)")
    token.add_argument("--role", action="append", default=[], choices=[r.value for r in Role])
    token.add_argument("--scope", action="append", default=[], help="e.g. plaudit/hris (repeatable)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    token.set_defaults(run=_token)

    for name, run, text in (
        ("seed", _seed, "load the demo organisation (idempotent)"),
        ("audit", _audit, "prove the ledger: postings balance, balances match, none negative"),
    ):
        command = commands.add_parser(name, help=text)
        target = command.add_mutually_exclusive_group()
        target.add_argument(
            "--stack", help="a deployed CloudFormation stack (reads its DomainTableName output)"
        )
        target.add_argument("--table", help="a DynamoDB table name in AWS")
        command.set_defaults(run=run)
    return parser


def _dev(args: argparse.Namespace) -> int:
    from plaudit_dev.seed import seed_demo
    from plaudit_dev.stack import run_local_stack

    run_local_stack(port=args.port, seed=None if args.no_seed else seed_demo, on_ready=_print_welcome)
    return 0


def _token(args: argparse.Namespace) -> int:
    from plaudit_dev.jwt_local import mint
    from plaudit_dev.seed import DEMO_HR_ADMIN

    employee = args.employee
    if employee is None and not args.scope:
        if not args.role:
            print("plaudit token: give --employee ID, --role R or --scope S", file=sys.stderr)
            return 2
        employee = DEMO_HR_ADMIN  # `--role hr_admin` alone: the demo HR admin, so a script can start here
    if employee is not None:
        print(mint(employee, roles=args.role, scopes=args.scope, ttl=args.ttl))
    else:  # an integration client (client-credentials): no person, only scopes
        print(
            mint(
                "plaudit-dev-client",
                roles=args.role,
                scopes=args.scope,
                ttl=args.ttl,
                client_id="plaudit-dev-client",
            )
        )
    return 0


def _seed(args: argparse.Namespace) -> int:
    _connect(args)
    from plaudit_dev.seed import seed_demo

    counts = seed_demo()
    print("seeded: " + ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in counts.items()))
    return 0


def _audit(args: argparse.Namespace) -> int:
    _connect(args)
    from plaudit.services.audit import audit_ledger

    report = audit_ledger()
    print(f"{report.transactions} transactions, {report.postings} postings, {report.accounts} accounts")
    if report.ok:
        print(
            "ledger OK: every transaction sums to zero, every balance equals its postings, none is negative"
        )
        return 0
    print(f"ledger BROKEN: {len(report.breaches)} breach(es); first: {report.breaches[0]}", file=sys.stderr)
    for breach in report.breaches[1:20]:
        print(f"  {breach}", file=sys.stderr)
    return 1


def _connect(args: argparse.Namespace) -> None:
    """Point the store at the local stack (default) or at AWS."""
    if args.table:
        os.environ["TABLE_NAME"] = args.table
    elif args.stack:
        import boto3

        stack = boto3.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]
        outputs = {out["OutputKey"]: out["OutputValue"] for out in stack.get("Outputs", [])}
        os.environ["TABLE_NAME"] = outputs["DomainTableName"]
    else:
        from plaudit_dev.state import connect_local

        connect_local()


def _print_welcome(api_url: str) -> None:
    from plaudit_dev.jwt_local import mint
    from plaudit_dev.seed import DEMO_HR_ADMIN, PEOPLE

    alice, bob = PEOPLE[2][0], PEOPLE[3][0]
    hr = mint(DEMO_HR_ADMIN, roles=["hr_admin"], ttl=12 * 3600)
    token_alice = mint(alice, ttl=12 * 3600)
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
  # HR: the directory and the settings
  curl -s {api_url}/v1/employees -H "Authorization: Bearer $HR_TOKEN"
  curl -s {api_url}/v1/settings -H "Authorization: Bearer $HR_TOKEN"

Prove the ledger at any time:  .venv/bin/plaudit audit
Stop with Ctrl-C.
""",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
