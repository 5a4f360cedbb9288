"""The administrative trail's rules: what an entry holds, how entries chain, and how a chain is verified.

An act writes its entry in its own transaction, unchained (no read of a chain head, so no extra round
trip and no hot item for concurrent acts to fight over). The table's stream then links each new entry,
in the order the entries were written, after the chain's head: it gives the entry its `seq`, the SHA-256
of the entry before (`prev_hash`) and its own `hash`, computed over a canonical JSON of the chained fields
as the stream saw them written (sorted keys, no spaces, UTF-8), and moves the head on. Editing an entry
changes its hash; deleting one leaves a gap in the sequence; deleting the newest leaves the head naming an
entry that is gone; an entry the stream never linked is named once it is older than LINK_GRACE.

Personal values (a name, an email, a birthday) never enter a chained field: a diff replaces each by the
marker PERSONAL and the values ride beside the entry, outside the hash, where erasure may delete them.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

GENESIS = "0" * 64  # the `prev_hash` of an organisation's first entry
PERSONAL = {"personal": True}  # what a chained diff shows in place of a personal value
CHAINED = ("seq", "id", "at", "actor", "action", "target", "changes", "correlation_id", "prev_hash")
LINK_GRACE = timedelta(minutes=15)  # an entry older than this and still unlinked: its link was lost


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(fields: Mapping[str, Any]) -> str:
    """The hash of an entry: SHA-256 over the canonical JSON of its chained fields."""
    return hashlib.sha256(canonical({name: fields[name] for name in CHAINED}).encode()).hexdigest()


@dataclass(frozen=True)
class Diff:
    changes: dict[str, dict[str, Any]]  # path -> {"before": ..., "after": ...}, personal values masked
    personal: dict[str, dict[str, Any]]  # path -> {"before": ..., "after": ...}, the personal values only


def diff(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, personal: Iterable[str] = ()
) -> Diff:
    """What changed between two JSON documents, by dotted path (nested objects are walked, lists and other
    values compared whole). A field named in `personal` is masked in `changes` and kept in `personal`."""
    hidden = set(personal)
    flat_before, flat_after = _flatten(before or {}), _flatten(after or {})
    changes: dict[str, dict[str, Any]] = {}
    kept: dict[str, dict[str, Any]] = {}
    for path in sorted(set(flat_before) | set(flat_after)):
        old, new = flat_before.get(path), flat_after.get(path)
        if old == new:
            continue
        if path.split(".")[0] in hidden:
            changes[path] = dict(PERSONAL)
            kept[path] = {"before": old, "after": new}
        else:
            changes[path] = {"before": old, "after": new}
    return Diff(changes, kept)


def _flatten(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in document.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping) and value:
            flat |= _flatten(value, f"{path}.")
        else:
            flat[path] = value
    return flat


@dataclass(frozen=True)
class Link:
    seq: int
    hash: str


def link(previous: Link | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The chained fields of the entry after `previous` (None: the first), with its seq, prev_hash and hash.
    `fields` gives id, at, actor, action, target, changes and correlation_id."""
    chained = {
        **{name: fields[name] for name in CHAINED if name not in ("seq", "prev_hash")},
        "seq": previous.seq + 1 if previous else 1,
        "prev_hash": previous.hash if previous else GENESIS,
    }
    return chained | {"hash": chain_hash(chained)}


@dataclass(frozen=True)
class Broken:
    where: str  # "entry 7", or the id of an entry never linked
    reason: str


@dataclass
class ChainReport:
    entries: int = 0  # linked entries that hold
    head: Link | None = None
    unlinked: int = 0  # entries written in the last LINK_GRACE that the stream has not linked yet
    broken: Broken | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(entries: Iterable[Mapping[str, Any]], head: Link | None, now: datetime) -> ChainReport:
    """Walk the linked entries in seq order: each must follow the one before (no gap), carry its hash as
    `prev_hash`, and hash to its own `hash`; the last must be the one the chain's `head` names. Entries
    not linked yet are counted, or named once older than LINK_GRACE. Stops at the first broken link."""
    linked, waiting = [], []
    for entry in entries:
        (linked if entry.get("seq") is not None else waiting).append(entry)
    report = ChainReport()
    for entry in sorted(linked, key=lambda entry: entry["seq"]):
        if (broken := _broken_link(entry, report.head)) is not None:
            report.broken = broken
            return report
        report.entries += 1
        report.head = Link(entry["seq"], entry["hash"])
    if report.head != head:
        where = f"entry {head.seq}" if head else "the head"
        report.broken = Broken(
            where,
            f"the chain's head names entry {head.seq if head else 0} but the newest entry that holds is "
            f"{report.head.seq if report.head else 0}: the newest entries were removed, or the head edited",
        )
        return report
    for entry in sorted(waiting, key=lambda entry: entry.get("at", "")):
        if datetime.fromisoformat(entry["at"]) < now - LINK_GRACE:
            report.broken = Broken(
                f"entry {entry.get('id')}",
                f"entry {entry.get('id')} of {entry['at']} was never linked into the chain (the projections "
                "function links each entry within seconds: see its dead-letter queue)",
            )
            return report
        report.unlinked += 1
    return report


def _broken_link(entry: Mapping[str, Any], previous: Link | None) -> Broken | None:
    expected_seq = previous.seq + 1 if previous else 1
    expected_prev = previous.hash if previous else GENESIS
    seq = entry["seq"]
    if seq != expected_seq:
        return Broken(f"entry {expected_seq}", f"entry {expected_seq} is missing (next found: {seq})")
    if entry.get("prev_hash") != expected_prev:
        return Broken(f"entry {seq}", f"entry {seq} does not carry the hash of entry {seq - 1}")
    try:
        recomputed = chain_hash(entry)
    except KeyError as missing:
        return Broken(f"entry {seq}", f"entry {seq} lacks its field {missing}")
    if recomputed != entry.get("hash"):
        return Broken(f"entry {seq}", f"entry {seq} was changed after it was written (its hash differs)")
    return None
