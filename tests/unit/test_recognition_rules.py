"""Peer recognition rules: shares, who may receive, amounts, and the ledger plan a kudos makes."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaudit.domain.employees import Role
from plaudit.domain.errors import Forbidden, RuleViolation
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_ALLOWANCE, Posting, TxnKind
from plaudit.domain.periods import Period
from plaudit.domain.recognition import (
    CapCount,
    SplitMode,
    Visibility,
    WalletChange,
    check_amounts,
    check_giver,
    check_recipients,
    check_values,
    plan_add_on,
    plan_giving,
    shares_for,
)
from plaudit.domain.wallets import Wallet

from .factories import AT, NOV, context, org_settings, person, recognition

DEC = Period("2026-12", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def rule_code(call, *args, **kwargs) -> str:
    with pytest.raises(RuleViolation) as raised:
        call(*args, **kwargs)
    return raised.value.code


# -- shares_for ----------------------------------------------------------------------------------------


def test_each_gives_every_recipient_the_points():
    assert shares_for(["A", "B", "C"], 10, SplitMode.EACH) == {"A": 10, "B": 10, "C": 10}


def test_split_divides_evenly():
    assert shares_for(["A", "B"], 10, SplitMode.SPLIT) == {"A": 5, "B": 5}


def test_split_hands_out_the_remainder_in_the_order_given():
    assert shares_for(["A", "B", "C"], 11, SplitMode.SPLIT) == {"A": 4, "B": 4, "C": 3}
    assert shares_for(["C", "B", "A"], 11, SplitMode.SPLIT) == {"C": 4, "B": 4, "A": 3}
    assert list(shares_for(["C", "B", "A"], 11, SplitMode.SPLIT)) == ["C", "B", "A"]


def test_split_of_fewer_points_than_people_leaves_someone_with_zero():
    assert shares_for(["A", "B", "C"], 2, SplitMode.SPLIT) == {"A": 1, "B": 1, "C": 0}


@settings(max_examples=200, derandomize=True, database=None)
@given(n=st.integers(1, 20), points=st.integers(1, 10_000))
def test_split_conserves_points_and_differs_by_at_most_one(n, points):
    ids = [f"E{i}" for i in range(n)]
    shares = shares_for(ids, points, SplitMode.SPLIT)
    assert list(shares) == ids
    assert sum(shares.values()) == points
    assert max(shares.values()) - min(shares.values()) <= 1
    assert list(shares.values()) == sorted(shares.values(), reverse=True)


# -- givers and recipients -----------------------------------------------------------------------------


def test_giver_must_be_in_the_directory_and_active():
    with pytest.raises(Forbidden) as missing:
        check_giver(None)
    assert missing.value.code == "not_in_directory"
    with pytest.raises(Forbidden) as gone:
        check_giver(person("E1", active=False))
    assert gone.value.code == "giver_deactivated"
    with pytest.raises(Forbidden) as bot:
        check_giver(person("E1", bot=True))
    assert bot.value.code == "giver_is_bot"
    giver = person("E1")
    assert check_giver(giver) is giver


def test_unknown_recipients_are_listed():
    with pytest.raises(RuleViolation) as raised:
        check_recipients(person("E1"), {"E2": person("E2"), "E9": None, "E8": None})
    assert raised.value.code == "unknown_recipient"
    assert raised.value.details == {"ids": ["E8", "E9"]}


def test_no_kudos_to_yourself():
    giver = person("E1")
    assert rule_code(check_recipients, giver, {"E1": giver, "E2": person("E2")}) == "self_recognition"


def test_no_kudos_to_bots():
    assert rule_code(check_recipients, person("E1"), {"B1": person("B1", bot=True)}) == "recipient_is_bot"


def test_no_kudos_to_deactivated_people():
    with pytest.raises(RuleViolation) as raised:
        check_recipients(person("E1"), {"E2": person("E2"), "E3": person("E3", active=False)})
    assert raised.value.code == "recipient_inactive"
    assert raised.value.details == {"id": "E3"}


def test_active_colleagues_may_receive():
    check_recipients(person("E1"), {"E2": person("E2"), "E3": person("E3", roles=[Role.MANAGER])})


def test_values_must_be_configured():
    settings_ = org_settings()
    check_values(["teamwork", "craft"], settings_)
    check_values([], settings_)
    with pytest.raises(RuleViolation) as raised:
        check_values(["teamwork", "synergy"], settings_)
    assert raised.value.code == "unknown_value"
    assert raised.value.details == {"unknown": ["synergy"], "allowed": ["craft", "teamwork"]}


# -- amounts -------------------------------------------------------------------------------------------


def test_points_within_min_and_max():
    ctx = context(person("E1", roles=[Role.MANAGER]), wallet=Wallet("E1", 0, "2026-11", 200))
    check_amounts({"E2": 1, "E3": 100}, ctx)
    assert rule_code(check_amounts, {"E2": 101}, ctx) == "points_out_of_range"
    assert rule_code(check_amounts, {"E2": 0}, ctx) == "points_out_of_range"
    narrow = context(person("E1"), settings=org_settings(min_points_per_kudos=5, max_points_per_kudos=10))
    assert rule_code(check_amounts, {"E2": 4}, narrow) == "points_out_of_range"
    check_amounts({"E2": 5}, narrow)


def test_per_recipient_cap_counts_what_was_given_this_period():
    ctx = context(person("E1"), given={"E2": 60})
    check_amounts({"E2": 40}, ctx)  # exactly up to the cap
    with pytest.raises(RuleViolation) as raised:
        check_amounts({"E2": 41}, ctx)
    assert raised.value.code == "recipient_cap_exceeded"
    assert raised.value.details == {"recipient": "E2", "cap": 100, "given": 60, "period": "2026-11"}


def test_cap_is_per_recipient():
    ctx = context(
        person("E1", roles=[Role.MANAGER]), wallet=Wallet("E1", 0, "2026-11", 200), given={"E2": 100}
    )
    check_amounts({"E3": 100}, ctx)
    assert rule_code(check_amounts, {"E3": 1, "E2": 1}, ctx) == "recipient_cap_exceeded"


def test_allowance_caps_the_total():
    ctx = context(person("E1"), wallet=Wallet("E1", 0, "2026-11", 30))
    check_amounts({"E2": 15, "E3": 15}, ctx)
    with pytest.raises(RuleViolation) as raised:
        check_amounts({"E2": 16, "E3": 15}, ctx)
    assert raised.value.code == "insufficient_allowance"
    assert raised.value.details["needed"] == 31
    assert raised.value.details["remaining"] == 30
    assert raised.value.details["resets_at"] == "2026-12-01T00:00:00Z"


def test_a_stale_period_means_a_fresh_allowance():
    # 5 left from October does not limit November: the giver has their full 100 again.
    ctx = context(person("E1"), wallet=Wallet("E1", 0, "2026-10", 5))
    check_amounts({"E2": 100}, ctx)
    never_gave = context(person("E1"), wallet=Wallet("E1"))
    check_amounts({"E2": 100}, never_gave)
    assert rule_code(check_amounts, {"E2": 60, "E3": 41}, never_gave) == "insufficient_allowance"


def test_allowance_follows_the_largest_role():
    manager = context(person("E1", roles=[Role.MANAGER]), wallet=Wallet("E1"))
    check_amounts({"E2": 100, "E3": 100}, manager)
    assert rule_code(check_amounts, {"E2": 100, "E3": 100, "E4": 1}, manager) == "insufficient_allowance"


def test_allowance_changed_mid_period_applies_from_the_next_period():
    # HR raised the employee allowance from 100 to 150 during November.
    settings_ = org_settings(allowances={Role.EMPLOYEE: 150}).replacing(org_settings(), "2026-11")
    first_in_november = context(person("E1"), wallet=Wallet("E1"), settings=settings_)
    assert rule_code(check_amounts, {"E2": 100, "E3": 1}, first_in_november) == "insufficient_allowance"
    rollover, _ = plan(first_in_november, {"E2": 100}).transactions
    assert rollover.deltas()["emp:E1:allowance"] == 100
    assert plan(first_in_november, {"E2": 100}).wallet_changes[0].granted == 100
    in_december = context(person("E1"), wallet=Wallet("E1", 0, "2026-11", 0), settings=settings_, period=DEC)
    check_amounts({"E2": 100, "E3": 50}, in_december)
    assert plan(in_december, {"E2": 10}).wallet_changes[0].granted == 150


def test_allowance_already_spent_this_period_is_not_refreshed():
    ctx = context(person("E1"), wallet=Wallet("E1", 0, "2026-11", 0))
    assert rule_code(check_amounts, {"E2": 1}, ctx) == "insufficient_allowance"


def test_cap_count_only_counts_its_own_period():
    assert CapCount("2026-11", 40).given_in("2026-11") == 40
    assert CapCount("2026-10", 40).given_in("2026-11") == 0
    assert CapCount().given_in("2026-11") == 0


# -- plan_giving ---------------------------------------------------------------------------------------


def plan(ctx, shares, txn_id="txn_k", kind=TxnKind.KUDOS):
    return plan_giving(ctx, shares, txn_id=txn_id, kind=kind, at=AT, ref={"recognition_id": "rec_1"})


def balances(transactions) -> dict[str, int]:
    total: dict[str, int] = {}
    for txn in transactions:
        for account, amount in txn.deltas().items():
            total[account] = total.get(account, 0) + amount
    return total


def test_plan_in_the_current_period_is_one_balanced_transaction():
    wallet = Wallet("E1", points=7, allowance_period="2026-11", allowance_remaining=50)
    result = plan(context(person("E1"), wallet=wallet), {"E2": 20, "E3": 10})
    assert result.total == 30
    assert result.period == NOV
    assert [txn.kind for txn in result.transactions] == [TxnKind.KUDOS]
    (txn,) = result.transactions
    assert txn.id == "txn_k"
    assert txn.ref == {"recognition_id": "rec_1"}
    assert txn.at == AT
    assert sum(p.amount for p in txn.postings) == 0
    assert txn.deltas() == {"emp:E1:allowance": -30, "emp:E2:points": 20, "emp:E3:points": 10}
    assert result.wallet_changes == (
        WalletChange("E1", points_delta=0, allowance_delta=-30, period="2026-11", resets_from=None),
        WalletChange("E2", points_delta=20, allowance_delta=0, period=None, resets_from=None),
        WalletChange("E3", points_delta=10, allowance_delta=0, period=None, resets_from=None),
    )


def test_first_kudos_ever_grants_the_allowance_first():
    wallet = Wallet("E1")
    result = plan(context(person("E1"), wallet=wallet), {"E2": 30})
    rollover, kudos = result.transactions
    assert rollover.kind is TxnKind.ALLOWANCE_ROLLOVER
    assert rollover.id == derived_id("txn", "rollover", "E1", "2026-11", "0")
    assert rollover.at == NOV.starts_at
    assert rollover.ref == {"employee_id": "E1", "period": "2026-11"}
    # Nothing to expire: only the grant.
    assert rollover.deltas() == {ORG_ALLOWANCE: -100, "emp:E1:allowance": 100}
    assert kudos.kind is TxnKind.KUDOS
    giver = result.wallet_changes[0]
    assert giver == WalletChange("E1", 0, 70, "2026-11", resets_from=wallet, granted=100)


def test_stale_period_expires_the_leftover_and_grants_a_fresh_allowance():
    wallet = Wallet("E1", points=12, allowance_period="2026-10", allowance_remaining=35)
    result = plan(context(person("E1"), wallet=wallet), {"E2": 40})
    rollover, _ = result.transactions
    assert rollover.postings == (
        Posting("emp:E1:allowance", -35, "allowance of 2026-10 expired"),
        Posting(ORG_ALLOWANCE, 35, "allowance expired"),
        Posting(ORG_ALLOWANCE, -100, "allowance for 2026-11"),
        Posting("emp:E1:allowance", 100, "allowance for 2026-11"),
    )
    giver = result.wallet_changes[0]
    assert giver.allowance_delta == -35 + 100 - 40
    assert giver.resets_from == wallet
    assert giver.granted == 100
    assert giver.period == "2026-11"
    # Applied to what was read, the change leaves exactly the fresh allowance minus the kudos.
    assert wallet.allowance_remaining + giver.allowance_delta == 60


def test_rollover_id_is_stable_per_employee_and_period():
    a = plan(context(person("E1"), wallet=Wallet("E1", 0, "2026-10", 35)), {"E2": 10}, txn_id="txn_a")
    b = plan(context(person("E1"), wallet=Wallet("E1", 0, None, 0)), {"E3": 20}, txn_id="txn_b")
    c = plan(context(person("E1"), wallet=Wallet("E1"), period=DEC), {"E2": 10})
    d = plan(context(person("E4"), wallet=Wallet("E4")), {"E2": 10})
    assert a.transactions[0].id == b.transactions[0].id
    assert len({a.transactions[0].id, c.transactions[0].id, d.transactions[0].id}) == 3


def test_no_rollover_for_a_wallet_already_in_the_period():
    result = plan(context(person("E1"), wallet=Wallet("E1", 0, "2026-11", 100)), {"E2": 10})
    assert all(txn.kind is not TxnKind.ALLOWANCE_ROLLOVER for txn in result.transactions)
    assert all(change.resets_from is None for change in result.wallet_changes)
    assert all(change.granted == 0 for change in result.wallet_changes)


def test_rollover_with_spent_wallet_that_was_fully_used_only_grants():
    wallet = Wallet("E1", 0, "2026-10", 0)
    rollover, _ = plan(context(person("E1"), wallet=wallet), {"E2": 10}).transactions
    assert rollover.deltas() == {ORG_ALLOWANCE: -100, "emp:E1:allowance": 100}


def test_plan_giving_refuses_what_check_amounts_refuses():
    assert rule_code(plan, context(person("E1")), {"E2": 101}) == "points_out_of_range"
    assert rule_code(plan, context(person("E1"), given={"E2": 100}), {"E2": 1}) == "recipient_cap_exceeded"
    with pytest.raises(Forbidden):
        plan(context(None), {"E2": 1})
    with pytest.raises(Forbidden):
        plan(context(person("E1", active=False)), {"E2": 1})


wallets = st.builds(
    Wallet,
    employee_id=st.just("G"),
    points=st.integers(0, 1000),
    allowance_period=st.sampled_from([None, "2026-09", "2026-10", "2026-11"]),
    allowance_remaining=st.integers(0, 200),
)


@settings(max_examples=200, derandomize=True, database=None)
@given(
    wallet=wallets,
    roles=st.sampled_from([[Role.EMPLOYEE], [Role.MANAGER], [Role.FINANCE]]),
    shares=st.dictionaries(st.sampled_from(["R1", "R2", "R3", "R4"]), st.integers(1, 100), min_size=1),
)
def test_plan_is_balanced_and_its_wallet_changes_fold_the_postings(wallet, roles, shares):
    giver = person("G", roles=roles)
    ctx = context(giver, wallet=wallet)
    available = wallet.allowance_in(NOV, ctx.settings.allowance_for(giver))
    if sum(shares.values()) > available:
        assert rule_code(plan, ctx, shares) == "insufficient_allowance"
        return
    result = plan(ctx, shares)
    stale = wallet.allowance_period != "2026-11"
    assert [t.kind for t in result.transactions] == (
        [TxnKind.ALLOWANCE_ROLLOVER, TxnKind.KUDOS] if stale else [TxnKind.KUDOS]
    )
    for txn in result.transactions:
        assert sum(p.amount for p in txn.postings) == 0
        assert all(p.amount != 0 for p in txn.postings)
    totals = balances(result.transactions)
    # Org accounts are the only other side; employee postings equal the wallet changes.
    by_wallet = {c.employee_id: c for c in result.wallet_changes}
    assert set(by_wallet) == {"G", *shares}
    for rid, share in shares.items():
        assert by_wallet[rid] == WalletChange(rid, points_delta=share)
        assert totals[f"emp:{rid}:points"] == share
    assert by_wallet["G"].points_delta == 0
    assert by_wallet["G"].allowance_delta == totals["emp:G:allowance"]
    assert by_wallet["G"].period == "2026-11"
    assert by_wallet["G"].resets_from == (wallet if stale else None)
    assert by_wallet["G"].granted == (ctx.settings.allowance_for(giver) if stale else 0)
    # The store applies the change to what it read (a reset) or adds it to the same period's remainder.
    after = wallet.allowance_remaining + by_wallet["G"].allowance_delta
    assert after == available - sum(shares.values())
    assert after >= 0


# -- add-ons -------------------------------------------------------------------------------------------


def test_add_on_pays_every_active_recipient():
    kudos = recognition("E1", ["E2", "E3"])
    shares = plan_add_on(kudos, person("E4"), {"E2": person("E2"), "E3": person("E3")}, 5)
    assert shares == {"E2": 5, "E3": 5}


def test_add_on_skips_recipients_who_left_or_are_gone():
    kudos = recognition("E1", ["E2", "E3", "E5"])
    people = {"E2": person("E2", active=False), "E3": person("E3"), "E5": None}
    assert plan_add_on(kudos, person("E4"), people, 5) == {"E3": 5}


def test_add_on_needs_someone_active():
    kudos = recognition("E1", ["E2"])
    assert rule_code(plan_add_on, kudos, person("E4"), {"E2": person("E2", active=False)}, 5) == (
        "recipient_inactive"
    )


def test_giver_cannot_add_on():
    kudos = recognition("E1", ["E2"])
    assert rule_code(plan_add_on, kudos, person("E1"), {"E2": person("E2")}, 5) == "add_on_by_giver"


def test_recipient_cannot_add_on():
    kudos = recognition("E1", ["E2", "E3"])
    people = {"E2": person("E2"), "E3": person("E3")}
    assert rule_code(plan_add_on, kudos, person("E3"), people, 5) == "self_recognition"


def test_adder_must_be_an_active_person():
    kudos = recognition("E1", ["E2"])
    with pytest.raises(Forbidden):
        plan_add_on(kudos, None, {"E2": person("E2")}, 5)
    with pytest.raises(Forbidden):
        plan_add_on(kudos, person("E4", active=False), {"E2": person("E2")}, 5)


def test_add_on_plan_moves_points_from_the_adders_allowance():
    shares = plan_add_on(
        recognition("E1", ["E2", "E3"]), person("E4"), {"E2": person("E2"), "E3": person("E3")}, 7
    )
    result = plan(context(person("E4"), wallet=Wallet("E4", 0, "2026-11", 20)), shares, kind=TxnKind.ADD_ON)
    (txn,) = result.transactions
    assert txn.kind is TxnKind.ADD_ON
    assert txn.deltas() == {"emp:E4:allowance": -14, "emp:E2:points": 7, "emp:E3:points": 7}


# -- visibility ----------------------------------------------------------------------------------------


def test_private_kudos_are_seen_by_giver_recipients_and_those_who_see_everything():
    private = recognition("E1", ["E2"], visibility=Visibility.PRIVATE)
    assert private.visible_to("E1")
    assert private.visible_to("E2")
    assert not private.visible_to("E3")
    assert not private.visible_to(None)
    assert private.visible_to("E3", sees_everything=True)
    assert recognition("E1", ["E2"]).visible_to("E3")
