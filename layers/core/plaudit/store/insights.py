"""Insights counters, leaderboard rows and the bookkeeping that applies each stream batch exactly once.

A projection batch is applied through a journal (`AGGBATCH#<id>`): the counter and board-row updates the
batch makes, in chunks of at most 99. Each chunk is one TransactWriteItems with the journal's mark of
that chunk (`ADD applied :chunk`, on condition it is not there yet), so a chunk lands once whatever
retries happen. Every source (kudos, add-on, reaction taken back) the batch counted is marked with the
batch's id (`AGGSRC#<source>`) before any chunk is applied: a redelivered source is found there, and its
batch's journal is finished (its missing chunks applied) instead of counted again.

Unique givers and receivers count memberships (`AGGMEMBER#...`, one per person, scope, period and role),
each owned by the source that first made it: claimed with `attribute_not_exists(PK) OR source = :source`,
so a source counted again after a crash claims its own memberships again, and nobody else's.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from plaudit.domain.insights import (
    ALL_TIME,
    BoardRow,
    Contribution,
    Counter,
    Deltas,
    Member,
    PeerAct,
    RedemptionFacts,
    Row,
    Stamp,
    award_contribution,
    award_correction_contribution,
    contribution_of,
    item_award_correction_contribution,
    liability_contribution,
    redemption_contribution,
    undo_of,
    voucher_contribution,
)
from plaudit.domain.ledger import Balance, parse_employee_account, parse_hold_account
from plaudit.domain.recognition import AddOn, Recognition
from plaudit.domain.redemptions import REFUNDED, SETTLED, Status
from plaudit.store import keys
from plaudit.store.batches import write_batches
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.employees import DirectoryCounts, stored_directory_counts
from plaudit.store.reactions import is_undone
from plaudit.store.reads import BATCH_GET_LIMIT, get_many
from plaudit.store.recognitions import recognition_from
from plaudit.store.transact import MAX_ITEMS, Write, WriteRefused, write_all

CHUNK = MAX_ITEMS - 1  # updates per transaction: the journal's mark takes the last place
REBUILT = "rebuild"  # the batch id of sources `plaudit insights rebuild` counted
KEEP_BOOKKEEPING = timedelta(days=7)  # a stream keeps records 24 hours: markers outlive any redelivery


# -- reading stream records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A record (or a step of one) that counts: `id` names it for exactly-once (kudos:<id>,
    add_on:<kudos>:<adder>, undo:<kudos>, award:<id>:<status>, redemption:<id>:<step>,
    voucher:<id>:<step>, txn:<id>); `part(zone)` is
    what it adds (`zone`: the organisation's today, for records written before they carried theirs);
    `covers`: the ids of the stream steps a state read back stands for (the rebuild marks them too)."""

    id: str
    at: datetime
    part: Callable[[str], Contribution]
    zoned: bool
    covers: tuple[str, ...] = ()


def source_of(event_name: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> Source | None:
    """The source a stream record brings, if any (images as the stream gives them)."""
    if new is None:
        return None
    item = from_item(dict(new))
    before = from_item(dict(old)) if old is not None else None
    kind = item.get("type")
    if kind == "recognition":
        recognition = recognition_from(item)
        if recognition is None:
            return None
        if event_name == "INSERT":
            return _peer(f"kudos:{recognition.id}", act_of_kudos(item, recognition))
        if event_name == "MODIFY" and is_undone(item) and not (before is not None and is_undone(before)):
            return _peer(f"undo:{recognition.id}", act_of_kudos(item, recognition), undo=True)
    if kind == "add_on" and event_name == "INSERT":
        return add_on_source(item)
    if kind == "milestone_award":
        return _award_step(item, None if event_name == "INSERT" else (before or {}).get("status"))
    if kind == "redemption":
        return _redemption_step(item, None if event_name == "INSERT" else (before or {}).get("status"))
    if kind == "txn" and event_name == "INSERT":
        return txn_source(item)
    if kind == "correction" and event_name == "INSERT":
        return correction_source(item)
    if kind == "voucher":
        previous = None if event_name == "INSERT" else (before or {}).get("status")
        status = item.get("status")
        if previous is None:
            return _voucher_source(item, "issued")
        return _voucher_source(item, status) if status != previous and status in VOUCHER_STEPS else None
    return None


VOUCHER_STEPS = ("delivered", "redeemed", "expired", "cancelled")


def _voucher_source(item: Mapping[str, Any], step: str) -> Source:
    employee_id, zone = item["employee_id"], item.get("period_zone")
    stamp, at = _stamps(item).get(employee_id), datetime.fromisoformat(item["issued_at"])
    expires = date.fromisoformat(item["expires_on"]) if item.get("expires_on") else None
    part = lambda today: voucher_contribution(employee_id, stamp, at, zone or today, step, expires)  # noqa: E731
    return Source(f"voucher:{item['id']}:{step}", at, part, zone is not None)


def voucher_states(item: Mapping[str, Any]) -> list[Source]:
    """A voucher as it stands: issued, delivered if it was, and redeemed, expired or cancelled (audit,
    rebuild)."""
    steps = ["issued", *(["delivered"] if item.get("delivered_at") else [])]
    steps += [item["status"]] if item["status"] in ("redeemed", "expired", "cancelled") else []
    return [_voucher_source(item, step) for step in steps]


def txn_source(item: Mapping[str, Any]) -> Source | None:
    """A ledger transaction that moves points in wallets or held for redemptions: the liability's change.
    (Transactions carry no zone: their periods are read in the organisation's zone of today.)"""
    points = held = 0
    for posting in item.get("postings") or ():
        owner = parse_employee_account(posting["account"])
        if owner is not None and owner[1] is Balance.POINTS:
            points += int(posting["amount"])
        elif parse_hold_account(posting["account"]) is not None:
            held += int(posting["amount"])
    if not (points or held):
        return None
    at = datetime.fromisoformat(item["at"])
    part = lambda today: liability_contribution(points, held, at, today)  # noqa: E731
    return Source(f"txn:{item['id']}", at, part, False)


def _peer(source_id: str, act: PeerAct, *, undo: bool = False) -> Source:
    part = (lambda zone: undo_of(act, zone)) if undo else (lambda zone: contribution_of(act, zone))
    return Source(source_id, act.at, part, act.time_zone is not None)


def act_of_kudos(item: Mapping[str, Any], recognition: Recognition) -> PeerAct:
    return PeerAct(
        kind="reaction" if recognition.reaction else "kudos",
        giver_id=recognition.giver_id,
        shares=recognition.shares,
        values=tuple(recognition.values),
        at=recognition.created_at,
        on_board=recognition.reaction is not None or recognition.visibility.value == "public",
        stamps=_stamps(item),
        time_zone=item.get("period_zone"),
    )


def add_on_source(item: Mapping[str, Any]) -> Source:
    add_on = AddOn.model_validate({k: v for k, v in item.items() if k in AddOn.model_fields})
    act = PeerAct(
        kind="add_on",
        giver_id=add_on.adder_id,
        shares=add_on.shares,
        values=tuple(item.get("values") or ()),
        at=add_on.created_at,
        on_board=bool(item.get("public", True)),
        stamps=_stamps(item),
        time_zone=item.get("period_zone"),
    )
    return _peer(f"add_on:{add_on.recognition_id}:{add_on.adder_id}", act)


def _award_step(item: Mapping[str, Any], before: str | None) -> Source | None:
    """A milestone award written (paid, pending or granted) or paid after pending. `before`: its status
    before this change (None: it is new)."""
    status = item.get("status")
    if before is not None and not (before == "pending" and status == "paid"):
        return None
    counts = {"paid": 1, "pending": -1} if before == "pending" else {status: 1}
    covers = (f"award:{item['id']}:pending",) if status == "paid" else ()
    return _award_source(item, f"award:{item['id']}:{status}", counts, covers)


def _award_source(
    item: Mapping[str, Any], source_id: str, counts: dict[str, int], covers: tuple[str, ...]
) -> Source:
    at = datetime.fromisoformat(item["created_at"])
    employee_id, zone = item["employee_id"], item.get("period_zone")
    stamp = _stamps(item).get(employee_id)

    def part(today: str) -> Contribution:
        return award_contribution(
            employee_id,
            stamp,
            item.get("budget_id"),
            int(item.get("points") or 0),
            at,
            zone or today,
            item.get("rule_id"),
            **counts,
        )

    return Source(source_id, at, part, zone is not None, covers)


def correction_source(item: Mapping[str, Any]) -> Source | None:
    """A correction of an award (plaudit.services.corrections), counted in the award's own periods; a
    kudos' correction changes only what wallets hold (its transaction's source): the kudos was given. A
    direct item award's counts only when it cancelled the delivered voucher: one not yet delivered was
    cancelled, and its redemption's return counts."""
    if item.get("kind") == "item":
        return _item_correction_source(item)
    if item.get("kind") != "award":
        return None
    award_at = datetime.fromisoformat(item["source_at"])
    zone = item.get("period_zone")
    ((employee_id, points),) = item["points"].items()
    stamp = _stamps(item).get(employee_id)

    def part(today: str) -> Contribution:
        return award_correction_contribution(
            employee_id,
            stamp,
            item.get("budget_id"),
            int(points),
            award_at,
            zone or today,
            item.get("rule_id"),
        )

    return Source(f"correction:{item['id']}", award_at, part, zone is not None)


def _item_correction_source(item: Mapping[str, Any]) -> Source | None:
    if not str(item.get("cancelled") or "").startswith("voucher:"):
        return None
    award_at, zone, employee_id = (
        datetime.fromisoformat(item["source_at"]),
        item.get("period_zone"),
        item["employee_id"],
    )
    stamp = _stamps(item).get(employee_id)

    def part(today: str) -> Contribution:
        return item_award_correction_contribution(
            employee_id, stamp, item["budget_id"], int(item["budget_points"]), award_at, zone or today
        )

    return Source(f"correction:{item['id']}", award_at, part, zone is not None)


def award_state(item: Mapping[str, Any]) -> Source:
    """A milestone award as it stands (the audit and the rebuild)."""
    covers = (f"award:{item['id']}:pending",) if item["status"] == "paid" else ()
    return _award_source(item, f"award:{item['id']}:{item['status']}", {item["status"]: 1}, covers)


def _redemption_step(item: Mapping[str, Any], before: str | None) -> Source | None:
    """A redemption requested (new), approved by a person, or reaching delivered or returned (`before`: its
    status before)."""
    status = item.get("status")
    if before is None and status in SETTLED:  # an instant perk: requested and settled in one write
        return _settled_at_once(item)
    if before is None:
        step = "requested"
    elif before == Status.PENDING_APPROVAL and status == Status.APPROVED:
        step = "approved"
    elif status in SETTLED and before not in SETTLED:
        step = "settled"
    elif status in REFUNDED and before not in REFUNDED:
        step = "returned"
    else:
        return None
    return _redemption_source(item, step)


def _redemption_source(item: Mapping[str, Any], step: str) -> Source:
    employee_id, zone = item["employee_id"], item.get("period_zone")
    facts = RedemptionFacts(
        employee_id=employee_id,
        stamp=_stamps(item).get(employee_id),
        points=int(item["points"]),
        currency=item["currency"],
        amount=int(Decimal(str(item["denomination"])) * 100),
        item_type=item["item_type"],
        fulfilment=item["fulfilment"],
        at=datetime.fromisoformat(item["created_at"]),
        item_id=item["item_id"],
        budget_id=_budget_of(item),
        approved_at=_entered(item, (Status.APPROVED,)),
        settled_at=_entered(item, SETTLED),
    )
    part = lambda today: redemption_contribution(facts, zone or today, step)  # noqa: E731
    return Source(f"redemption:{item['id']}:{step}", facts.at, part, zone is not None)


def _settled_at_once(item: Mapping[str, Any]) -> Source:
    """Both steps of a redemption written settled, as one source (covering its settled step's id)."""
    requested, settled = _redemption_source(item, "requested"), _redemption_source(item, "settled")

    def part(today: str) -> Contribution:
        both = requested.part(today)
        both.merge(settled.part(today))
        return both

    return Source(requested.id, requested.at, part, requested.zoned, (settled.id,))


def _budget_of(item: Mapping[str, Any]) -> str | None:
    kind, _, budget_id = str(item.get("funded_by") or "").partition(":")
    return budget_id if kind == "budget" else None


def _entered(item: Mapping[str, Any], statuses: Iterable[str]) -> datetime | None:
    """When the redemption first entered one of `statuses` (its history), None if it never did."""
    wanted = set(statuses)
    for entry in item.get("history") or ():
        if entry["status"] in wanted:
            return datetime.fromisoformat(entry["at"]) if isinstance(entry["at"], str) else entry["at"]
    return None


def _waited_for_approval(item: Mapping[str, Any]) -> bool:
    history = item.get("history") or ()
    return (
        bool(history)
        and history[0]["status"] == Status.PENDING_APPROVAL
        and any(entry["status"] == Status.APPROVED for entry in history)
    )


def redemption_states(item: Mapping[str, Any]) -> list[Source]:
    """A redemption as it stands: requested, approved by a person if it was, and delivered or returned if
    it has been (audit, rebuild)."""
    steps = ["requested", *(["approved"] if _waited_for_approval(item) else [])]
    if item["status"] in SETTLED:
        steps.append("settled")
    elif item["status"] in REFUNDED:
        steps.append("returned")
    return [_redemption_source(item, step) for step in steps]


def _stamps(item: Mapping[str, Any]) -> dict[str, Stamp]:
    return {person: Stamp.model_validate(stamp) for person, stamp in (item.get("stamps") or {}).items()}


# -- the exactly-once bookkeeping ---------------------------------------------------------------------


@dataclass
class Update:
    """One item's change: a counter or a board row (kind), its identity (attrs SET), its deltas (ADD)."""

    key: keys.Key
    kind: str
    attrs: dict[str, str]
    deltas: Deltas

    def operation(self) -> dict[str, Any]:
        names = {"#type": "type"} | {f"#s{i}": name for i, name in enumerate(self.attrs)}
        names |= {f"#a{i}": name for i, name in enumerate(self.deltas)}
        values = {":type": to_attr(self.kind)}
        values |= {f":s{i}": to_attr(value) for i, value in enumerate(self.attrs.values())}
        values |= {f":a{i}": to_attr(value) for i, value in enumerate(self.deltas.values())}
        sets = ", ".join(["#type = :type", *(f"#s{i} = :s{i}" for i in range(len(self.attrs)))])
        adds = ", ".join(f"#a{i} :a{i}" for i in range(len(self.deltas)))
        return {
            "Update": {
                "TableName": table_name(),
                "Key": keys.as_attrs(self.key),
                "UpdateExpression": f"SET {sets} ADD {adds}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def as_json(self) -> list[Any]:
        return [self.key[0], self.key[1], self.kind, self.attrs, self.deltas]

    @classmethod
    def from_json(cls, data: list[Any]) -> "Update":
        return cls((data[0], data[1]), data[2], data[3], data[4])


def counter_update(counter: Counter, deltas: Deltas, marks: Mapping[str, str] | None = None) -> Update:
    """A counter's figures (ADD), and the instants it keeps beside them (SET: the batch's latest)."""
    scope, period = counter
    attrs = {"scope": scope, "period": period, **(marks or {})}
    return Update(keys.insight_counter(scope, period), "insight_counter", attrs, deltas)


def row_update(row: Row, deltas: Deltas) -> Update:
    family, group, sort = row
    attrs = {"family": family, "group": group, "sort": sort}
    return Update(keys.insight_row(family, group, sort), "insight_row", attrs, deltas)


def board_update(row: BoardRow, deltas: Deltas) -> Update:
    side, scope, period, person = row
    attrs = {"side": side, "scope": scope, "period": period, "employee_id": person}
    renamed = {f"board_{name}": value for name, value in deltas.items()}
    return Update(keys.board_row(side, scope, period, person), "board_row", attrs, renamed)


@dataclass
class Journal:
    batch_id: str
    sources: list[str]
    updates: list[Update]
    applied: set[int] = field(default_factory=set)

    def chunks(self) -> Iterator[tuple[int, list[Update]]]:
        for index, start in enumerate(range(0, len(self.updates), CHUNK)):
            if index not in self.applied:
                yield index, self.updates[start : start + CHUNK]


def batch_of_sources(
    source_ids: Iterable[str], *, also: Iterable[keys.Key] = ()
) -> tuple[dict[str, str], dict[keys.Key, dict[str, Any]]]:
    """source id -> the id of the batch that counted it (only those counted before); and the items of
    `also` found, read in the same BatchGetItem."""
    extra = list(also)
    wanted = {source: keys.insight_source(source) for source in source_ids}
    found = _get_all([*extra, *wanted.values()])
    counted = {source: found[key]["batch_id"] for source, key in wanted.items() if key in found}
    return counted, {key: found[key] for key in extra if key in found}


def load_journals(batch_ids: Iterable[str]) -> list[Journal]:
    found = _get_all(keys.insight_batch(batch_id) for batch_id in batch_ids)
    return [_journal_from(item) for item in found.values()]


def _journal_from(item: Mapping[str, Any]) -> Journal:
    updates = [Update.from_json(data) for data in json.loads(item["updates"])]
    return Journal(
        item["batch_id"], list(item["sources"]), updates, {int(i) for i in item.get("applied", ())}
    )


def open_journal(journal: Journal, at: datetime) -> None:
    """Write the batch's journal (none of it applied yet), then mark its sources as counted by it."""
    pk, sk = keys.insight_batch(journal.batch_id)
    expires = int((at + KEEP_BOOKKEEPING).timestamp())
    item = {
        "PK": pk,
        "SK": sk,
        "type": "insight_batch",
        "batch_id": journal.batch_id,
        "sources": journal.sources,
        "updates": json.dumps([update.as_json() for update in journal.updates], separators=(",", ":")),
        "expires_at": expires,
    }
    dynamodb().put_item(TableName=table_name(), Item=to_item(item))
    mark_sources(journal, expires)


def mark_sources(journal: Journal, expires: int) -> None:
    requests = []
    for source in journal.sources:
        pk, sk = keys.insight_source(source)
        marker = {"PK": pk, "SK": sk, "type": "insight_source", "batch_id": journal.batch_id}
        requests.append({"PutRequest": {"Item": to_item(marker | {"expires_at": expires})}})
    write_batches(requests)


def apply_chunks(journal: Journal) -> int:
    """Apply every chunk of the journal not applied yet, each once. Returns the chunks applied now."""
    applied = 0
    for index, updates in journal.chunks():
        mark = {
            "TableName": table_name(),
            "Key": keys.as_attrs(keys.insight_batch(journal.batch_id)),
            "UpdateExpression": "ADD applied :chunk",
            "ConditionExpression": "attribute_exists(PK) AND NOT contains(applied, :index)",
            "ExpressionAttributeValues": {":chunk": {"NS": [str(index)]}, ":index": {"N": str(index)}},
        }
        writes = [Write("journal", {"Update": mark})]
        writes += [Write(f"update:{n}", update.operation()) for n, update in enumerate(updates)]
        try:
            write_all(writes)
        except WriteRefused as refused:
            if refused.refused("journal"):
                continue  # this chunk landed before (a retry after a crash)
            raise
        journal.applied.add(index)
        applied += 1
    return applied


def claim_members(owners: Mapping[Member, str]) -> set[Member]:
    """The memberships (each with the source that makes it) that count for those sources: new ones, and
    ones these sources claimed before (a retry). Owned by another source: already counted."""
    wanted = {member: keys.insight_member(*member) for member in owners}
    found = _get_all(wanted.values())
    mine: set[Member] = set()
    todo: dict[Member, str] = {}
    for member, source in owners.items():
        item = found.get(wanted[member])
        if item is None:
            todo[member] = source
        elif item.get("source") == source:
            mine.add(member)
    pending = list(todo.items())
    while pending:
        chunk, pending = pending[:MAX_ITEMS], pending[MAX_ITEMS:]
        writes = [_member_put(member, source, n) for n, (member, source) in enumerate(chunk)]
        try:
            write_all(writes)
        except WriteRefused as refused:
            lost = {int(label) for label, code in refused.reasons.items() if code == "ConditionalCheckFailed"}
            pending = [entry for n, entry in enumerate(chunk) if n not in lost] + pending
            if not lost:
                raise
            continue
        mine |= {member for member, _ in chunk}
    return mine


def held_members(members: Iterable[Member]) -> set[Member]:
    """Those of `members` stored (one round trip per 100)."""
    wanted = {member: keys.insight_member(*member) for member in members}
    found = _get_all(wanted.values())
    return {member for member, key in wanted.items() if key in found}


def _member_item(member: Member, source: str) -> dict[str, Any]:
    pk, sk = keys.insight_member(*member)
    scope, period, role, person = member
    values = {"PK": pk, "SK": sk, "type": "insight_member", "scope": scope, "period": period}
    return values | {"role": role, "employee_id": person, "source": source}


def _member_put(member: Member, source: str, label: int) -> Write:
    put = {
        "TableName": table_name(),
        "Item": to_item(_member_item(member, source)),
        "ConditionExpression": "attribute_not_exists(PK) OR #source = :source",
        "ExpressionAttributeNames": {"#source": "source"},
        "ExpressionAttributeValues": {":source": to_attr(source)},
    }
    return Write(str(label), {"Put": put})


def _get_all(wanted: Iterable[keys.Key]) -> dict[keys.Key, dict[str, Any]]:
    """get_many over any number of keys (one round trip per 100; none for none)."""
    distinct = list(dict.fromkeys(wanted))
    found: dict[keys.Key, dict[str, Any]] = {}
    for start in range(0, len(distinct), BATCH_GET_LIMIT):
        found |= get_many(distinct[start : start + BATCH_GET_LIMIT])
    return found


# -- leaderboards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRowFigures:
    employee_id: str
    points: int
    kudos: int


@dataclass(frozen=True)
class BoardPage:
    rows: list[BoardRowFigures]
    following: dict[str, Any] | None  # where the next rows start (None: the board has no more)


def top_rows(
    side: str, scope: str, period: str, by: str, limit: int, start: dict[str, Any] | None = None
) -> BoardPage:
    """A board's best rows (by points or kudos), best first: one query on its sorted index; `start`: the
    `following` of the page before."""
    params: dict[str, Any] = {
        "TableName": table_name(),
        "IndexName": keys.BOARD_POINTS_INDEX if by == "points" else keys.BOARD_KUDOS_INDEX,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.board_partition(side, scope, period)}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if start is not None:
        params["ExclusiveStartKey"] = start
    response = dynamodb().query(**params)
    return BoardPage(
        [_figures(from_item(raw)) for raw in response["Items"]], response.get("LastEvaluatedKey")
    )


def numbers_of(item: Mapping[str, Any]) -> Deltas:
    """A stored counter's figures."""
    return _numbers(item, "")


def board_row_key(side: str, scope: str, period: str, employee_id: str) -> keys.Key:
    return keys.board_row(side, scope, period, employee_id)


def figures_of(item: Mapping[str, Any] | None, employee_id: str) -> BoardRowFigures:
    return _figures(item) if item else BoardRowFigures(employee_id, 0, 0)


def _figures(item: Mapping[str, Any]) -> BoardRowFigures:
    return BoardRowFigures(
        item["employee_id"], int(item.get("board_points", 0)), int(item.get("board_kudos", 0))
    )


# -- reports -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What a report reads: counters' figures (a counter never written: {}), headcounts of scopes, people's
    names, and when people last received (from the person:<id> / all counters read)."""

    counters: dict[Counter, Deltas]
    headcounts: dict[str, int]
    names: dict[str, str]
    last_received: dict[str, datetime]


def read_figures(
    counters: Iterable[Counter] = (), headcounts: Iterable[str] = (), people: Iterable[str] = ()
) -> Figures:
    """Counters, the directory's headcounts of scopes and people's names together: one BatchGetItem per
    100 keys."""
    wanted_counters = {counter: keys.insight_counter(*counter) for counter in counters}
    wanted_heads = {scope: keys.headcount(scope) for scope in headcounts}
    wanted_people = {person: keys.employee(person) for person in people}
    found = _get_all([*wanted_counters.values(), *wanted_heads.values(), *wanted_people.values()])
    last = {
        scope: datetime.fromisoformat(found[key]["last_received_at"])
        for (scope, period), key in wanted_counters.items()
        if period == ALL_TIME and "last_received_at" in found.get(key, {})
    }
    return Figures(
        counters={c: _numbers(found[key], "") if key in found else {} for c, key in wanted_counters.items()},
        headcounts={scope: int(found.get(key, {}).get("people", 0)) for scope, key in wanted_heads.items()},
        names={
            person: found[key]["name"]
            for person, key in wanted_people.items()
            if "name" in found.get(key, {})
        },
        last_received=last,
    )


def read_counters(counters: Iterable[Counter]) -> dict[Counter, Deltas]:
    """The figures of each counter asked for (one round trip per 100; a counter never written is {})."""
    return read_figures(counters=counters).counters


# -- the audit and the rebuild: every record, every counter -------------------------------------------


def scan_sources() -> Iterator[Source]:
    """Every kudos, add-on, reaction taken back, milestone award, correction, redemption, voucher and ledger
    transaction in the table, as the projection counts them."""
    kinds = ("recognition", "add_on", "milestone_award", "redemption", "voucher", "txn", "correction")
    for item in _scan(kinds):
        if item["type"] == "txn":
            if (source := txn_source(item)) is not None:
                yield source
        elif item["type"] == "correction":
            if (source := correction_source(item)) is not None:
                yield source
        elif item["type"] == "add_on":
            yield add_on_source(item)
        elif item["type"] == "milestone_award":
            yield award_state(item)
        elif item["type"] == "redemption":
            yield from redemption_states(item)
        elif item["type"] == "voucher":
            yield from voucher_states(item)
        elif (recognition := recognition_from(item)) is not None:
            act = act_of_kudos(item, recognition)
            yield _peer(f"kudos:{recognition.id}", act)
            if is_undone(item):
                yield _peer(f"undo:{recognition.id}", act, undo=True)


def scan_aggregates() -> tuple[dict[Counter, Deltas], dict[BoardRow, Deltas]]:
    """Every counter and board row stored."""
    counters, boards, _ = scan_all_aggregates()
    return counters, boards


def scan_all_aggregates() -> tuple[dict[Counter, Deltas], dict[BoardRow, Deltas], dict[Row, Deltas]]:
    """Every counter, board row and insights row stored."""
    counters: dict[Counter, Deltas] = {}
    boards: dict[BoardRow, Deltas] = {}
    rows: dict[Row, Deltas] = {}
    for item in _scan(("insight_counter", "board_row", "insight_row")):
        if item["type"] == "insight_counter":
            counters[(item["scope"], item["period"])] = _numbers(item, "")
        elif item["type"] == "insight_row":
            rows[(item["family"], item["group"], item["sort"])] = _numbers(item, "")
        else:
            row = (item["side"], item["scope"], item["period"], item["employee_id"])
            boards[row] = _numbers(item, "board_")
    return counters, boards, rows


def scan_directory_counts() -> DirectoryCounts:
    """Every headcount and team listing stored."""
    return stored_directory_counts(_scan(("headcount", "team_member")))


def _numbers(item: Mapping[str, Any], prefix: str) -> Deltas:
    return {
        name.removeprefix(prefix): int(value)
        for name, value in item.items()
        if name.startswith(prefix) and isinstance(value, int | float) and not isinstance(value, bool)
    }


def _scan(types: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    names = {f":t{i}": {"S": kind} for i, kind in enumerate(types)}
    paginator = dynamodb().get_paginator("scan")
    pages = paginator.paginate(
        TableName=table_name(),
        FilterExpression=f"#type IN ({', '.join(names)})",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues=names,
    )
    for page in pages:
        for raw in page["Items"]:
            yield from_item(raw)


def rebuild_requests(
    counters: Mapping[Counter, Deltas],
    boards: Mapping[BoardRow, Deltas],
    members: Mapping[Member, str],
    sources: Iterable[str],
    at: datetime,
    rows: Mapping[Row, Deltas],
) -> list[dict[str, Any]]:
    """The rebuild's writes: every counter, board row, insights row and membership as recomputed (written
    whole), the stored ones nothing makes any more deleted, and every source marked as counted (so a
    stream record redelivered after the rebuild counts nothing twice)."""
    stored_counters, stored_boards, stored_rows = scan_all_aggregates()
    requests = [put_whole(counter_update(counter, deltas)) for counter, deltas in counters.items()]
    requests += [put_whole(board_update(row, deltas)) for row, deltas in boards.items()]
    requests += [put_whole(row_update(row, deltas)) for row, deltas in rows.items()]
    requests += [
        {"DeleteRequest": {"Key": keys.as_attrs(keys.insight_row(*row))}}
        for row in stored_rows.keys() - rows.keys()
    ]
    requests += [
        {"DeleteRequest": {"Key": keys.as_attrs(keys.insight_counter(*counter))}}
        for counter in stored_counters.keys() - counters.keys()
    ]
    requests += [
        {"DeleteRequest": {"Key": keys.as_attrs(keys.board_row(*row))}}
        for row in stored_boards.keys() - boards.keys()
    ]
    requests += [
        {"PutRequest": {"Item": to_item(_member_item(member, source))}} for member, source in members.items()
    ]
    expires = int((at + KEEP_BOOKKEEPING).timestamp())
    for source in sources:
        pk, sk = keys.insight_source(source)
        marker = {"PK": pk, "SK": sk, "type": "insight_source", "batch_id": REBUILT, "expires_at": expires}
        requests.append({"PutRequest": {"Item": to_item(marker)}})
    return requests


def write_requests(requests: list[dict[str, Any]]) -> None:
    """BatchWriteItem, 25 at a time, until nothing is left unprocessed."""
    write_batches(requests)


def put_whole(update: Update) -> dict[str, Any]:
    pk, sk = update.key
    values = {"PK": pk, "SK": sk, "type": update.kind, **update.attrs, **update.deltas}
    return {"PutRequest": {"Item": to_item(values)}}
