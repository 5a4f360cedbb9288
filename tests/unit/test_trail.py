"""The administrative trail's rules: canonical hashing, diffs that keep personal values out of the chain,
and a verification that names the first broken link."""

import hashlib
import json
from datetime import UTC, datetime

import pytest

from plaudit.domain.trail import (
    GENESIS,
    LINK_GRACE,
    PERSONAL,
    Link,
    canonical,
    chain_hash,
    diff,
    link,
    verify,
)
from plaudit.store.codec import to_item
from plaudit.store.transact import Write, WriteRefused

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


def entry_fields(n: int) -> dict:
    return {
        "id": f"aud_{n}",
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
        entries.append(link(Link(previous["seq"], previous["hash"]) if previous else None, entry_fields(n)))
    return entries


def head_of(entries: list[dict]) -> Link | None:
    return Link(entries[-1]["seq"], entries[-1]["hash"]) if entries else None


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


def test_an_intact_chain_verifies_and_reports_its_head_in_any_order_read():
    entries = chain(4)
    report = verify(reversed(entries), head_of(entries), NOW)
    assert report.ok
    assert report.entries == 4
    assert report.head == head_of(entries)
    assert verify([], None, NOW).ok
    assert verify([], None, NOW).head is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor", "E9999"),
        ("changes", {}),
        ("at", "2020-01-01T00:00:00.000Z"),
        ("correlation_id", "x"),
        ("id", "aud_other"),
    ],
)
def test_an_edited_entry_is_the_first_broken_link(field, value):
    entries = chain(4)
    entries[1] = entries[1] | {field: value}
    report = verify(entries, head_of(entries), NOW)
    assert not report.ok
    assert report.broken.where == "entry 2"
    assert "changed" in report.broken.reason
    assert report.entries == 1


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link():
    entries = chain(4)
    forged = entries[1] | {"actor": "E9999"}
    entries[1] = forged | {"hash": chain_hash(forged)}
    assert verify(entries, head_of(entries), NOW).broken.where == "entry 3"


def test_a_deleted_entry_is_named_as_missing():
    entries = chain(4)
    head = head_of(entries)
    del entries[2]
    report = verify(entries, head, NOW)
    assert report.broken.where == "entry 3"
    assert "missing" in report.broken.reason


def test_removing_the_newest_entries_is_seen_from_the_head():
    entries = chain(4)
    head = head_of(entries)
    report = verify(entries[:2], head, NOW)
    assert report.broken.where == "entry 4"
    assert "newest entries were removed" in report.broken.reason
    assert not verify(entries, None, NOW).ok  # nor may the head itself go


def test_an_entry_without_a_chained_field_is_broken_not_an_error():
    entries = chain(2)
    del entries[1]["target"]
    assert verify(entries, head_of(entries), NOW).broken.where == "entry 2"


def test_an_entry_the_stream_has_not_linked_yet_waits_then_is_named():
    entries = chain(2)
    fresh = entry_fields(59)  # written at 09:59, not linked
    report = verify([*entries, fresh], head_of(entries), NOW)
    assert report.ok
    assert (report.entries, report.unlinked) == (2, 1)
    later = verify([*entries, fresh], head_of(entries), NOW + LINK_GRACE)
    assert later.broken.where == "entry aud_59"
    assert "never linked" in later.broken.reason


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


# --- services.trail: the act's one write, and the stream's linking, without AWS -------------------------


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[list]:
    """What the trail hands to write_all; ids and the correlation id fixed."""
    from plaudit.services import trail

    monkeypatch.setenv("TABLE_NAME", "plaudit-test")
    monkeypatch.setattr(trail, "correlation_id", lambda: "req-1")
    monkeypatch.setattr(trail, "new_id", lambda prefix: f"{prefix}_1")
    monkeypatch.setattr(trail, "stored_now", lambda: NOW)
    sent: list[list] = []
    monkeypatch.setattr(trail, "write_all", sent.append)
    return sent


def change(label: str = "settings") -> Write:
    return Write(label, {"Put": {"TableName": "t", "Item": {}}})


def test_record_writes_the_change_and_one_unchained_entry_in_one_transaction(written, monkeypatch):
    from plaudit.services import trail

    monkeypatch.setattr(trail.store, "head", lambda: pytest.fail("an act reads no chain head"))
    trail.record([change()], trail.Act("E1001", "settings.patch", "settings", {"a": 1}, {"a": 2}))
    ((settings, entry),) = written
    assert (settings.label, entry.label) == ("settings", "audit_entry")
    item = entry.operation["Put"]["Item"]
    assert item["SK"] == {"S": "E#2026-11-16T10:00:00.000Z#aud_1"}
    assert "hash" not in item
    assert "seq" not in item


def test_personal_values_ride_beside_the_entry_indexed_by_their_person(written):
    from plaudit.services import trail

    before, after = {"id": "E1", "name": "Ann"}, {"id": "E1", "name": "Anne"}
    trail.record(
        [change("employee")], trail.Act("E1001", "employee.update", "employee:E1", before, after, "E1")
    )
    ((_, entry),) = written
    item = entry.operation["Put"]["Item"]
    assert json.loads(item["changes"]["S"]) == {"name": PERSONAL}
    assert json.loads(item["personal"]["S"]) == {"name": {"before": "Ann", "after": "Anne"}}
    assert item["GSI1PK"] == {"S": "AUDITPERSON#E1"}


def test_only_known_actions_are_recorded(written):
    from plaudit.services.trail import Act, record

    with pytest.raises(ValueError, match="not an administrative action"):
        record([change()], Act("E1003", "kudos.give", "recognition:r1"))


def image(n: int) -> dict:
    fields = entry_fields(n)
    item = {**fields, "PK": "AUDIT", "SK": f"E#{fields['at']}#{fields['id']}", "type": "audit_entry"}
    return to_item(item | {"changes": canonical(fields["changes"])})


@pytest.fixture
def linker(monkeypatch: pytest.MonkeyPatch) -> list[list]:
    from plaudit.services import trail
    from plaudit.services.runtime import runtime

    monkeypatch.setenv("TABLE_NAME", "plaudit-test")
    monkeypatch.setattr(runtime, "sleep", lambda seconds: None)
    monkeypatch.setattr(trail.store, "head", lambda: Link(7, "f" * 64))
    sent: list[list] = []
    monkeypatch.setattr(trail, "write_all", sent.append)
    return sent


def test_the_stream_links_each_new_entry_after_the_head_in_the_order_written(linker):
    from plaudit.services import trail

    other = to_item({"PK": "EMP#E1", "SK": "PROFILE", "type": "employee"})
    assert trail.link_written([image(1), other, None, image(2)]) == 2
    first, second = (dict((w.label, w.operation) for w in writes) for writes in linker)
    assert first["audit_entry"]["Update"]["ExpressionAttributeValues"][":seq"] == {"N": "8"}
    assert first["audit_entry"]["Update"]["ExpressionAttributeValues"][":prev"] == {"S": "f" * 64}
    assert first["audit_head"]["Put"]["ExpressionAttributeValues"] == {":seq": {"N": "7"}}
    linked = link(Link(7, "f" * 64), entry_fields(1))
    assert first["audit_entry"]["Update"]["ExpressionAttributeValues"][":hash"] == {"S": linked["hash"]}
    assert second["audit_entry"]["Update"]["ExpressionAttributeValues"][":prev"] == {"S": linked["hash"]}
    assert second["audit_head"]["Put"]["ExpressionAttributeValues"] == {":seq": {"N": "8"}}


def test_an_entry_linked_already_is_passed_over(linker, monkeypatch):
    from plaudit.services import trail

    def refuse_first(writes):
        linker.append(writes)
        if len(linker) == 1:
            raise WriteRefused({"audit_entry": "ConditionalCheckFailed"})

    monkeypatch.setattr(trail, "write_all", refuse_first)
    assert trail.link_written([image(1), image(2)]) == 1
    assert linker[1][0].operation["Update"]["ExpressionAttributeValues"][":seq"] == {"N": "8"}


def test_a_head_that_moved_is_read_again_and_the_entry_linked_after_it(linker, monkeypatch):
    from plaudit.services import trail

    heads = iter([Link(7, "f" * 64), Link(9, "e" * 64)])
    monkeypatch.setattr(trail.store, "head", lambda: next(heads))

    def refuse_first(writes):
        linker.append(writes)
        if len(linker) == 1:
            raise WriteRefused({"audit_head": "ConditionalCheckFailed"})

    monkeypatch.setattr(trail, "write_all", refuse_first)
    assert trail.link_written([image(1)]) == 1
    assert linker[1][0].operation["Update"]["ExpressionAttributeValues"][":seq"] == {"N": "10"}
