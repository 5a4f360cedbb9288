"""Every message builder of the Slack front end and the voucher email, rendered in every language Plaudit
speaks: really in that language (not English, no key missing from its catalogue), inside Block Kit's
limits, and in Arabic with mentions, emoji, channel links and numbers intact (no bidi control character
inside or against a mention)."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from plaudit.domain.employees import Employee
from plaudit.domain.milestone_rules import MilestoneRule, RuleType
from plaudit.i18n import SUPPORTED_LOCALES, Messages, messages
from plaudit.services.insights import BoardEntry, Leaderboard, OwnStanding
from plaudit.services.vouchers import OwnedVoucher
from plaudit.slack.commands import KudosTextError, parse
from plaudit.slack.views import (
    add_on,
    approvals,
    home,
    kudos_modal,
    leaderboard,
    milestone_admin,
    modals,
    people,
    reactions,
    rewards,
    texts,
)
from plaudit.slack.views import messages as kudos

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
ALICE, BOB = "U0ALICE1", "U0BOB002"
PERSON = Employee(id="E1003", email="alice@x.example", name="Alice Martin", slack_user_id=ALICE)
RULE = MilestoneRule(
    id="rule_1",
    name="Anniversary",
    type=RuleType.WORK_ANNIVERSARY,
    years=[1, 5],
    points_by_year={1: 100, 5: 500},
    points=50,
    budget_id="company",
    message="Happy {years} years, {first_name}!",
    created_at=AT,
    updated_at=AT,
)
VOUCHER = OwnedVoucher(
    id="vch_1",
    redemption_id="red_1",
    item_id="item_1",
    item_name="Books",
    status="issued",
    expires_on=date(2027, 5, 31),
    issued_at=AT,
    employee_id="E1003",
    code="7KQ4-M9TX",
)
AWARD = {
    "id": "awd_1",
    "rule_name": "Anniversary",
    "employee_id": "E1003",
    "employee_name": "Alice Martin",
    "slack_user_id": ALICE,
    "day": "2026-11-23",
    "points": 500,
    "budget_id": "company",
    "catalog_item_id": "mug",
    "status": "paid",
    "message": "",
}
REDEMPTION = {
    "id": "red_1",
    "employee_id": "E1003",
    "item_name": "Books",
    "denomination": "25",
    "currency": "EUR",
    "points": 2500,
    "funded_by": "points",
    "history": [{"status": "rejected", "by": "E1002", "reason": "budget"}],
}
CHOICE_FIXED = rewards.RedeemChoice("item_1", "Books", "EUR", 2500, fixed=[(Decimal(25), 2500)])
CHOICE_RANGE = rewards.RedeemChoice(
    "item_1", "Gift", "EUR", 90, range=(Decimal(5), Decimal(500)), point_value=Decimal("0.01")
)
CHOICE_OFFER = rewards.RedeemChoice("item_2", "Bistro", "EUR", 90, offer=("20% off", 400))
TERMS = rewards.Terms(
    kind="percentage",
    currency="EUR",
    percent=Decimal("12.5"),
    cap=Decimal(50),
    minimum_purchase=Decimal(30),
    excluded_categories=("alcohol",),
    places=("Lisbon", "Spa Co"),
)
ORIGIN = approvals.Origin("red_1", "D0MAYA01", "1.2")
BOARD = Leaderboard(
    metric="received",
    by="points",
    period="2026-11",
    time_zone="UTC",
    scope="org",
    entries=[BoardEntry(rank=1, employee_id="E1003", name="Alice", points=25, kudos=2)],
    me=OwnStanding(rank=None, points=3, kudos=1),
)
KUDOS_LINES = [home.KudosLine(f"<@{BOB}>", 10, "Thanks", ["teamwork"], AT)]


def _notices() -> Any:
    from plaudit.slack.notices import milestones, rewards

    return milestones, rewards


def _delivery() -> Any:
    from plaudit.integrations.delivery import mail, slack_dm

    return mail, slack_dm


# Each builder, by its module and name, with the arguments that make it say words.
BUILDERS: dict[str, Callable[[Messages], Any]] = {
    "plaudit.slack.views.messages.help_message": lambda m: kudos.help_message(m),
    "plaudit.slack.views.messages.problem_message": lambda m: kudos.problem_message(
        m.text("slack.failed"), m, with_example=True
    ),
    "plaudit.slack.views.messages.problem_about": lambda m: kudos.problem_about(
        "kudos.refused.not_a_person", [ALICE], m
    ),
    "plaudit.slack.views.messages.confirmation_message": lambda m: [
        kudos.confirmation_message({ALICE: 5}, m, announced_in="CKUDOS01"),
        kudos.confirmation_message({ALICE: 5, BOB: 5}, m, announced_in=None),
        kudos.confirmation_message({ALICE: 6, BOB: 5}, m, announced_in=None),
        kudos.confirmation_message({ALICE: 5}, m, announced_in=None, replayed=True),
    ],
    "plaudit.slack.views.messages.announcement_message": lambda m: kudos.announcement_message(
        f"<@{BOB}>", {f"<@{ALICE}>": 25}, "Thanks!", ["teamwork"], m, recognition_id="rec_1"
    ),
    "plaudit.slack.views.messages.recipient_dm_message": lambda m: kudos.recipient_dm_message(
        f"<@{BOB}>", 25, "Thanks!", ["teamwork"], m
    ),
    "plaudit.slack.views.messages.removed_message": lambda m: kudos.removed_message(m),
    "plaudit.slack.views.messages.balance_message": lambda m: kudos.balance_message(40, 100, AT, 1234, m),
    "plaudit.slack.views.texts.kudos_problem": lambda m: [
        texts.kudos_problem(
            m, field, min_points=1, max_points=100, max_message=1000, max_values=5, max_recipients=20
        )
        for field in ("points", "message", "values", "recipient_ids", "other")
    ],
    "plaudit.slack.views.people.person_mention": lambda m: people.person_mention(None, m),
    "plaudit.slack.views.people.people_mentions": lambda m: people.people_mentions([PERSON] * 12, m),
    "plaudit.slack.views.add_on.added_on_blocks": lambda m: [
        block.to_dict() for block in add_on.added_on_blocks(f"<@{BOB}>", 5, 30, m)
    ],
    "plaudit.slack.views.add_on.added_on_receipt": lambda m: [
        add_on.added_on_receipt([f"<@{ALICE}>"], 5, m),
        add_on.added_on_receipt([f"<@{ALICE}>", f"<@{BOB}>"], 5, m),
    ],
    "plaudit.slack.views.reactions.author_dm_message": lambda m: reactions.author_dm_message(
        f"<@{BOB}>", 1, "clap", "C0GENERAL", m
    ),
    "plaudit.slack.views.reactions.taken_back_dm_message": lambda m: reactions.taken_back_dm_message(
        f"<@{BOB}>", 1, "clap", "C0GENERAL", m
    ),
    "plaudit.slack.views.reactions.undone_message": lambda m: reactions.undone_message(ALICE, 1, "clap", m),
    "plaudit.slack.views.reactions.kept_message": lambda m: [
        reactions.kept_message(ALICE, 1, outcome, m) for outcome in reactions.KEPT_BECAUSE
    ],
    "plaudit.slack.views.home.home_view": lambda m: home.home_view(
        [(m.text("home.section.points"), [])] * 60, m
    ),
    "plaudit.slack.views.home.not_in_directory_view": lambda m: home.not_in_directory_view(m),
    "plaudit.slack.views.home.wallet_section": lambda m: [
        block.to_dict() for block in home.wallet_section(40, 100, AT, 1234, Decimal("12.34"), "EUR", m)
    ],
    "plaudit.slack.views.home.kudos_section": lambda m: [
        block.to_dict()
        for block in [
            *home.kudos_section(KUDOS_LINES, "home.kudos.from", m.text("home.kudos.none_received"), m),
            *home.kudos_section(KUDOS_LINES, "home.kudos.to", m.text("home.kudos.none_given"), m),
        ]
    ],
    "plaudit.slack.views.home.unavailable_section": lambda m: [
        b.to_dict() for b in home.unavailable_section(m)
    ],
    "plaudit.slack.views.kudos_modal.kudos_modal": lambda m: kudos_modal.kudos_modal(
        "kudos-1", kudos_modal.Prefill(), kudos_modal.OrgChoices({"teamwork": "Teamwork"}, 1, 100), m
    ),
    "plaudit.slack.views.kudos_modal.prefill_for": lambda m: (
        kudos_modal.prefill_for(
            {
                "type": "message_action",
                "message": {"user": ALICE},
                "user": {"id": BOB},
                "channel": {"id": "C1"},
                "message_ts": "1.2",
            },
            m,
        ).message
    ),
    "plaudit.slack.views.approvals.what": lambda m: approvals.what("Books", Decimal(25), "EUR", 2500, m),
    "plaudit.slack.views.approvals.approvals_section": lambda m: [
        block.to_dict()
        for block in approvals.approvals_section(
            [approvals.ApprovalLine("red_1", f"<@{ALICE}>", "Books", Decimal(25), "EUR", 2500, AT)], m
        )
    ],
    "plaudit.slack.views.approvals.decision_buttons": lambda m: [
        button.to_dict() for button in approvals.decision_buttons("red_1", m)
    ],
    "plaudit.slack.views.approvals.reject_modal": lambda m: approvals.reject_modal("reject-1", ORIGIN, m),
    "plaudit.slack.views.approvals.decided_message": lambda m: [
        approvals.decided_message(status, "<@UMAYA>", AT, f"<@{ALICE}>", "*Books*", m, "budget")
        for status in approvals.DECIDED
    ],
    "plaudit.slack.views.rewards.points_range": lambda m: [
        rewards.points_range(100, 500, m),
        rewards.points_range(None, None, m),
    ],
    "plaudit.slack.views.rewards.catalog_section": lambda m: [
        block.to_dict()
        for block in rewards.catalog_section([rewards.CatalogLine("item_1", "Books", None, 100, 500)], 250, m)
    ],
    "plaudit.slack.views.rewards.rewards_section": lambda m: [
        block.to_dict()
        for status in rewards.STATUSES
        for block in rewards.rewards_section(
            [
                rewards.RewardLine("vch_1", "Books", status, "7KQ4", date(2027, 5, 31)),
                rewards.RewardLine("vch_2", "Bistro", status, "8KQ4", None, TERMS),
            ],
            m,
        )
    ],
    "plaudit.slack.views.rewards.offer_text": lambda m: [
        rewards.offer_text(kind, Decimal("12.5"), cap, "EUR", m)
        for kind in ("percentage", "cashback")
        for cap in (None, Decimal(50))
    ],
    "plaudit.slack.views.rewards.terms_facts": lambda m: [
        rewards.terms_facts(TERMS, m),
        rewards.terms_facts(rewards.Terms(kind="amount", currency="EUR", amount=Decimal(25)), m),
    ],
    "plaudit.slack.views.rewards.notice_modal": lambda m: rewards.notice_modal(
        "redeem-1", m.text("error.item_inactive"), m
    ),
    "plaudit.slack.views.rewards.pass_modal": lambda m: rewards.pass_modal(
        "pass-view", "Café break", "K7M2Q9", 150, AT, m
    ),
    "plaudit.slack.views.rewards.redeem_modal": lambda m: [
        rewards.redeem_modal("redeem-1", CHOICE_FIXED, m),
        rewards.redeem_modal("redeem-1", CHOICE_RANGE, m),
        rewards.redeem_modal("redeem-1", CHOICE_OFFER, m),
    ],
    "plaudit.slack.views.rewards.confirmation_text": lambda m: [
        rewards.confirmation_text("Books", 2500, "pending_approval", "<@UMAYA>", m),
        rewards.confirmation_text("Books", 2500, "pending_approval", None, m),
        rewards.confirmation_text("Books", 2500, "approved", None, m),
    ],
    "plaudit.slack.views.milestone_admin.rules_section": lambda m: [
        block.to_dict() for block in milestone_admin.rules_section([RULE], m, more=True)
    ],
    "plaudit.slack.views.milestone_admin.notice_modal": lambda m: milestone_admin.notice_modal(
        "rule-1", m.text("milestones.only_hr"), m
    ),
    "plaudit.slack.views.milestone_admin.rule_modal": lambda m: [
        milestone_admin.rule_modal("rule-1", [], m),
        milestone_admin.rule_modal("rule-1", [milestone_admin.BudgetChoice("company", "Company")], m, RULE),
    ],
    "plaudit.slack.notices.milestones.celebration_message": lambda m: _notices()[0].celebration_message(
        AWARD | {"slack_user_id": None, "employee_name": None, "employee_id": None, "rule_name": None}, m
    ),
    "plaudit.slack.notices.milestones.award_dm_message": lambda m: _notices()[0].award_dm_message(AWARD, m),
    "plaudit.slack.notices.milestones.pending_message": lambda m: _notices()[0].pending_message(AWARD, m),
    "plaudit.slack.notices.milestones.reminder_message": lambda m: _notices()[0].reminder_message(AWARD, m),
    "plaudit.slack.notices.rewards.approval_message": lambda m: _notices()[1].approval_message(
        REDEMPTION, "Alice", m
    ),
    "plaudit.slack.notices.rewards.owner_message": lambda m: (
        [
            _notices()[1].owner_message(REDEMPTION | {"status": status}, m)
            for status in ("approved", "rejected", "cancelled", "fulfilled", "failed")
        ]
        + [_notices()[1].owner_message(REDEMPTION | {"status": "fulfilled", "item_type": "donation"}, m)]
    ),
    "plaudit.slack.notices.rewards.award_message": lambda m: [
        _notices()[1].award_message(REDEMPTION | {"history": [{"by": "E1002", "reason": "Merci"}]}, giver, m)
        for giver in ("<@UMAYA>", None)
    ],
    "plaudit.slack.notices.rewards.failure_message": lambda m: _notices()[1].failure_message(
        REDEMPTION, "Alice", m
    ),
    "plaudit.slack.notices.rewards.stock_alert_message": lambda m: [
        _notices()[1].stock_alert_message({"item_name": "Books", "remaining": left, "alert_below": 5}, m)
        for left in (0, 3)
    ],
    "plaudit.slack.notices.rewards.reminder_message": lambda m: _notices()[1].reminder_message(
        {"expires_on": "2026-11-30"}, m
    ),
    "plaudit.slack.notices.rewards.points_reminder_message": lambda m: _notices()[1].points_reminder_message(
        {"points": 120, "expires_by": "2027-01-04"}, m
    ),
    "plaudit.slack.views.leaderboard.leaderboard_message": lambda m: leaderboard.leaderboard_message(
        BOARD, "week", "teamwork", m
    ),
    "plaudit.slack.views.leaderboard.board_blocks": lambda m: [
        block.to_dict() for block in leaderboard.board_blocks(BOARD.model_copy(update={"entries": []}), m)
    ],
    "plaudit.integrations.delivery.slack_dm.voucher_message": lambda m: _delivery()[1].voucher_message(
        VOUCHER, m
    ),
    "plaudit.integrations.delivery.mail.voucher_email": lambda m: vars(
        _delivery()[0].voucher_email(PERSON, VOUCHER, m)
    ),
    "plaudit.integrations.delivery.mail.notice_email": lambda m: vars(
        _delivery()[0].notice_email(
            PERSON,
            m.text("email.award.subject", rule="Work anniversary"),
            [m.text("email.award.points", points=m.points(50))],
            m,
        )
    ),
    "plaudit.slack.notices.tiers.tier_dm_message": lambda m: _tiers()[0].tier_dm_message("Gold", 2400, m),
    "plaudit.slack.notices.tiers.tier_announcement": lambda m: _tiers()[0].tier_announcement(
        "<@UALICE>", "Gold", m
    ),
    "plaudit.slack.views.tiers.tier_section": lambda m: [
        block.to_dict()
        for tier in (_tiers()[2], _tiers()[2].model_copy(update={"name": None}))
        for block in _tiers()[1].tier_section(tier, m)
    ],
}


def _tiers() -> tuple[Any, Any, Any]:
    from plaudit.services.tiers import NextTier, TierView
    from plaudit.slack.notices import tiers as notices
    from plaudit.slack.views import tiers as views

    view = TierView(
        name="Silver",
        points=600,
        window_from="2025-12",
        window_to="2026-11",
        next=NextTier(name="Gold", threshold=2000, points_to_go=1400),
    )
    return notices, views, view


MODULES = sorted({name.rsplit(".", 1)[0] for name in BUILDERS} | {"plaudit.slack.views.kudos_modal"})
ARABIC = re.compile(r"[\u0600-\u06ff]")
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def no_english_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key missing from a catalogue fails the test rather than falling back to English."""

    def missing(self: Messages, key: str) -> Messages:
        raise AssertionError(f"{key} is missing from the {self.locale} catalogue")

    monkeypatch.setattr(Messages, "_fallback", missing)


def _said(built: Any) -> str:
    return json.dumps(built, ensure_ascii=False, default=str)


def test_every_builder_that_takes_a_language_is_rendered_here() -> None:
    builders = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module_name or name.startswith("_"):
                continue
            if any(
                parameter.annotation in (Messages, "Messages")
                for parameter in inspect.signature(function).parameters.values()
            ):
                builders.add(f"{module_name}.{name}")
    assert builders == set(BUILDERS)


@pytest.mark.usefixtures("no_english_fallback")
@pytest.mark.parametrize("locale", [locale for locale in SUPPORTED_LOCALES if locale != "en"])
@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_builder_speaks_each_language(name: str, locale: str) -> None:
    english, said = _said(BUILDERS[name](messages("en"))), _said(BUILDERS[name](messages(locale)))
    assert said != english
    if locale == "ar":
        assert ARABIC.search(said), said


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("name", [name for name in BUILDERS if "view" not in name and "modal" not in name])
def test_messages_fit_block_kit_in_every_language(name: str, locale: str) -> None:
    built = BUILDERS[name](messages(locale))
    for message in built if isinstance(built, list) else [built]:
        if isinstance(message, dict) and "blocks" in message:
            assert 0 < len(message["text"]) <= 4000
            for block in message["blocks"]:
                assert Block.parse(block).to_dict() == block


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_modals_fit_block_kit_in_every_language(locale: str) -> None:
    from slack_sdk.models.views import View

    m = messages(locale)
    for view in [
        *BUILDERS["plaudit.slack.views.milestone_admin.rule_modal"](m),
        *BUILDERS["plaudit.slack.views.rewards.redeem_modal"](m),
        BUILDERS["plaudit.slack.views.kudos_modal.kudos_modal"](m),
        BUILDERS["plaudit.slack.views.approvals.reject_modal"](m),
        BUILDERS["plaudit.slack.views.home.home_view"](m),
        modals.loading("kudos", "kudos-1"),
    ]:
        View(**view).validate_json()  # titles within 24 characters, options within 75, ...
        assert modals.language(view).locale == (locale if view.get("private_metadata") else "en")


def test_arabic_keeps_mentions_emoji_channels_and_numbers_intact() -> None:
    ar = messages("ar")
    said = _said(
        [
            kudos.recipient_dm_message(f"<@{BOB}>", 25, "Thanks", ["teamwork"], ar),
            kudos.announcement_message(f"<@{BOB}>", {f"<@{ALICE}>": 25, "<@U0CARLOS>": 25}, "x", [], ar),
            kudos.confirmation_message({ALICE: 1_500}, ar, announced_in="C0KUDOS1"),
            reactions.author_dm_message(f"<@{BOB}>", 3, "tada", "C0GENERAL", ar),
            kudos.problem_about("kudos.refused.not_a_person", [ALICE, BOB], ar),
        ]
    )
    for intact in (
        f"<@{ALICE}>",
        f"<@{BOB}>",
        "<@U0CARLOS>",
        "<#C0KUDOS1>",
        "<#C0GENERAL>",
        ":gift:",
        ":tada:",
        ":clap:",
    ):
        assert intact in said, intact
    assert "25 نقطة" in said  # 25: Arabic's "11 to 99" form, Western digits as Babel writes them
    assert "1,500 نقطة" in said
    assert "3 نقاط" in said  # 3: the "3 to 10" form
    assert "#teamwork" in said
    for mention in re.finditer(r"<[@#][A-Z0-9]+>", said):
        around = said[max(mention.start() - 1, 0) : mention.end() + 1]
        assert not set(around) & set(BIDI_CONTROLS), around


@pytest.mark.usefixtures("no_english_fallback")
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize(
    "text", ["", "help", "@bob", "<@U1> thanks", "<@U1> 10", "<@U1> 2.5 thanks", "<@U1> 99999999 thanks"]
)
def test_every_mistake_and_the_help_of_kudos_are_said_in_every_language(locale: str, text: str) -> None:
    m = messages(locale)
    try:
        parse(text)
    except KudosTextError as mistake:
        said = m.text(mistake.key, **mistake.params)
        assert said
        assert "{" not in said
    else:
        said = kudos.help_message(m)["blocks"][0]["text"]["text"]
        assert m.text("kudos.example") in said


def test_the_kudos_verbs_and_units_are_understood_in_every_language() -> None:
    assert {parse(word) for word in ("aide", "aiuto", "مساعدة", "help")} == {parse("")}
    assert {parse(word) for word in ("solde", "saldo", "رصيد", "balance")} == {parse("balance")}
    for typed in ("25 points", "25 punti", "25 نقاط"):
        kudos_text = parse(f"<@U1> merci {typed}")
        assert (kudos_text.points, kudos_text.message) == (25, "merci")  # type: ignore[union-attr]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_form_refusals_are_said_in_the_language_the_form_was_shown_in(locale: str) -> None:
    m = messages(locale)
    view = kudos_modal.kudos_modal("kudos-1", kudos_modal.Prefill(), kudos_modal.OrgChoices({}, 1, 100), m)
    empty = {
        "recipients": {"users": {}},
        "points": {"points": {}},
        "message": {"message": {}},
        "visibility": {"visibility": {}},
    }
    errors = kudos_modal.read_submission({**view, "state": {"values": empty}}, ALICE)
    assert errors == {
        "recipients": m.text("kudos.form.choose_someone"),
        "points": m.text("kudos.form.whole_points"),
        "message": m.text("kudos.parse.no_message"),
    }
    redeem = rewards.redeem_modal("redeem-1", CHOICE_FIXED, m)
    assert rewards.read_denomination({**redeem, "state": {"values": {}}})[1] == {
        rewards.DENOMINATION: m.text("rewards.form.choose_error")
    }
    rule = milestone_admin.rule_modal("rule-1", [], m)
    assert milestone_admin.read_form({**rule, "state": {"values": {}}})[1] == {
        milestone_admin.TYPE: m.text("milestones.error.type")
    }
