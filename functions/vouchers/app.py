"""REST v1: my vouchers (with their codes), marking one used, and staff checking and redeeming codes. The
daily expiry and reminders are their own function (functions/vouchers_schedule).
"""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import create_app, current_caller, reply
from plaudit.api.pages import Cursor, Limit
from plaudit.services import vouchers
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("vouchers")
gc.freeze()  # keep them out of every later collection
gc.enable()

VoucherIdPath = Annotated[str, Path(pattern=r"^vch_[0-9A-Z]{26}$")]


@app.get("/v1/vouchers/mine", summary="My vouchers, newest first, with their codes")
@tracer.capture_method
def my_vouchers(limit: Limit = 50, cursor: Cursor = None) -> vouchers.MyVouchers:
    items, next_cursor = vouchers.mine(current_caller(app), limit=limit, cursor=cursor)
    return vouchers.MyVouchers(items=items, next_cursor=next_cursor)


@app.post("/v1/vouchers/<voucher_id>/used", summary="Mark my voucher used (once)")
@tracer.capture_method
def mark_used(voucher_id: VoucherIdPath) -> vouchers.VoucherView:
    return vouchers.mark_used(current_caller(app), voucher_id)


@app.post(
    "/v1/vouchers/validate",
    summary="Check a code for a purchase (vouchers scope, HR, desk accounts): nothing changes",
    description="What the voucher is worth, its restrictions and expiry, its owner's first name, and "
    "whether it can be used here on this purchase (`usable`; if not, `refusal` names the rule) and what it "
    "gives on it.",
    responses={
        404: reply("No voucher has this code (voucher_not_valid): unknown, or its check character fails")
    },
)
@tracer.capture_method
def validate(body: vouchers.CheckVoucher) -> vouchers.VoucherCheck:
    return vouchers.validate(
        current_caller(app),
        body.code.get_secret_value(),
        location=body.location,
        vendor=body.vendor,
        purchase=body.purchase(),
        locale=app.locale(),
    )


@app.post(
    "/v1/vouchers/redeem",
    summary="Check a code and mark its voucher redeemed (vouchers scope)",
    responses={
        404: reply("No voucher has this code (voucher_not_valid): unknown, or its check character fails"),
        409: reply(
            "Redeemed already (voucher_already_redeemed), or cancelled when its owner was erased or HR took "
            "back the award it came from (voucher_cancelled)"
        ),
        422: reply(
            "It cannot be used here, now or on this purchase: voucher_expired, blackout, "
            "voucher_wrong_location, voucher_wrong_vendor, below_minimum_purchase, excluded_category, "
            "purchase_amount_needed, purchase_category_needed"
        ),
    },
)
@tracer.capture_method
def redeem(body: vouchers.CheckVoucher) -> vouchers.VoucherCheck:
    check = vouchers.redeem(
        current_caller(app),
        body.code.get_secret_value(),
        location=body.location,
        vendor=body.vendor,
        purchase=body.purchase(),
    )
    count("VouchersRedeemed")
    return check


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
