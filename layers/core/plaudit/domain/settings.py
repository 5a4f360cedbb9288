"""Organisation settings: allowances, point value, company values and kudos limits."""

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from pydantic import ConfigDict, Field, PrivateAttr, field_validator, model_validator

from plaudit.domain.employees import EMPLOYEE_ID, Employee, Role
from plaudit.domain.item_types import ItemType
from plaudit.domain.languages import Locale
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid
from plaudit.domain.tiers import TierSettings
from plaudit.domain.zones import TimeZone

VALUE_SLUG = r"^[a-z0-9][a-z0-9_-]{0,31}$"
REACTION_NAME = r"^[a-z0-9_+'-]{1,100}$"


class PeriodKind(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class DeactivatedPoints(StrEnum):
    KEEP = "keep"
    EXPIRE = "expire"


class DeactivationPolicy(Model):
    """What happens to the points of someone who leaves: kept, or expired through the ledger after a grace
    period (during which a reactivation keeps them)."""

    model_config = ConfigDict(extra="forbid")

    points: DeactivatedPoints = DeactivatedPoints.EXPIRE
    grace_days: int = Field(default=30, ge=0, le=3650)


FINANCE_FALLBACK = "role:finance"  # fallback_approver_id: the finance role decides, not a named person
FALLBACK_APPROVER = rf"^(?:{FINANCE_FALLBACK}|{EMPLOYEE_ID.strip('^$')})$"


class ApprovalPolicy(Model):
    """When a redemption waits for a person's approval, and who gives it."""

    model_config = ConfigDict(extra="forbid")

    threshold_points: int = Field(
        default=5000, ge=0, description="Redemptions of at least this many points need approval"
    )
    fallback_approver_id: str | None = Field(
        default=None,
        pattern=FALLBACK_APPROVER,
        description="Approves for people without an active manager: an employee id, or `role:finance` "
        "(anyone with the finance role); unset: HR approves. An hr_admin's own redemption goes to finance "
        "and a finance member's to HR, so nobody is ever their own only approver",
    )
    escalate_after_days: int = Field(
        default=3, ge=1, le=90, description="Days without an answer after which HR may decide"
    )
    second_level_points: int | None = Field(
        default=None,
        ge=1,
        description="Redemptions of at least this many points need a second approval after the first "
        "approver's: by finance (by HR for a finance member's own), never by the first approver; null: one "
        "level. At least threshold_points",
    )

    @model_validator(mode="after")
    def _second_level_above_the_first(self) -> "ApprovalPolicy":
        if self.second_level_points is not None and self.second_level_points < self.threshold_points:
            raise ValueError("second_level_points must be at least threshold_points")
        return self


class CompanyValue(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(pattern=VALUE_SLUG, description="What people type after #, e.g. teamwork")
    name: str = Field(min_length=1, max_length=60)
    description: str | None = Field(default=None, max_length=300)


class LeaderboardSettings(Model):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=True, description="False: no leaderboard is shown, in the API or Slack")
    top_n: int = Field(default=10, ge=1, le=50, description="Rows a board shows")
    givers_only: bool = Field(
        default=False, description="True: only boards of who gave are shown (receivers do not compete)"
    )


class NudgeSettings(Model):
    model_config = ConfigDict(extra="forbid")

    streaks: bool = Field(
        default=True,
        description="Friday's Slack nudge to people whose giving streak of 3+ weeks breaks unless they give",
    )


EXPORT_DAYS_MAX = (
    30  # the export bucket's lifecycle rule (template.yaml ExpireExports) deletes files this old
)


class RetentionSettings(Model):
    """How long what people wrote, and the record of what they were sent, is kept. Past it, the scheduled
    retention run blanks what people wrote and keeps the record (the insights and the audit count it); what
    nothing counts (the notification log, Idempotency-Key answers) expires through the table's TTL."""

    model_config = ConfigDict(extra="forbid")

    kudos_message_days: int | None = Field(
        default=None,
        ge=30,
        le=3650,
        description="The messages of kudos and add-ons given more than this many days ago are blanked by the "
        "scheduled retention run (the kudos, its points and its counts stay; the bot's Slack posts of it say "
        "the message was removed); null: kept",
    )
    export_days: int = Field(
        default=7,
        ge=1,
        le=EXPORT_DAYS_MAX,
        description="An export's file (a report, the ledger, the trail, a person's data) can be downloaded "
        "for this many days after it was written; then its download answers 410 and the hourly run deletes "
        "the file (at most 30: the bucket's own lifecycle rule deletes anything older)",
    )
    notification_days: int = Field(
        default=365,
        ge=7,
        le=3650,
        description="The record of each notice sent to a person (a Slack DM, an email: what it was about, "
        "never its text) is kept this many days, then expires (DynamoDB TTL); it is in the person's export "
        "meanwhile. A year answers what someone was told over a review cycle; at least a week, so a "
        "question about last week's notice can be answered",
    )
    idempotency_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="The first response to a request made with an Idempotency-Key is kept this many days "
        "to answer its retries (clients retry within minutes or hours; a month covers a retry queued over a "
        "long outage), then deleted by the table's TTL; a retry after that is a 409 idempotency_key_expired "
        "and still does nothing twice",
    )


class OpenVouchers(StrEnum):
    KEEP = "keep"
    CANCEL = "cancel"


class ErasureSettings(Model):
    """What an erasure does beyond the person's data, and the erasures the organisation asks for without a
    request per person."""

    model_config = ConfigDict(extra="forbid")

    open_vouchers: OpenVouchers = Field(
        default=OpenVouchers.KEEP,
        description="The erased person's vouchers not yet redeemed nor expired: kept usable (keep), or "
        "cancelled with the erasure (cancel: a desk then refuses them, 409 voucher_cancelled)",
    )
    after_termination_days: int | None = Field(
        default=None,
        ge=0,
        le=3650,
        description="A person the directory reports terminated (HRIS, import or REST) from now on is erased "
        "by the scheduled run this many days after they were deactivated, once (while a redemption of theirs "
        "is in flight, at a later run; coming back before then cancels it); null: never without a request",
    )


class OrgSettings(Model):
    model_config = ConfigDict(extra="forbid")

    time_zone: TimeZone = Field(default="UTC", description="Zone in which allowance periods start and end")
    default_locale: Locale = Field(
        default="en",
        description="Language of channel announcements and of people who chose none (en, it, fr, ar)",
    )
    allowance_period: PeriodKind = PeriodKind.MONTHLY
    allowances: dict[Role, int] = Field(
        default_factory=lambda: {Role.EMPLOYEE: 100, Role.MANAGER: 200},
        description="Points a person may give per period, by role; a person gets the largest that applies",
    )
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    point_values: dict[str, Decimal] = Field(
        default_factory=lambda: {"USD": Decimal("0.01")},
        description="Cash value of one point, per ISO 4217 currency",
    )
    company_values: list[CompanyValue] = Field(default_factory=list, max_length=30)
    min_points_per_kudos: int = Field(default=1, ge=1)
    max_points_per_kudos: int = Field(default=100, ge=1, le=100_000)
    announcement_channel: str | None = Field(
        default=None,
        pattern=r"^[CG][A-Z0-9]{2,20}$",
        description="Slack channel where public kudos are announced",
    )
    recipient_cap_per_period: int = Field(
        default=200, ge=1, description="Most points one giver may send the same person in a period"
    )
    reaction_emoji: str = Field(
        default="clap",
        pattern=REACTION_NAME,
        description="Emoji name (without colons) whose reaction on a message gives its author points",
    )
    points_per_reaction: int = Field(
        default=1, ge=1, description="Points one reaction gives, kept within the points per kudos"
    )
    reaction_undo_minutes: int = Field(
        default=10, ge=0, le=1440, description="Minutes in which removing the reaction takes the points back"
    )
    celebration_hour: int = Field(
        default=9,
        ge=0,
        le=23,
        description="Local hour (in each person's time zone) when milestones are awarded",
    )
    hr_channel: str | None = Field(
        default=None,
        pattern=r"^[CG][A-Z0-9]{2,20}$",
        description="Slack channel where HR hears of awards waiting for a budget top-up and low stock",
    )
    deactivation: DeactivationPolicy = Field(default_factory=DeactivationPolicy)
    approvals: ApprovalPolicy = Field(default_factory=ApprovalPolicy)
    leaderboards: LeaderboardSettings = Field(default_factory=LeaderboardSettings)
    tiers: TierSettings = Field(
        default_factory=TierSettings,
        description="Status tiers by points received over the current month and the 11 before it",
    )
    manager_digest: bool = Field(
        default=True,
        description="A weekly Slack digest to each manager (Monday, from the celebration hour in the "
        "organisation's time zone): their team's recognition last week and who has gone unrecognised for 30 "
        "days; False: none",
    )
    taxable_item_types: list[ItemType] = Field(
        default_factory=lambda: [ItemType.GIFT_CARD],
        max_length=len(ItemType),
        description=(
            "Catalogue item types that payroll treats as income (cash equivalents): the taxable rewards "
            "report counts what people received of these"
        ),
    )
    nudges: NudgeSettings = Field(default_factory=NudgeSettings)
    points_expiry_months: int | None = Field(
        default=None,
        ge=1,
        le=120,
        description="Points received more than this many months ago expire through the ledger, oldest first, "
        "with a Slack DM to the person 30 days ahead; null: points never expire while the person stays",
    )
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    erasure: ErasureSettings = Field(default_factory=ErasureSettings)

    @field_validator("allowances")
    @classmethod
    def _non_negative(cls, value: dict[Role, int]) -> dict[Role, int]:
        if Role.EMPLOYEE not in value:
            raise invalid("problem.allowances_employee")
        if any(points < 0 or points > 1_000_000 for points in value.values()):
            raise invalid("problem.allowances_range", max=1_000_000)
        return value

    @field_validator("point_values")
    @classmethod
    def _positive_values(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for currency, amount in value.items():
            if len(currency) != 3 or not currency.isupper():
                raise invalid("problem.currency_code", currency=currency[:10])
            if amount <= 0:
                raise invalid("problem.point_value_positive", currency=currency)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "OrgSettings":
        if self.min_points_per_kudos > self.max_points_per_kudos:
            raise invalid("problem.kudos_min_max")
        if self.currency not in self.point_values:
            raise invalid("problem.home_currency_value", currency=self.currency)
        slugs = [value.slug for value in self.company_values]
        if len(slugs) != len(set(slugs)):
            raise invalid("problem.value_slugs_distinct")
        return self

    # Allowances changed mid-period apply from the next period: the ones in force when the period began,
    # and the period in which they were replaced. Kept by the store, never taken from a request.
    _allowances_at_start: dict[Role, int] | None = PrivateAttr(default=None)
    _allowances_changed_in: str | None = PrivateAttr(default=None)

    def allowance_for(self, employee: Employee, period_id: str | None = None) -> int:
        """The allowance for `period_id` (default: as configured now): the largest of the roles'."""
        return self.allowance_of_roles(employee.roles, period_id)

    def allowance_of_roles(self, roles: Iterable[Role], period_id: str | None = None) -> int:
        table = self.allowances
        if period_id is not None and period_id == self._allowances_changed_in and self._allowances_at_start:
            table = self._allowances_at_start
        return max((table.get(role, 0) for role in roles), default=0)

    def with_allowance_history(
        self, at_start: dict[Role, int] | None, changed_in: str | None
    ) -> "OrgSettings":
        self._allowances_at_start = at_start
        self._allowances_changed_in = changed_in
        return self

    def allowance_history(self) -> tuple[dict[Role, int] | None, str | None]:
        return self._allowances_at_start, self._allowances_changed_in

    def replacing(self, previous: "OrgSettings", period_id: str) -> "OrgSettings":
        """These settings as they replace `previous` during `period_id`: the period keeps its allowances."""
        at_start, changed_in = previous.allowance_history()
        if changed_in != period_id:
            at_start = previous.allowances
        if at_start == self.allowances:
            return self.with_allowance_history(None, None)
        return self.with_allowance_history(at_start, period_id)

    def reaction_points(self) -> int:
        """points_per_reaction kept within [min, max] points per kudos, so changing those never breaks it."""
        return min(max(self.points_per_reaction, self.min_points_per_kudos), self.max_points_per_kudos)

    def value_slugs(self) -> set[str]:
        return {value.slug for value in self.company_values}
