"""The cost model: what a month of Plaudit costs in AWS per 1,000 employees, from what the benchmark counts
(DynamoDB request units and bytes per operation, measured on the real handlers: bench.roundtrips and
bench.capacity), what the template declares (alarms, keys, secrets, schedules, memory), the stated workload
assumptions below and the price table (bench.prices). `python -m bench.cost` measures the counts (about a
minute) and writes docs/cost.md; `python -m bench` does the same, and `--quick` (make test) computes it from
its counts without writing, so the model cannot rot.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path

from bench.capacity import Units
from bench.prices import CHEAPEST_SEAT_USD, PRICES, READ_ON, REGION, VENDORS

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "docs" / "cost.md"
WEEKS_PER_MONTH = 52 / 12
GOAL_RATIO = 100


@dataclass(frozen=True)
class Workload:
    """What 1,000 employees do, per person per week (and the assumptions the benchmark cannot measure)."""

    employees: int = 1000
    kudos: float = 2.0  # given per person per week, one recipient each (Slack or the API)
    reactions: float = 2.0  # reaction kudos per person per week (priced as a kudos: the same use case)
    home_opens: float = 3.0  # Slack App Home opens per person per week (a wallet and a feed read)
    console_reads: float = 2.0  # web console or API reads per person per week (a wallet read)
    redemptions: float = 0.25 / WEEKS_PER_MONTH  # one redemption per person every four months
    console_share: float = 0.5  # share of employees who sign in to the console in a month (Cognito MAUs)
    invocation_ms: float = 150.0  # average billed duration of an invocation, warm and cold mixed
    log_kb_per_invocation: float = 1.5
    secret_reading_containers: int = 6  # warm containers that re-read their secrets every 5 minutes
    redemption_kudos_equivalents: float = 4.0  # request, approval, fulfilment and voucher, in a kudos' units


@dataclass(frozen=True)
class Measured:
    """Per operation, from the benchmark: the warm call's request units and bytes written."""

    kudos: Units  # give a kudos (1 recipient)
    projection: Units  # project that kudos from the stream (counters, boards, feed)
    wallet: Units
    feed: Units
    notification: Units  # what the notifications function reads (a kudos' detail)


@dataclass(frozen=True)
class Declared:
    """What template.yaml declares (counted from it)."""

    memory_mb: int
    alarms: int
    alarm_metrics: (
        int  # what alarms are billed by: one each, a Metrics Insights alarm each metric it analyses
    )
    dashboards: int
    kms_keys: int
    secrets: int
    scheduled_invocations: float  # per month
    custom_metrics: int  # distinct names (each name and dimension set is billed: a floor)


@dataclass(frozen=True)
class Usage:
    """A month of the workload, in the units AWS bills."""

    read_units: float
    write_units: float
    stored_gb: float
    invocations: float
    gb_seconds: float
    api_requests: float
    sqs_requests: float
    kms_requests: float
    secret_calls: float
    log_gb: float
    maus: float


@dataclass(frozen=True)
class Line:
    what: str
    usd: float
    note: str


def usage(work: Workload, measured: Measured, declared: Declared) -> Usage:
    people, month = work.employees, WEEKS_PER_MONTH
    kudos = (work.kudos + work.reactions) * people * month
    homes = work.home_opens * people * month
    reads = work.console_reads * people * month
    redemptions = work.redemptions * people * month
    per_kudos = Units()
    for part in (measured.kudos, measured.projection, measured.notification):
        per_kudos.add(part)
    read = kudos * per_kudos.read + homes * (measured.wallet.read + measured.feed.read)
    read += reads * measured.wallet.read + redemptions * work.redemption_kudos_equivalents * per_kudos.read
    write = kudos * per_kudos.write + redemptions * work.redemption_kudos_equivalents * per_kudos.write
    written = kudos * per_kudos.bytes_written
    written += redemptions * work.redemption_kudos_equivalents * per_kudos.bytes_written
    # a Slack kudos or Home open: the ack and its lazy listener; a kudos: also projections and notifications
    invocations = kudos * 4 + homes * 2 + reads + redemptions * 4 + declared.scheduled_invocations
    return Usage(
        read_units=read,
        write_units=write,
        stored_gb=written / 1e9,
        invocations=invocations,
        gb_seconds=invocations * work.invocation_ms / 1000 * declared.memory_mb / 1024,
        api_requests=kudos + homes + reads + redemptions * 2,
        sqs_requests=redemptions * 3,  # send, receive, delete of the fulfilment message
        kms_requests=redemptions * 2,  # encrypt the voucher code, decrypt it once shown
        secret_calls=work.secret_reading_containers * 12 * 24 * 30,
        log_gb=invocations * work.log_kb_per_invocation / 1e6,
        maus=people * work.console_share,
    )


def monthly_lines(use: Usage, declared: Declared) -> list[Line]:
    p = {name: price.usd for name, price in PRICES.items()}
    return [
        Line(
            "DynamoDB writes",
            use.write_units / 1e6 * p["dynamodb_write_units"],
            f"{use.write_units:,.0f} WRU",
        ),
        Line("DynamoDB reads", use.read_units / 1e6 * p["dynamodb_read_units"], f"{use.read_units:,.0f} RRU"),
        Line(
            "DynamoDB storage and PITR (a month's new data)",
            use.stored_gb * (p["dynamodb_storage"] + p["dynamodb_pitr"]),
            f"{use.stored_gb * 1000:,.1f} MB",
        ),
        Line("Lambda invocations", use.invocations / 1e6 * p["lambda_requests"], f"{use.invocations:,.0f}"),
        Line(
            "Lambda compute (arm64)",
            use.gb_seconds * p["lambda_arm_gb_second"],
            f"{use.gb_seconds:,.0f} GB-s",
        ),
        Line(
            "HTTP API requests", use.api_requests / 1e6 * p["http_api_requests"], f"{use.api_requests:,.0f}"
        ),
        Line("SQS requests", use.sqs_requests / 1e6 * p["sqs_requests"], f"{use.sqs_requests:,.0f}"),
        Line(
            "KMS (voucher key and its requests)",
            declared.kms_keys * p["kms_key"] + use.kms_requests / 1e4 * p["kms_requests"],
            f"{declared.kms_keys} key(s), {use.kms_requests:,.0f} requests",
        ),
        Line(
            "Secrets Manager",
            declared.secrets * p["secret"] + use.secret_calls / 1e4 * p["secret_calls"],
            f"{declared.secrets} secrets, {use.secret_calls:,.0f} reads",
        ),
        Line(
            "CloudWatch alarms",
            declared.alarm_metrics * p["alarm"],
            f"{declared.alarms} alarms, {declared.alarm_metrics} alarm metrics",
        ),
        Line(
            "CloudWatch dashboard",
            declared.dashboards * p["dashboard"],
            f"{declared.dashboards} dashboard(s)",
        ),
        Line(
            "CloudWatch custom metrics",
            declared.custom_metrics * p["custom_metric"],
            f"{declared.custom_metrics} metrics",
        ),
        Line("CloudWatch Logs ingestion", use.log_gb * p["log_ingestion"], f"{use.log_gb:,.2f} GB"),
        Line(
            "EventBridge Scheduler",
            declared.scheduled_invocations / 1e6 * p["scheduler"],
            f"{declared.scheduled_invocations:,.0f} invocations",
        ),
        Line(
            "Cognito (list price, beyond the free 10,000 MAUs)",
            use.maus * p["cognito_mau"],
            f"{use.maus:,.0f} MAUs",
        ),
    ]


def total(lines: Iterable[Line]) -> float:
    return sum(line.usd for line in lines)


def declared_by(template_text: str, metric_sources: Iterable[str]) -> Declared:
    """Count what template.yaml declares; custom metrics are the distinct names the code emits."""
    memory = re.search(r"^Globals:.*?^\s+MemorySize:\s*(\d+)", template_text, flags=re.S | re.M)
    rates = re.findall(r"ScheduleExpression:\s*rate\((\d+) (minute|hour|day)s?\)", template_text)
    per_month = {"minute": 60 * 24 * 30, "hour": 24 * 30, "day": 30}
    parameters = re.search(r"^Parameters:\n(.*?)^\S", template_text + "\nEnd", flags=re.S | re.M)
    # secrets the template makes, and those it is given by ARN (a parameter each)
    secrets = len(re.findall(r"^  \w+SecretArn:\s*$", parameters.group(1) if parameters else "", flags=re.M))
    secrets += template_text.count("Type: AWS::SecretsManager::Secret")
    names = set()
    for text in metric_sources:
        # plaudit.services.metrics' METRICS (what `count` publishes as metrics; other counts are log lines),
        # and a metric published directly: Powertools' add_metric or single_metric, a METRIC constant
        listed = re.search(r"^METRICS = frozenset\((.*?)^\)", text, flags=re.S | re.M)
        names |= set(re.findall(r'"(\w+)"', listed.group(1))) if listed else set()
        direct = r'(?:add_metric|single_metric)\(\s*name="(\w+)"|^METRIC = "(\w+)"'
        names |= {a or b for a, b in re.findall(direct, text, flags=re.M)}
    return Declared(
        memory_mb=int(memory.group(1)) if memory else 128,
        alarms=template_text.count("Type: AWS::CloudWatch::Alarm"),
        alarm_metrics=alarm_metrics(template_text),
        dashboards=template_text.count("Type: AWS::CloudWatch::Dashboard"),
        kms_keys=template_text.count("Type: AWS::KMS::Key"),
        secrets=secrets,
        scheduled_invocations=sum(per_month[unit] / int(every) for every, unit in rates),
        custom_metrics=len(names),
    )


def alarm_metrics(template_text: str) -> int:
    """The alarm metrics CloudWatch bills: one per single-metric alarm; a Metrics Insights query alarm is
    billed for every metric its query analyses, here each resource its WHERE names (`Key = '...'`), and at
    least one (a query over a whole namespace, as the business alarms', analyses one series per function
    that emits the metric: counted as one, a floor)."""
    blocks = re.findall(
        r"^  \w+:\n    Type: AWS::CloudWatch::Alarm\n(.*?)(?=^ {0,2}\S|\Z)", template_text, flags=re.S | re.M
    )
    total = 0
    for block in blocks:
        queries = re.findall(r"Expression:.*SELECT.*", block)
        total += sum(max(1, len(re.findall(r"\w+ = '", query))) for query in queries) or 1
    return total


def declared_in_repo() -> Declared:
    sources = [
        path.read_text() for folder in ("layers", "functions") for path in (REPO / folder).rglob("*.py")
    ]
    return declared_by((REPO / "template.yaml").read_text(), sources)


def measured_from(counts: Iterable[object]) -> Measured:
    """The warm, sub-token call of each operation the model prices (bench.roundtrips' counts)."""
    from bench import roundtrips as rt

    warm = {c.operation: c.units for c in counts if c.phase == "warm" and c.claim in ("sub", "-")}
    return Measured(
        kudos=warm[rt.KUDOS_1],
        projection=warm[rt.PROJECT_1],
        wallet=warm[rt.WALLET],
        feed=warm[rt.FEED],
        notification=warm[rt.GET_KUDOS],
    )


def render(work: Workload, measured: Measured, declared: Declared) -> str:
    use = usage(work, measured, declared)
    lines = monthly_lines(use, declared)
    month = total(lines)
    without_cognito = month - lines[-1].usd
    seat = month / work.employees
    ratio = CHEAPEST_SEAT_USD / seat
    larger = replace(work, employees=work.employees * 10)
    seat_10x = per_seat(larger, measured, declared)
    verdict = "met" if ratio >= GOAL_RATIO else "missed"
    goal_month = CHEAPEST_SEAT_USD / GOAL_RATIO * work.employees
    gap = (
        f" Meeting it takes a bill of at most ${goal_month:,.2f} a month: ${month - goal_month:,.2f} less."
        if month > goal_month
        else ""
    )
    rows = sorted(lines, key=lambda line: -line.usd)
    out = [
        "# What Plaudit costs to run",
        "",
        "<!-- Generated by `python -m bench.cost` (and `python -m bench`) from the benchmark's "
        "counts; do not edit. -->",
        "",
        f"**${month:,.2f} a month for {work.employees:,} employees: ${seat:.4f} per seat**, "
        f"{ratio:,.0f}x below the cheapest per-seat price a recognition vendor publishes "
        f"(${CHEAPEST_SEAT_USD:.2f}); "
        f"${without_cognito / work.employees:.4f} per seat while the console's sign-ins stay within "
        "Cognito's "
        f"free 10,000 monthly active users (goal: at least {GOAL_RATIO}x). AWS list prices, {REGION}, "
        f"read {READ_ON}; "
        "no free tier counted except where said. Rewards themselves (gift cards...) are what they "
        "cost, with any "
        "vendor.",
        "",
        f"The goal of {GOAL_RATIO}x is {verdict} at {work.employees:,} employees.{gap} At "
        f"{larger.employees:,} employees (the same habits) a seat costs ${seat_10x:.4f}, "
        f"{CHEAPEST_SEAT_USD / seat_10x:,.0f}x below: most of the bill is fixed.",
        "",
        "## Where the money goes",
        "",
        "| line | usage in a month | USD / month | share |",
        "|---|---|---:|---:|",
        *(f"| {line.what} | {line.note} | {line.usd:,.2f} | {line.usd / month:.0%} |" for line in rows),
        f"| **total** | | **{month:,.2f}** | |",
        "",
        "Most of it does not grow with use: alarms, custom metrics, the dashboard, secrets and the "
        "key are the "
        "same for 100 or 10,000 employees, so the per-seat figure falls as the organisation grows. "
        "What grows "
        "is DynamoDB's writes (a kudos' projection updates its counters for every period and scope: "
        f"{measured.projection.write:,.0f} write units, beside {measured.kudos.write:,.0f} for the kudos "
        "itself) and Cognito's monthly active users.",
        "",
        "## What was measured",
        "",
        "Request units per call, counted on the real handlers against moto by `bench.capacity` from "
        "each call's "
        "parameters and response (a warm container; writes in a transaction count double, as DynamoDB bills "
        "them; GSI copies included):",
        "",
        "| operation | read units | write units | bytes written |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {units.read:g} | {units.write:g} | {units.bytes_written:,} |"
            for name, units in (
                ("give a kudos (1 recipient)", measured.kudos),
                ("project it from the stream", measured.projection),
                ("notify it (a kudos' detail read)", measured.notification),
                ("read a wallet", measured.wallet),
                ("read the feed", measured.feed),
            )
        ),
        "",
        "From template.yaml: "
        f"{declared.memory_mb} MB per function, {declared.alarms} alarms watching "
        f"{declared.alarm_metrics} billed alarm metrics, {declared.dashboards} "
        "dashboard(s), "
        f"{declared.kms_keys} KMS key(s), {declared.secrets} secrets, {declared.scheduled_invocations:,.0f} "
        f"scheduled invocations a month; {declared.custom_metrics} custom metric names the code publishes "
        "(`plaudit.services.metrics.METRICS` and two gauges; every other count is a log line), each "
        "billed once per dimension set: a floor.",
        "",
        "## Assumptions",
        "",
        "| assumption | value |",
        "|---|---|",
        *(f"| {field.name.replace('_', ' ')} | {getattr(work, field.name):g} |" for field in fields(work)),
        "",
        "Per person and week unless said. A reaction is priced as a kudos (the same use case); a "
        "Slack kudos or "
        "Home open is two invocations (the 3-second ack and its lazy listener), a kudos two more "
        "(projection and "
        "notification, one stream batch each: a conservative count, batches hold many); a redemption "
        "is priced "
        f"as {work.redemption_kudos_equivalents:g} kudos' worth of request units (request, approval, "
        "fulfilment, "
        "voucher), 3 SQS and 2 KMS requests. Durations are an assumption (the benchmark's in-process timings "
        "are not Lambda's). Reads of a DynamoDB stream by Lambda are free.",
        "",
        "## Prices",
        "",
        "| item | USD | per | source |",
        "|---|---:|---|---|",
        *(f"| {name} | {price.usd:g} | {price.per} | {price.source} |" for name, price in PRICES.items()),
        "",
        "## Beside per-seat prices",
        "",
        "| product | per employee per month | source |",
        "|---|---|---|",
        f"| **Plaudit in your AWS account** | **${seat:.4f}** | this page |",
        *(f"| {name} | {figure} | {source} |" for name, figure, source in VENDORS),
        "",
        "Vendor figures are list prices as published, or as a published comparison reports them (the source "
        "says which); Plaudit's is AWS's bill only, not the people who run it.",
        "",
    ]
    return "\n".join(out)


def per_seat(work: Workload, measured: Measured, declared: Declared) -> float:
    return total(monthly_lines(usage(work, measured, declared), declared)) / work.employees


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print docs/cost.md only")
    args = parser.parse_args(argv)
    from bench.roundtrips import measure_round_trips
    from plaudit_dev.template import load_template

    counts, _ = measure_round_trips(load_template())
    work, measured, declared = Workload(), measured_from(counts), declared_in_repo()
    text = render(work, measured, declared)
    print(text)
    if not args.no_write:
        OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
