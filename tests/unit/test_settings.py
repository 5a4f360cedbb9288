"""Organisation settings: validation, and the allowance a person gets."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from plaudit.domain.employees import Role
from plaudit.domain.settings import CompanyValue, OrgSettings, PeriodKind

from .factories import person


def refused(match: str, **fields) -> None:
    with pytest.raises(ValidationError, match=match):
        OrgSettings(**fields)


def test_defaults_are_valid():
    settings = OrgSettings()
    assert settings.time_zone == "UTC"
    assert settings.allowance_period is PeriodKind.MONTHLY
    assert settings.allowances == {Role.EMPLOYEE: 100, Role.MANAGER: 200}
    assert settings.point_values == {"USD": Decimal("0.01")}
    assert (settings.min_points_per_kudos, settings.max_points_per_kudos) == (1, 100)


def test_min_above_max_is_refused():
    refused(
        "min_points_per_kudos exceeds max_points_per_kudos", min_points_per_kudos=50, max_points_per_kudos=10
    )
    OrgSettings(min_points_per_kudos=10, max_points_per_kudos=10)


def test_home_currency_needs_a_point_value():
    refused("home currency EUR", currency="EUR")
    OrgSettings(currency="EUR", point_values={"EUR": Decimal("0.01")})


def test_duplicate_value_slugs_are_refused():
    refused(
        "slugs must be unique",
        company_values=[CompanyValue(slug="craft", name="Craft"), CompanyValue(slug="craft", name="Craft 2")],
    )


@pytest.mark.parametrize("slug", ["Team Work", "#teamwork", "Teamwork", "", "-x", "a" * 33])
def test_value_slug_format(slug):
    with pytest.raises(ValidationError):
        CompanyValue(slug=slug, name="x")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "utc", "", "../etc/passwd", "Europe/Lonon"])
def test_unknown_zone_is_refused(zone):
    refused("time zone", time_zone=zone)


@pytest.mark.parametrize("zone", ["A" * 300, "America"])  # OSError / IsADirectoryError inside ZoneInfo
def test_unloadable_zone_is_a_validation_error(zone):
    refused("time zone", time_zone=zone)


def test_known_zones_are_accepted():
    for zone in ("Pacific/Kiritimati", "America/Los_Angeles", "UTC"):
        assert OrgSettings(time_zone=zone).time_zone == zone


def test_negative_allowances_are_refused():
    refused("between 0 and 1,000,000", allowances={Role.EMPLOYEE: 100, Role.MANAGER: -1})
    refused("between 0 and 1,000,000", allowances={Role.EMPLOYEE: 1_000_001})
    OrgSettings(allowances={Role.EMPLOYEE: 0})


def test_allowances_must_include_employees():
    refused("must include the employee role", allowances={Role.MANAGER: 200})


def test_point_values_must_be_positive_iso_codes():
    refused("must be positive", point_values={"USD": Decimal("0")})
    refused("must be positive", point_values={"USD": Decimal("-0.01")})
    refused("not an ISO 4217", point_values={"USD": Decimal("0.01"), "usd": Decimal("0.01")})
    refused("not an ISO 4217", point_values={"USD": Decimal("0.01"), "DOLLAR": Decimal("0.01")})


def test_kudos_limits():
    refused("greater than or equal to 1", min_points_per_kudos=0)
    refused("less than or equal to 100000", max_points_per_kudos=100_001)
    refused("greater than or equal to 1", recipient_cap_per_period=0)


def test_unknown_fields_are_refused():
    refused("Extra inputs", allowance=100)


def test_round_trips_through_json():
    settings = OrgSettings(
        allowances={Role.EMPLOYEE: 50, Role.HR_ADMIN: 300},
        company_values=[CompanyValue(slug="craft", name="Craft")],
        allowance_period=PeriodKind.WEEKLY,
    )
    assert OrgSettings.model_validate(settings.model_dump(mode="json")) == settings


# -- allowance_for -------------------------------------------------------------------------------------

ALLOWANCES = {Role.EMPLOYEE: 100, Role.MANAGER: 200, Role.HR_ADMIN: 150}


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.EMPLOYEE], 100),
        ([Role.MANAGER], 200),
        ([Role.HR_ADMIN], 150),
        ([Role.MANAGER, Role.HR_ADMIN], 200),
        ([Role.FINANCE], 100),  # no entry for finance: the employee allowance still applies
    ],
)
def test_allowance_for_takes_the_largest_role(roles, expected):
    assert OrgSettings(allowances=ALLOWANCES).allowance_for(person("E1", roles=roles)) == expected


def test_allowance_for_a_role_above_a_zero_employee_allowance():
    settings = OrgSettings(allowances={Role.EMPLOYEE: 0, Role.MANAGER: 50})
    assert settings.allowance_for(person("E1")) == 0
    assert settings.allowance_for(person("E2", roles=[Role.MANAGER])) == 50


def test_value_slugs():
    settings = OrgSettings(
        company_values=[CompanyValue(slug="craft", name="C"), CompanyValue(slug="team", name="T")]
    )
    assert settings.value_slugs() == {"craft", "team"}
    assert OrgSettings().value_slugs() == set()


# -- allowance changes apply from the next period ------------------------------------------------------

OLD = {Role.EMPLOYEE: 100, Role.MANAGER: 200}
NEW = {Role.EMPLOYEE: 150, Role.MANAGER: 120}


def test_without_history_every_period_gets_the_configured_allowance():
    settings = OrgSettings(allowances=NEW)
    assert settings.allowance_history() == (None, None)
    assert settings.allowance_for(person("E1"), "2026-11") == 150
    assert settings.allowance_for(person("E1")) == 150


def test_the_period_of_a_change_keeps_the_allowances_it_began_with():
    settings = OrgSettings(allowances=NEW).replacing(OrgSettings(allowances=OLD), "2026-11")
    assert settings.allowance_history() == (OLD, "2026-11")
    employee, manager = person("E1"), person("E2", roles=[Role.MANAGER])
    assert settings.allowance_for(employee, "2026-11") == 100
    assert settings.allowance_for(manager, "2026-11") == 200
    assert settings.allowance_for(employee, "2026-12") == 150
    assert settings.allowance_for(manager, "2026-12") == 150  # the largest role's: employee now beats manager
    assert settings.allowance_for(employee) == 150  # as configured


def test_a_second_change_in_the_same_period_still_keeps_the_first_allowances():
    first = OrgSettings(allowances=NEW).replacing(OrgSettings(allowances=OLD), "2026-11")
    again = OrgSettings(allowances={Role.EMPLOYEE: 80}).replacing(first, "2026-11")
    assert again.allowance_history() == (OLD, "2026-11")
    assert again.allowance_for(person("E1"), "2026-11") == 100
    assert again.allowance_for(person("E1"), "2026-12") == 80


def test_changing_back_within_the_period_leaves_no_history():
    changed = OrgSettings(allowances=NEW).replacing(OrgSettings(allowances=OLD), "2026-11")
    back = OrgSettings(allowances=OLD).replacing(changed, "2026-11")
    assert back.allowance_history() == (None, None)
    assert back.allowance_for(person("E1"), "2026-11") == 100


def test_a_change_in_a_later_period_starts_from_what_was_in_force_then():
    november = OrgSettings(allowances=NEW).replacing(OrgSettings(allowances=OLD), "2026-11")
    december = OrgSettings(allowances={Role.EMPLOYEE: 60}).replacing(november, "2026-12")
    assert december.allowance_history() == (NEW, "2026-12")
    assert december.allowance_for(person("E1"), "2026-12") == 150
    assert december.allowance_for(person("E1"), "2027-01") == 60


def test_other_changes_leave_the_allowances_alone():
    changed = OrgSettings(allowances=OLD, max_points_per_kudos=50).replacing(
        OrgSettings(allowances=OLD), "2026-11"
    )
    assert changed.allowance_history() == (None, None)
