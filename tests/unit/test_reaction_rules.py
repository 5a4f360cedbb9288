"""Which reactions give points, and when removing one takes them back (domain.reactions)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from slack_sdk.models.blocks import Block

from plaudit.domain.ledger import Balance, TxnKind, employee_account
from plaudit.domain.reactions import UndoOutcome, UndoPlan, counts, emoji_of, plan_undo, reaction_key
from plaudit.domain.recognition import Kudos, Visibility
from plaudit.domain.wallets import Wallet
from plaudit.i18n import messages
from plaudit.slack.views import reactions as reaction_views

from .factories import org_settings

GIVEN_AT = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def _reaction(points: int = 3, given_at: datetime = GIVEN_AT) -> Kudos:
    return Kudos(
        id="rec_1",
        giver_id="E2",
        recipient_ids=["E1"],
        shares={"E1": points},
        message=":clap: reaction to a message",
        values=[],
        visibility=Visibility.PRIVATE,
        created_at=given_at,
        points=points,
    )


def _undo(
    *,
    after: timedelta = timedelta(minutes=5),
    given_at: datetime = GIVEN_AT,
    undone: bool = False,
    author_points: int = 3,
    **settings: Any,
) -> UndoPlan | UndoOutcome:
    return plan_undo(
        _reaction(given_at=given_at),
        undone=undone,
        author_wallet=Wallet("E1", points=author_points),
        settings=org_settings(**settings),
        at=given_at + after,
    )


def test_settings_default_to_one_clap_undone_within_ten_minutes() -> None:
    settings = org_settings()
    assert (settings.reaction_emoji, settings.points_per_reaction, settings.reaction_undo_minutes) == (
        "clap",
        1,
        10,
    )


@pytest.mark.parametrize(
    "overrides",
    [{"points_per_reaction": 0}, {"reaction_emoji": ":clap:"}, {"reaction_undo_minutes": -1}],
)
def test_settings_refuse_bad_reaction_rules(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        org_settings(**overrides)


def test_reaction_points_stay_within_the_points_per_kudos() -> None:
    assert org_settings(points_per_reaction=500).reaction_points() == 100
    assert org_settings(min_points_per_kudos=5).reaction_points() == 5
    assert org_settings(points_per_reaction=7).reaction_points() == 7


def test_the_configured_emoji_counts_with_any_skin_tone() -> None:
    settings = org_settings(reaction_emoji="raised_hands")
    assert counts("raised_hands", settings)
    assert counts("raised_hands::skin-tone-4", settings)
    assert not counts("clap", settings)
    assert emoji_of("clap::skin-tone-2") == "clap"


def test_the_key_names_the_message_not_the_event() -> None:
    assert reaction_key("C1", "1.2") == reaction_key("C1", "1.2") != reaction_key("C1", "1.3")


def test_undo_in_the_window_moves_points_back_to_the_allowance() -> None:
    plan = _undo()
    assert isinstance(plan, UndoPlan)
    txn = plan.transaction
    assert txn.kind is TxnKind.REACTION_UNDO
    assert txn.deltas() == {
        employee_account("E1", Balance.POINTS): -3,
        employee_account("E2", Balance.ALLOWANCE): 3,
    }
    assert plan.period_id == "2026-11"
    assert {(c.employee_id, c.points_delta, c.allowance_delta) for c in plan.wallet_changes} == {
        ("E1", -3, 0),
        ("E2", 0, 3),
    }
    assert _undo().transaction.id == txn.id  # one reaction is undone by one transaction id


@pytest.mark.parametrize(
    ("kwargs", "outcome"),
    [
        ({"undone": True}, UndoOutcome.ALREADY_UNDONE),
        ({"after": timedelta(minutes=10, seconds=1)}, UndoOutcome.TOO_LATE),
        ({"reaction_undo_minutes": 0}, UndoOutcome.TOO_LATE),
        ({"author_points": 2}, UndoOutcome.POINTS_SPENT),
        ({"given_at": datetime(2026, 11, 30, 23, 55, tzinfo=UTC)}, UndoOutcome.NEW_PERIOD),
    ],
)
def test_undo_is_refused_outside_the_window_period_or_balance(
    kwargs: dict[str, Any], outcome: UndoOutcome
) -> None:
    assert _undo(**kwargs) is outcome


def test_a_longer_window_allows_a_later_undo() -> None:
    assert isinstance(_undo(after=timedelta(minutes=30), reaction_undo_minutes=60), UndoPlan)


EN = messages("en")


def _views() -> list[dict[str, Any]]:
    return [
        reaction_views.author_dm_message("<@UREACTOR>", 1, "clap", "C1", EN),
        reaction_views.undone_message("UAUTHOR", 100, "raised_hands", EN),
        reaction_views.taken_back_dm_message("<@UREACTOR>", 1, "clap", "C1", EN),
        *(reaction_views.kept_message("UAUTHOR", 5, outcome, EN) for outcome in reaction_views.KEPT_BECAUSE),
    ]


@pytest.mark.parametrize("message", _views())
def test_reaction_messages_fit_block_kit(message: dict[str, Any]) -> None:
    assert 0 < len(message["text"]) <= 4000
    for block in message["blocks"]:
        assert Block.parse(block).to_dict() == block
        assert 0 < len(block["text"]["text"]) <= 3000


def test_the_dm_says_who_gave_what_where() -> None:
    shown = str(reaction_views.author_dm_message("<@UREACTOR>", 1, "clap", "C1", EN))
    for part in (":clap:", "<@UREACTOR>", "*1 point*", "<#C1>"):
        assert part in shown
