"""`plaudit campaign preview|run FILE.csv` and `plaudit campaign status ID`: campaigns through the stack's
REST API (the local stack's by default, as its demo HR admin; or any API with a token); and
`plaudit referrals import FILE.csv`, referred hires through the same client.

`run` creates the campaign with an Idempotency-Key derived from the file and the options, so running the
same command again resubmits the same campaign (nobody is paid twice), starts it and follows its progress
with a bar until it is done. A CSV with bad rows is refused before anything is stored: each bad line is
printed with its problem.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, TextIO

POLL_SECONDS = 0.5


class Refused(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"{status} {body}")
        self.status, self.body = status, body

    def said(self) -> str:
        try:
            error = json.loads(self.body)["error"]
        except (ValueError, KeyError, TypeError):
            return f"HTTP {self.status}: {self.body[:500]}"
        lines = [f"{error['code']}: {error['message']}"]
        lines += [f"  {p['field']}: {p['problem']}" for p in error.get("details", {}).get("errors", [])]
        return "\n".join(lines)


@dataclass
class Client:
    api_url: str
    token: str
    timeout: float = 120

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.api_url.rstrip("/") + path, data=data, method=method)  # noqa: S310
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw, kind = response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            raise Refused(error.code, error.read().decode(errors="replace")) from error
        return json.loads(raw) if kind.startswith("application/json") else raw.decode()


def request_body(text: str, args: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": args.name, "budget_id": args.budget, "csv": text, "public": args.public}
    if args.message:
        body["message"] = args.message
    if args.points is not None:
        body["points"] = args.points
    if args.item:
        body |= {"item_id": args.item, "denomination": args.denomination}
    return body


def preview(client: Client, text: str, args: Any, out: TextIO) -> int:
    found = client.send("POST", "/v1/campaigns/preview", request_body(text, args))
    print(
        f"{found['people']} people, {found['total_points']} points from {args.budget} "
        f"(available {found['budget_available']}: {'covered' if found['covered'] else 'NOT covered'})",
        file=out,
    )
    for skip in found["skipped"]:
        who = skip["employee_id"] or skip["email"]
        print(f"  skipped: line {skip['line']} ({who}): {skip['reason']}", file=out)
    return 0 if found["covered"] else 1


def run(client: Client, text: str, args: Any, out: TextIO) -> int:
    body = request_body(text, args)
    key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:40]
    campaign = client.send("POST", "/v1/campaigns", body, {"Idempotency-Key": key})
    print(
        f"campaign {campaign['id']}: {campaign['people']} people, {campaign['total_points']} points", file=out
    )
    campaign = client.send("GET", f"/v1/campaigns/{campaign['id']}")  # a resubmission answers the first reply
    if campaign["status"] == "draft":
        campaign = client.send("POST", f"/v1/campaigns/{campaign['id']}/run")
    campaign = follow(client, campaign)
    return summary(campaign, out)


def follow(client: Client, campaign: dict[str, Any]) -> dict[str, Any]:
    """Poll the campaign's progress with a bar on stderr (silent when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("paying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("campaign", total=campaign["people"])
        while campaign["status"] == "running":
            bar.update(task, completed=campaign["people"] - campaign["remaining"])
            time.sleep(POLL_SECONDS)
            campaign = client.send("GET", f"/v1/campaigns/{campaign['id']}")
        bar.update(task, completed=campaign["people"] - campaign["remaining"])
    return campaign


def summary(campaign: dict[str, Any], out: TextIO) -> int:
    print(
        f"campaign {campaign['id']} {campaign['status']}: {campaign['paid']} paid, {campaign['pending']} "
        f"pending for the budget, {campaign['failed']} failed, {campaign['skipped']} skipped, "
        f"{campaign['remaining']} not processed",
        file=out,
    )
    return 0 if campaign["status"] == "done" and not campaign["failed"] else 1


def status(client: Client, campaign_id: str, report: bool, out: TextIO) -> int:
    campaign = client.send("GET", f"/v1/campaigns/{campaign_id}")
    code = summary(campaign, out)
    if report:
        out.write(client.send("GET", f"/v1/campaigns/{campaign_id}/report"))
    return code


def main(args: Any, client: Client, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Exit 0: done (or covered, for a preview); 1: refused, not covered or some failed; 2: unusable file."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        if args.action == "status":
            return status(client, args.campaign_id, args.report, out)
        try:
            with open(args.path, encoding="utf-8") as file:
                text = file.read()
        except (OSError, UnicodeDecodeError) as error:
            print(f"plaudit campaign: {args.path}: {error}", file=err)
            return 2
        return (preview if args.action == "preview" else run)(client, text, args, out)
    except Refused as refused:
        print(f"plaudit campaign: {refused.said()}", file=err)
        return 1


def referrals_import(args: Any, client: Client, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Report the CSV's referred hires (POST /v1/referrals/imports): one line per hire and what it paid.
    Exit 0: recorded (or checked, for a dry run); 1: refused (each bad line printed); 2: unusable file."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        with open(args.path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        print(f"plaudit referrals: {args.path}: {error}", file=err)
        return 2
    try:
        report = client.send("POST", "/v1/referrals/imports", {"csv": text, "dry_run": args.dry_run})
    except Refused as refused:
        print(f"plaudit referrals: {refused.said()}", file=err)
        return 1
    for recorded in report["recorded"]:
        referral = recorded["referral"]
        paid = sum(p["points"] for p in referral["parts"] if p["part"] == "at_hire")
        later = [f"{p['points']} on {p['due_on']}" for p in referral["parts"] if p["status"] == "scheduled"]
        print(
            f"{referral['hire_id']} referred by {referral['referrer_id']}: {paid} points now"
            + (f", then {', '.join(later)}" if later else ""),
            file=out,
        )
    if args.dry_run:
        print(f"dry run: {len(report['recorded'])} hires checked, nothing recorded", file=out)
    return 0
