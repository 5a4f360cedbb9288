"""Delivery channels: how a voucher's code reaches its owner, behind one interface.

The owner's `reward_delivery` names the channel they prefer: a Slack DM, an email, or the API only
(nothing is pushed; the code waits at GET /v1/vouchers/mine). A channel that cannot reach the person
(Slack not configured or no Slack id; email not configured) or refuses them for good is passed over for the
next one: slack, then email, then the API. A code goes to its owner and to nobody else, and is never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from aws_lambda_powertools import Logger

from plaudit.domain.employees import Employee, RewardDelivery
from plaudit.i18n import Messages

if TYPE_CHECKING:
    from plaudit.services.vouchers import OwnedVoucher

logger = Logger(child=True)
WIRE_LOGGERS = ("slack_sdk", "botocore", "urllib3")  # at DEBUG they log request and response bodies

FALLBACKS: dict[str, tuple[RewardDelivery, ...]] = {
    "slack": ("slack", "email", "api"),
    "email": ("email", "api"),
    "api": ("api",),
}


Posted = tuple[str, str]  # a Slack message: channel, ts


class ChannelRefused(Exception):
    """The channel will never reach this person with this voucher (no such user, a rejected address)."""


class Channel(Protocol):
    name: RewardDelivery

    def reaches(self, employee: Employee) -> bool:
        """Whether the channel is configured and knows where to send to this person."""
        ...

    def send(self, employee: Employee, voucher: OwnedVoucher, m: Messages) -> Posted | None:
        """Send the voucher with its code, in the owner's language `m`: where the message went when it can
        be updated later (a Slack DM's channel and ts). ChannelRefused for good; other exceptions are
        transient."""
        ...


class ApiOnly:
    """Nothing is pushed: the owner reads the code from GET /v1/vouchers/mine."""

    name: RewardDelivery = "api"

    def reaches(self, employee: Employee) -> bool:
        return True

    def send(self, employee: Employee, voucher: OwnedVoucher, m: Messages) -> Posted | None:
        return None


@contextmanager
def wire_logs_muted() -> Iterator[None]:
    """While a code travels (decrypted, sent), the HTTP clients log nothing below INFO, whatever the level."""
    loggers = [logging.getLogger(name) for name in WIRE_LOGGERS]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(max(each.getEffectiveLevel(), logging.INFO))
    try:
        yield
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)


def route(employee: Employee, channels: Sequence[Channel]) -> list[Channel]:
    """The channels to try for this person, preferred first (the API only one always last)."""
    by_name = {channel.name: channel for channel in channels}
    order = [by_name[name] for name in FALLBACKS[employee.reward_delivery] if name in by_name]
    return [channel for channel in order if channel.reaches(employee)] or [ApiOnly()]


def deliver(
    employee: Employee, voucher: OwnedVoucher, channels: Sequence[Channel], m: Messages
) -> tuple[RewardDelivery, Posted | None]:
    """Send the voucher, in the owner's language `m`, through the first channel of `route` that takes it;
    returns that channel's name and where its message went (a Slack DM), if anywhere."""
    for channel in route(employee, channels):
        try:
            posted = channel.send(employee, voucher, m)
        except ChannelRefused as refused:
            logger.warning(
                "a delivery channel refused a voucher, trying the next",
                extra={"voucher_id": voucher.id, "channel": channel.name, "reason": str(refused)},
            )
            continue
        return channel.name, posted
    return ApiOnly.name, None
