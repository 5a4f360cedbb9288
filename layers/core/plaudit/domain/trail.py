"""The administrative trail's rules: what an entry holds, how entries chain, and how a chain is verified.

Each entry carries the SHA-256 of the one before (`prev_hash`) and its own `hash`, computed over a canonical
JSON of its chained fields (sorted keys, no spaces, UTF-8). Editing an entry changes its hash; deleting one
leaves a gap in the sequence and a `prev_hash` that no longer matches: either way verification names the
first broken link.

Personal values (a name, an email, a birthday) never enter a chained field: a diff replaces each by the
marker PERSONAL and the values go to a per-person record outside the hash, which erasure may delete.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64  # the `prev_hash` of an organisation's first entry
PERSONAL = {"personal": True}  # what a chained diff shows in place of a personal value
CHAINED = ("seq", "at", "actor", "action", "target", "changes", "correlation_id", "prev_hash")


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
    prev_hash: str
    hash: str


def link(previous: Link | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The chained fields of the entry after `previous` (None: the first), with its seq, prev_hash and hash.
    `fields` gives at, actor, action, target, changes and correlation_id."""
    chained = {
        **{name: fields[name] for name in CHAINED if name not in ("seq", "prev_hash")},
        "seq": previous.seq + 1 if previous else 1,
        "prev_hash": previous.hash if previous else GENESIS,
    }
    return chained | {"hash": chain_hash(chained)}


@dataclass(frozen=True)
class Broken:
    seq: int  # the first entry that does not hold (or the seq that is missing)
    reason: str


@dataclass
class ChainReport:
    entries: int = 0
    head: Link | None = None
    broken: Broken | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(entries: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Walk the entries in seq order: each must follow the one before (no gap), carry its hash as
    `prev_hash`, and hash to its own `hash`. Stops at the first broken link."""
    report = ChainReport()
    for entry in entries:
        expected_seq = report.head.seq + 1 if report.head else 1
        expected_prev = report.head.hash if report.head else GENESIS
        seq = entry.get("seq")
        if seq != expected_seq:
            report.broken = Broken(expected_seq, f"entry {expected_seq} is missing (next found: {seq})")
            return report
        if entry.get("prev_hash") != expected_prev:
            report.broken = Broken(seq, f"entry {seq} does not carry the hash of entry {seq - 1}")
            return report
        try:
            recomputed = chain_hash(entry)
        except KeyError as missing:
            report.broken = Broken(seq, f"entry {seq} lacks its field {missing}")
            return report
        if recomputed != entry.get("hash"):
            report.broken = Broken(seq, f"entry {seq} was changed after it was written (its hash differs)")
            return report
        report.entries += 1
        report.head = Link(seq, entry["prev_hash"], entry["hash"])
    return report
