"""Small builders for the pure unit tests: people, settings, periods and wallets, no AWS."""

from datetime import UTC, datetime
from typing import Any

from plaudit.domain.employees import Employee, EmployeeStatus, Role
from plaudit.domain.periods import Period
from plaudit.domain.recognition import GivingContext, Recognition, Visibility
from plaudit.domain.settings import CompanyValue, OrgSettings
from plaudit.domain.wallets import Wallet

NOV = Period("2026-11", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
AT = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def person(
    employee_id: str,
    *,
    roles: list[Role] | None = None,
    active: bool = True,
    bot: bool = False,
    manager_id: str | None = None,
    **extra: Any,
) -> Employee:
    return Employee(
        id=employee_id,
        email=f"{employee_id.lower()}@plaudit.example",
        name=f"Person {employee_id}",
        manager_id=manager_id,
        status=EmployeeStatus.ACTIVE if active else EmployeeStatus.DEACTIVATED,
        is_bot=bot,
        roles=roles or [Role.EMPLOYEE],
        **extra,
    )


def org_settings(**overrides: Any) -> OrgSettings:
    """The demo organisation's rules: 100/200 allowances, 1..100 points, cap 100 per period."""
    values: dict[str, Any] = {
        "allowances": {Role.EMPLOYEE: 100, Role.MANAGER: 200, Role.HR_ADMIN: 200},
        "company_values": [
            CompanyValue(slug="teamwork", name="Teamwork"),
            CompanyValue(slug="craft", name="Craft"),
        ],
        "min_points_per_kudos": 1,
        "max_points_per_kudos": 100,
        "recipient_cap_per_period": 100,
    }
    values.update(overrides)
    return OrgSettings(**values)


def context(
    giver: Employee | None,
    *,
    wallet: Wallet | None = None,
    given: dict[str, int] | None = None,
    settings: OrgSettings | None = None,
    period: Period = NOV,
    recipients: dict[str, Employee | None] | None = None,
) -> GivingContext:
    giver_id = giver.id if giver else "E0000"
    return GivingContext(
        giver=giver,
        recipients=recipients or {},
        settings=settings or org_settings(),
        wallet=wallet
        if wallet is not None
        else Wallet(giver_id, allowance_period=period.id, allowance_remaining=100),
        given_this_period=given or {},
        period=period,
    )


def recognition(
    giver_id: str = "E1", recipient_ids: list[str] | None = None, visibility: Visibility = Visibility.PUBLIC
) -> Recognition:
    recipient_ids = recipient_ids or ["E2", "E3"]
    return Recognition(
        id="rec_1",
        giver_id=giver_id,
        recipient_ids=recipient_ids,
        shares=dict.fromkeys(recipient_ids, 10),
        message="thanks",
        values=[],
        visibility=visibility,
        created_at=AT,
        points=10 * len(recipient_ids),
    )
