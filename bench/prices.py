"""AWS's published on-demand prices in us-east-1 that the cost model (bench.cost) uses: one table, each price
with the page it is published on. Read 2026-12-05 (the pages, and the figures quoted from them in the
sources named); check them again before budgeting. Free tiers are left out, except where a line says so."""

from __future__ import annotations

from dataclasses import dataclass

READ_ON = "2026-12-05"
REGION = "us-east-1"


@dataclass(frozen=True)
class Price:
    usd: float
    per: str
    source: str


PRICES: dict[str, Price] = {
    "dynamodb_write_units": Price(
        0.625, "million write request units (on-demand)", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "dynamodb_read_units": Price(
        0.125, "million read request units (on-demand)", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "dynamodb_storage": Price(0.25, "GB-month stored", "https://aws.amazon.com/dynamodb/pricing/on-demand/"),
    "dynamodb_pitr": Price(
        0.20, "GB-month of continuous backup (PITR)", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    # Lambda reads of a DynamoDB stream (the projections and notifications triggers) are free.
    "lambda_requests": Price(0.20, "million invocations", "https://aws.amazon.com/lambda/pricing/"),
    "lambda_arm_gb_second": Price(0.0000133334, "GB-second, arm64", "https://aws.amazon.com/lambda/pricing/"),
    "http_api_requests": Price(
        1.00, "million HTTP API requests", "https://aws.amazon.com/api-gateway/pricing/"
    ),
    "sqs_requests": Price(0.40, "million standard queue requests", "https://aws.amazon.com/sqs/pricing/"),
    "kms_key": Price(1.00, "customer managed key-month", "https://aws.amazon.com/kms/pricing/"),
    "kms_requests": Price(0.03, "10,000 requests", "https://aws.amazon.com/kms/pricing/"),
    "secret": Price(0.40, "secret-month", "https://aws.amazon.com/secrets-manager/pricing/"),
    "secret_calls": Price(0.05, "10,000 API calls", "https://aws.amazon.com/secrets-manager/pricing/"),
    # a Metrics Insights query alarm is billed for every metric its query analyses, not once
    "alarm": Price(
        0.10,
        "standard-resolution alarm metric-month (a query alarm: each metric it analyses)",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ),
    "dashboard": Price(
        3.00, "dashboard-month (the first 3 free, not counted)", "https://aws.amazon.com/cloudwatch/pricing/"
    ),
    "custom_metric": Price(
        0.30, "custom metric-month (first 10,000)", "https://aws.amazon.com/cloudwatch/pricing/"
    ),
    "log_ingestion": Price(0.50, "GB of logs ingested", "https://aws.amazon.com/cloudwatch/pricing/"),
    "scheduler": Price(1.00, "million scheduled invocations", "https://aws.amazon.com/eventbridge/pricing/"),
    # Essentials tier; the first 10,000 MAUs of a month are free for every account, for ever (not counted)
    "cognito_mau": Price(
        0.015, "monthly active user (Essentials)", "https://aws.amazon.com/cognito/pricing/"
    ),
}

# What recognition vendors publish per seat (per employee per month), for comparison. Quoted as their list
# prices or as a published comparison reports them; vendors who publish none are said so.
VENDORS: list[tuple[str, str, str]] = [
    ("Bonusly Core", "$2.70-$3.00", "https://nectarhr.com/blog/recognition-rewards-budgeting-insights"),
    ("Bonusly Pro", "$4.50-$5.00", "https://nectarhr.com/blog/recognition-rewards-budgeting-insights"),
    ("Nectar Standard", "$2.75-$3.00", "https://nectarhr.com/blog/recognition-rewards-budgeting-insights"),
    ("Vantage Circle Grow", "$2.00", "https://nectarhr.com/blog/recognition-rewards-budgeting-insights"),
    ("Assembly Lite", "$2.80-$3.50", "https://nectarhr.com/blog/recognition-rewards-budgeting-insights"),
    ("HeyTaco", "not found in a public source we could read", "https://heytaco.com"),
    ("Workhuman", "not published (quoted per contract)", "https://www.workhuman.com"),
    (
        "Xoxoday Empuls",
        "per user, shown in its billing page; no figure found published",
        "https://help.empuls.io/platform-management/platform-settings/billing-and-subscription",
    ),
]
CHEAPEST_SEAT_USD = 2.00  # the lowest per-seat figure above (Vantage Circle Grow)
