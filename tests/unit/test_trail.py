"""The administrative trail's rules: canonical hashing, diffs that keep personal values out of the chain,
and a verification that names the first broken link."""

import hashlib
import json

import pytest

from plaudit.domain.trail import GENESIS, PERSONAL, Link, canonical, chain_hash, diff, link, verify
from plaudit.store.transact import Write, WriteRefused


def entry_fields(n: int) -> dict:
    return {
        "at": f"2026-11-16T09:{n:02d}:00.000Z",
        "actor": "E1001",
        "action": "settings.patch",
        "target": "settings",
        "changes": {"allowances.employee": {"before": 100, "after": 100 + n}},
        "correlation_id": f"req-{n}",
    }


def chain(length: int) -> list[dict]:
    entries: list[dict] = []
    for n in range(length):
        previous = entries[-1] if entries else None
        head = Link(previous["seq"], previous["prev_hash"], previous["hash"]) if previous else None
        entries.append(link(head, entry_fields(n)))
    return entries


def test_the_hash_is_sha256_over_the_canonical_json_of_the_chained_fields():
    entry = link(None, entry_fields(0))
    chained = {k: v for k, v in entry.items() if k != "hash"}
    expected = hashlib.sha256(
        json.dumps(chained, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert entry["hash"] == chain_hash(entry) == expected
    assert entry["seq"] == 1
    assert entry["prev_hash"] == GENESIS


def test_canonical_json_ignores_key_order_but_not_values():
    assert canonical({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert chain_hash(link(None, entry_fields(1))) != chain_hash(link(None, entry_fields(2)))


def test_each_entry_carries_the_hash_of_the_one_before():
    first, second, third = chain(3)
    assert (second["seq"], second["prev_hash"]) == (2, first["hash"])
    assert (third["seq"], third["prev_hash"]) == (3, second["hash"])


def test_an_intact_chain_verifies_and_reports_its_head():
    entries = chain(4)
    report = verify(entries)
    assert report.ok
    assert report.entries == 4
    assert (report.head.seq, report.head.hash) == (4, entries[-1]["hash"])
    assert verify([]).ok
    assert verify([]).head is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("actor", "E9999"), ("changes", {}), ("at", "2020-01-01T00:00:00.000Z"), ("correlation_id", "x")],
)
def test_an_edited_entry_is_the_first_broken_link(field, value):
    entries = chain(4)
    entries[1] = entries[1] | {field: value}
    report = verify(entries)
    assert not report.ok
    assert report.broken.seq == 2
    assert "changed" in report.broken.reason
    assert report.entries == 1


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link():
    entries = chain(4)
    forged = entries[1] | {"actor": "E9999"}
    entries[1] = forged | {"hash": chain_hash(forged)}
    assert verify(entries).broken.seq == 3


def test_a_deleted_entry_is_named_as_missing():
    entries = chain(4)
    del entries[2]
    report = verify(entries)
    assert report.broken.seq == 3
    assert "missing" in report.broken.reason


def test_an_entry_without_a_chained_field_is_broken_not_an_error():
    entries = chain(2)
    del entries[1]["target"]
    assert verify(entries).broken.seq == 2


def test_a_diff_lists_only_what_changed_by_dotted_path():
    before = {"allowances": {"employee": 100, "manager": 200}, "values": ["a"], "hr_channel": None}
    after = {"allowances": {"employee": 150, "manager": 200}, "values": ["a", "b"], "new": 1}
    changes = diff(before, after)
    assert changes.changes == {
        "allowances.employee": {"before": 100, "after": 150},
        "values": {"before": ["a"], "after": ["a", "b"]},
        "new": {"before": None, "after": 1},
    }
    assert changes.personal == {}


def test_personal_values_are_masked_in_the_chain_and_kept_apart():
    before = {"id": "E1", "name": "Ann", "email": "ann@x.example", "roles": ["employee"]}
    after = {"id": "E1", "name": "Anne", "email": "ann@x.example", "roles": ["employee", "hr_admin"]}
    changes = diff(before, after, personal=["name", "email"])
    assert changes.changes == {
        "name": PERSONAL,
        "roles": {"before": ["employee"], "after": ["employee", "hr_admin"]},
    }
    assert changes.personal == {"name": {"before": "Ann", "after": "Anne"}}
    assert "Ann" not in canonical(changes.changes)


def test_a_creation_diffs_against_nothing():
    assert diff(None, {"id": "b1", "kind": "company"}).changes == {
        "id": {"before": None, "after": "b1"},
        "kind": {"before": None, "after": "company"},
    }


# --- services.trail.record: the append's retry, without AWS --------------------------------------------


@pytest.fixture
def appended(monkeypatch: pytest.MonkeyPatch) -> list[list]:
    """What `record` hands to write_all; the head moves on by one each time it is read."""
    from plaudit.services import trail
    from plaudit.services.runtime import runtime

    monkeypatch.setenv("TABLE_NAME", "plaudit-test")
    heads = iter([None, Link(1, GENESIS, "a" * 64), Link(2, "a" * 64, "b" * 64)])
    monkeypatch.setattr(trail.store, "head", lambda: next(heads))
    monkeypatch.setattr(runtime, "sleep", lambda seconds: None)
    monkeypatch.setattr(trail, "correlation_id", lambda: "req-1")
    sent: list[list] = []
    monkeypatch.setattr(trail, "write_all", sent.append)
    return sent


def change(label: str = "settings") -> Write:
    return Write(label, {"Put": {"TableName": "t", "Item": {}}})


def test_record_writes_the_change_and_its_entry_in_one_transaction(appended):
    from plaudit.services.trail import Act, record

    record([change()], Act("E1001", "settings.patch", "settings", {"a": 1}, {"a": 2}))
    ((settings, entry),) = appended
    assert (settings.label, entry.label) == ("settings", "audit")
    put = entry.operation["Put"]
    assert put["ConditionExpression"] == "attribute_not_exists(PK)"
    assert put["Item"]["SK"] == {"S": "000000000001"}
    assert put["Item"]["prev_hash"] == {"S": GENESIS}


def test_a_lost_race_for_the_seq_alone_appends_after_the_new_head(appended, monkeypatch):
    from plaudit.services import trail

    outcomes = iter([WriteRefused({"audit": "ConditionalCheckFailed"}), None])

    def write_all(writes):
        appended.append(writes)
        if (refusal := next(outcomes)) is not None:
            raise refusal

    monkeypatch.setattr(trail, "write_all", write_all)
    trail.record([change()], trail.Act("E1001", "settings.patch", "settings", {"a": 1}, {"a": 2}))
    assert [writes[1].operation["Put"]["Item"]["SK"]["S"] for writes in appended] == [
        "000000000001",
        "000000000002",
    ]


def test_a_refusal_of_the_change_itself_is_the_caller_s_to_explain(appended, monkeypatch):
    from plaudit.services import trail

    def refuse(writes):
        raise WriteRefused({"settings": "ConditionalCheckFailed", "audit": "ConditionalCheckFailed"})

    monkeypatch.setattr(trail, "write_all", refuse)
    with pytest.raises(WriteRefused) as refused:
        trail.record([change()], trail.Act("E1001", "settings.patch", "settings"))
    assert refused.value.refused("settings")


def test_only_known_actions_are_recorded(appended):
    from plaudit.services.trail import Act, record

    with pytest.raises(ValueError, match="not an administrative action"):
        record([change()], Act("E1003", "kudos.give", "recognition:r1"))
