"""Campaigns: an HR admin or a budget's holder pays many people at once from one budget.

- `preview` resolves the people (a CSV, checked whole, every bad row refused with its line; or a selector
  over the directory), prices them and says who is skipped and why and whether the budget covers it.
- `create` stores what a preview found (chunks of people, then the campaign with its trail entry) and
  refuses a campaign the budget cannot cover; an Idempotency-Key derives its id (a replay answers it).
- `start` moves it to running (a trail entry) and queues one message per chunk on CAMPAIGN_QUEUE_URL;
  starting a running campaign again queues its chunks again (the worker pays nobody twice).
- `process_chunk` (the worker) pays a chunk's people through the milestone award path
  (services.milestones.award_prizes): each person's award id derives from the campaign and the person, so
  a redelivered message or a crashed worker pays nobody twice; a budget that runs dry leaves the rest
  pending (the existing pending-award queue: a budget top-up pays them, oldest first). The chunk's
  outcomes and the campaign's counters move in one transaction, once.
- `cancel` stops what is not paid yet (chunks not processed; awards still pending for the budget).
- `report` is every person's outcome as rows (the final report CSV).
"""

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger

from plaudit.domain.access import Caller
from plaudit.domain.budgets import Budget, managers_above
from plaudit.domain.campaigns import (
    CHUNK,
    FAILED_DEACTIVATED,
    MAX_PEOPLE,
    CampaignRequest,
    CampaignStatus,
    CampaignView,
    Preview,
    Row,
    Skipped,
    award_id,
    campaign_id,
    read_rows,
    skip_reason,
)
from plaudit.domain.catalog import is_instant, points_price, refuse_instant
from plaudit.domain.employees import Employee, Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound, Points, Problem, RuleViolation
from plaudit.domain.ids import fingerprint
from plaudit.domain.settings import OrgSettings
from plaudit.domain.trail import canonical
from plaudit.environment import environment
from plaudit.integrations import aws, correlation
from plaudit.services import metrics, milestones
from plaudit.services.replays import key_expired, replayed
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import campaigns as store
from plaudit.store import keys, snapshots
from plaudit.store.budgets import balance_of, budget_from
from plaudit.store.catalog import item_from
from plaudit.store.employees import employee_from, list_employees
from plaudit.store.milestones import award_cancel_write, forget_pending_write
from plaudit.store.reads import get_many
from plaudit.store.replays import first_response_write
from plaudit.store.tiers import record_from, record_key
from plaudit.store.transact import WriteRefused, write_all

logger = Logger(child=True)

BATCH = 100  # keys per BatchGetItem
SEND_BATCH = 10  # messages per SendMessageBatch
REPORT_COLUMNS = ("line", "employee_id", "email", "points", "item_id", "denomination", "outcome", "reason")


# --- preview and create --------------------------------------------------------------------------------


class _Plan:
    """What a campaign request resolves to: its people (targets), who is skipped, the cost."""

    def __init__(self, budget: Budget, available: int, settings: OrgSettings):
        self.budget, self.available, self.settings = budget, available, settings
        self.targets: list[dict[str, Any]] = []
        self.skipped: list[Skipped] = []
        self.total = 0

    def preview(self) -> Preview:
        return Preview(
            people=len(self.targets),
            total_points=self.total,
            budget_available=self.available,
            covered=self.total <= self.available,
            skipped=self.skipped,
        )


def preview(caller: Caller, body: CampaignRequest) -> Preview:
    """Who would be paid, what it costs, who is skipped and why; nothing is written."""
    return _plan(caller, body)[0].preview()


def create(
    caller: Caller, body: CampaignRequest, *, idempotency_key: str | None = None
) -> tuple[CampaignView, bool]:
    """Store the campaign as previewed (a draft: nothing is paid until it is started). Returns it and
    whether it was created now (False: a replay of the same Idempotency-Key)."""
    actor = actor_of(caller)
    cid = campaign_id(actor, idempotency_key) if idempotency_key else new_id("cmp")
    request_hash = fingerprint(canonical(body.model_dump(mode="json")).encode())
    keep_days = 0
    if idempotency_key:
        # the campaign under this key too: its people are written before it, and must not be again
        found = get_many([keys.first_response(cid), keys.campaign(cid), keys.SETTINGS])
        keep_days = snapshots.Snapshot(found).settings().retention.idempotency_days
        made = {"campaign_id": cid}
        first = found.get(keys.first_response(cid))
        replay = replayed(first, request_hash, CampaignView, at=now(), keep_days=keep_days, made=made)
        if replay is not None:
            return replay, False
        if found.get(keys.campaign(cid)) is not None:
            raise key_expired(keep_days, made)
    plan, person = _plan(caller, body)
    if not plan.targets:
        raise RuleViolation("error.campaign_empty", code="campaign_empty")
    if plan.total > plan.available:
        raise RuleViolation(
            "error.budget_short",
            code="insufficient_budget",
            details={"points_needed": plan.total, "points_available": plan.available},
            need=Points(plan.total),
        )
    at = stored_now()
    rows = [*plan.targets, *({**skip.model_dump(mode="json"), "skip": skip.reason} for skip in plan.skipped)]
    chunks = [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]
    store.put_chunks(cid, chunks)
    campaign = {
        "id": cid,
        "name": body.name,
        "budget_id": body.budget_id,
        "message": body.message,
        "public": body.public,
        "status": CampaignStatus.DRAFT.value,
        "people": len(plan.targets),
        "total_points": plan.total,
        "skipped": len(plan.skipped),
        "paid": 0,
        "pending": 0,
        "failed": 0,
        "chunks": len(chunks),
        "chunks_done": 0,
        "created_by": person.employee_id or actor,
        "created_at": keys.iso(at),
        "started_at": None,
        "finished_at": None,
    }
    view = view_of(campaign)
    writes = [store.campaign_write(campaign)]
    if idempotency_key:
        writes.append(first_response_write(cid, request_hash, view, at=at, keep_days=keep_days))
    after = {
        "name": body.name,
        "budget_id": body.budget_id,
        "people": len(plan.targets),
        "total_points": plan.total,
        "skipped": len(plan.skipped),
        "source": "csv" if body.csv is not None else "selector",
    }
    try:
        record(writes, Act(actor, "campaign.create", f"campaign:{cid}", after=after))
    except WriteRefused as refused:
        if refused.refused(store.LABEL):  # the same Idempotency-Key, at the same time
            raise Conflict("error.concurrent_update", code="concurrent_update") from None
        raise
    metrics.count("CampaignsCreated")
    return view, True


def _plan(caller: Caller, body: CampaignRequest) -> tuple[_Plan, Caller]:
    found = get_many(
        [
            *([keys.employee(caller.employee_id)] if caller.employee_id else []),
            keys.budget(body.budget_id),
            keys.SETTINGS,
            *([keys.catalog_item(body.item_id)] if body.item_id else []),
        ]
    )
    snap = snapshots.Snapshot(found)
    person = snap.identify(caller)
    budget_item = found.get(keys.budget(body.budget_id))
    budget = budget_from(budget_item)
    if budget is None or budget_item is None:
        raise NotFound(
            "error.budget_not_found", code="budget_not_found", details={"budget_id": body.budget_id}
        )
    _require_spender(person, budget)
    plan = _Plan(budget, balance_of(budget_item), snap.settings())
    if body.csv is not None:
        rows, problems = read_rows(body.csv, body)
        rows, item_problems = _with_items(rows, plan.settings)
        problems += item_problems
        if problems:
            lines = sorted({int(p.field.split(".")[0].removeprefix("line ")) for p in problems})
            raise RuleViolation(
                "error.campaign_csv_rows",
                code="campaign_csv_invalid",
                problems=problems,
                count=len(lines),
                details={"lines": lines},
            )
        people = _people_of(rows)
    else:
        assert body.selector is not None
        item = item_from(found.get(keys.catalog_item(body.item_id))) if body.item_id else None
        if body.item_id and item is None:
            raise NotFound("error.item_not_found", code="item_not_found")
        if item is not None:
            refuse_instant(item)
            if item.offer is not None:
                raise RuleViolation("error.offer_not_awardable", code="offer_not_awardable")
        people = _selected(body)
        rows = [
            Row(employee_id=p.id, points=body.points, item_id=body.item_id, denomination=body.denomination)
            for p in people.values()
        ]
        rows, _ = _with_items(rows, plan.settings, {body.item_id: item} if item and body.item_id else {})
    lookup = _Directory(people)
    for row in rows:
        person_found = people.get(row.employee_id or f"@{(row.email or '').lower()}")
        chain = managers_above(person_found, lookup) if person_found and budget.by_organisation else []
        pays = bool(person_found) and budget.pays(person_found, chain)  # type: ignore[arg-type]
        reason = skip_reason(person_found, pays, person.employee_id)
        if reason is not None:
            plan.skipped.append(
                Skipped(line=row.line, employee_id=row.employee_id, email=row.email, reason=reason)
            )
            continue
        assert person_found is not None
        plan.targets.append(_target(row, person_found.id, row.cost))  # type: ignore[attr-defined]
        plan.total += row.cost  # type: ignore[attr-defined]
    return plan, person


class _Priced(Row):
    cost: int


def _with_items(
    rows: list[Row], settings: OrgSettings, items: dict[str, Any] | None = None
) -> tuple[list[Row], list[Problem]]:
    """Each row with its cost in points; an item the catalogue does not hold is a bad row."""
    wanted = sorted({row.item_id for row in rows if row.item_id} - set(items or {}))
    known = dict(items or {})
    for start in range(0, len(wanted), BATCH):
        found = get_many([keys.catalog_item(i) for i in wanted[start : start + BATCH]])
        known |= {i: item_from(found.get(keys.catalog_item(i))) for i in wanted[start : start + BATCH]}
    priced: list[Row] = []
    problems = []
    for row in rows:
        if row.item_id is None:
            priced.append(_Priced(**row.model_dump(), cost=row.points or 0))
            continue
        item = known.get(row.item_id)
        if item is None:
            problems.append(Problem(f"line {row.line}.item_id", "problem.campaign_unknown_item"))
            continue
        if is_instant(item):  # used on the spot with a pass: nothing to give
            problems.append(Problem(f"line {row.line}.item_id", "problem.campaign_instant_item"))
            continue
        if item.offer is not None:  # a share of a future purchase: no denomination to give (README)
            problems.append(Problem(f"line {row.line}.item_id", "problem.campaign_offer_item"))
            continue
        assert row.denomination is not None
        priced.append(_Priced(**row.model_dump(), cost=points_price(item, row.denomination, settings)))
    return priced, problems


def _people_of(rows: list[Row]) -> dict[str, Employee]:
    """The rows' people, by id and (for rows naming an email) by `@<email>`: 100 a round trip."""
    emails = sorted({(row.email or "").lower() for row in rows if row.email})
    by_email: dict[str, str] = {}
    for start in range(0, len(emails), BATCH):
        found = get_many([keys.email_alias(e) for e in emails[start : start + BATCH]])
        by_email |= {
            e: item["employee_id"]
            for e in emails[start : start + BATCH]
            if (item := found.get(keys.email_alias(e))) and item.get("employee_id")
        }
    ids = sorted({row.employee_id for row in rows if row.employee_id} | set(by_email.values()))
    people = _load(ids)
    people |= {f"@{e}": people[i] for e, i in by_email.items() if i in people}
    return people


def _load(ids: Iterable[str]) -> dict[str, Employee]:
    wanted = list(dict.fromkeys(ids))
    people: dict[str, Employee] = {}
    for start in range(0, len(wanted), BATCH):
        found = get_many([keys.employee(i) for i in wanted[start : start + BATCH]])
        people |= {item["id"]: p for item in found.values() if (p := employee_from(item))}
    return people


class _Directory:
    """Managers above people, loaded as asked (a manager's organisation budget)."""

    def __init__(self, known: dict[str, Employee]):
        self.known = dict(known)

    def __call__(self, ids: list[str]) -> dict[str, Employee]:
        missing = [i for i in ids if i not in self.known]
        if missing:
            self.known |= _load(missing)
        return {i: self.known[i] for i in ids if i in self.known}


def _selected(body: CampaignRequest) -> dict[str, Employee]:
    """The directory's people the selector picks (a page of 100 at a time; tiers read for each page)."""
    selector = body.selector
    assert selector is not None
    picked: dict[str, Employee] = {}
    cursor = None
    while True:
        page = list_employees(limit=100, cursor=cursor)
        people = [p for item in page.items if (p := employee_from(item))]
        tiers: dict[str, str | None] = {}
        if selector.tiers:
            found = get_many([record_key(p.id) for p in people])
            tiers = {p.id: record_from(found.get(record_key(p.id))).tier for p in people}
        picked |= {p.id: p for p in people if selector.picks(p, tiers.get(p.id))}
        if len(picked) > MAX_PEOPLE:
            raise RuleViolation("error.campaign_too_large", code="campaign_too_large", limit=MAX_PEOPLE)
        cursor = page.cursor
        if cursor is None:
            return picked


def _target(row: Row, employee_id: str, cost: int) -> dict[str, Any]:
    return {
        "line": row.line,
        "employee_id": employee_id,
        "email": row.email,
        "points": row.points,
        "item_id": row.item_id,
        "denomination": str(row.denomination) if row.denomination is not None else None,
        "message": row.message,
        "cost": cost,
    }


def _require_spender(person: Caller, budget: Budget) -> None:
    if person.has_role(Role.HR_ADMIN) or (person.is_person and person.employee_id in budget.holders):
        return
    raise Forbidden("error.not_a_holder", code="not_a_holder")


# --- run, view, cancel, report -------------------------------------------------------------------------


def view_of(campaign: dict[str, Any]) -> CampaignView:
    done = int(campaign["paid"]) + int(campaign["pending"]) + int(campaign["failed"])
    return CampaignView.model_validate(
        {name: campaign.get(name) for name in CampaignView.model_fields}
        | {"remaining": max(int(campaign["people"]) - done, 0)}
    )


def _campaign(caller: Caller, cid: str) -> tuple[dict[str, Any], Caller]:
    """The campaign, for HR or its budget's holders (404: none; 403: not theirs to see)."""
    campaign = store.campaign(cid)
    if campaign is None:
        raise NotFound("error.campaign_not_found", code="campaign_not_found")
    found = get_many(
        [
            *([keys.employee(caller.employee_id)] if caller.employee_id else []),
            keys.budget(campaign["budget_id"]),
        ]
    )
    person = snapshots.Snapshot(found).identify(caller)
    budget = budget_from(found.get(keys.budget(campaign["budget_id"])))
    holders = budget.holders if budget else []
    if not (person.has_role(Role.HR_ADMIN) or (person.is_person and person.employee_id in holders)):
        raise Forbidden("error.not_a_holder", code="not_a_holder")
    return campaign, person


def view(caller: Caller, cid: str) -> CampaignView:
    return view_of(_campaign(caller, cid)[0])


def start(caller: Caller, cid: str) -> CampaignView:
    """Run it: its chunks are queued. A running campaign's are queued again (nobody is paid twice)."""
    campaign, _ = _campaign(caller, cid)
    status = CampaignStatus(campaign["status"])
    if status in (CampaignStatus.DONE, CampaignStatus.CANCELLED):
        raise Conflict("error.campaign_finished", code="campaign_finished", status=status.value)
    if status is CampaignStatus.DRAFT:
        at = stored_now()
        act = Act(actor_of(caller), "campaign.run", f"campaign:{cid}", after={"people": campaign["people"]})
        try:
            record([store.start_write(cid, at)], act)
        except WriteRefused as refused:
            if not refused.refused(store.LABEL):
                raise
            return start(caller, cid)  # started (or cancelled) meanwhile: answer as it is now
        campaign |= {"status": CampaignStatus.RUNNING.value, "started_at": keys.iso(at)}
        metrics.count("CampaignsStarted")
    _enqueue(cid, int(campaign["chunks"]))
    return view_of(campaign)


def _enqueue(cid: str, chunks: int) -> None:
    url = environment().campaign_queue_url
    sqs = aws.client("sqs")
    for start in range(0, chunks, SEND_BATCH):
        entries = [
            correlation.on_message(
                {"Id": str(n), "MessageBody": json.dumps({"campaign_id": cid, "chunk": n})}
            )
            for n in range(start, min(start + SEND_BATCH, chunks))
        ]
        answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(f"campaign chunks not queued: {[f['Id'] for f in answer['Failed']]}")


def cancel(caller: Caller, cid: str) -> CampaignView:
    """What is not paid yet stops: chunks not processed are dropped by the worker, and awards still
    pending for the budget are cancelled (a top-up will not pay them). A done campaign can be cancelled
    while some of its awards wait for the budget."""
    campaign, _ = _campaign(caller, cid)
    at = stored_now()
    act = Act(actor_of(caller), "campaign.cancel", f"campaign:{cid}", before={"status": campaign["status"]})
    try:
        record([store.cancel_write(cid, at)], act)
    except WriteRefused as refused:
        if refused.refused(store.LABEL):
            raise Conflict(
                "error.campaign_finished", code="campaign_finished", status=campaign["status"]
            ) from None
        raise
    _cancel_pending(cid)
    campaign |= {"status": CampaignStatus.CANCELLED.value, "finished_at": keys.iso(at)}
    return view_of(store.campaign(cid) or campaign)


def _cancel_pending(cid: str) -> None:
    for chunk in store.chunks(cid):
        waiting = [
            eid for eid, out in (chunk.get("outcomes") or {}).items() if out.get("outcome") == "pending"
        ]
        awards = get_many([keys.award(award_id(cid, eid)) for eid in waiting]) if waiting else {}
        for award in awards.values():
            if award.get("status") != "pending":
                continue
            pending_key = keys.pending_award(
                award["budget_id"], datetime.fromisoformat(award["created_at"]), award["id"]
            )
            try:
                cancelled = [award_cancel_write(award["id"]), forget_pending_write(pending_key)]
                write_all([*cancelled, store.counts_write(cid, pending=-1)])  # no longer waiting
            except WriteRefused:
                continue  # paid meanwhile by a top-up


def report(caller: Caller, cid: str) -> tuple[CampaignView, list[list[Any]]]:
    """Every row's outcome: paid, pending (for the budget), failed (with the reason), skipped (at preview,
    with the reason), cancelled or not_processed. A pending award paid since by a top-up says paid."""
    campaign, _ = _campaign(caller, cid)
    out: list[list[Any]] = []
    for chunk in store.chunks(cid):
        outcomes = chunk.get("outcomes") or {}
        waiting = [eid for eid, o in outcomes.items() if o.get("outcome") == "pending"]
        awards = get_many([keys.award(award_id(cid, eid)) for eid in waiting]) if waiting else {}
        for row in chunk["rows"]:
            eid = row.get("employee_id")
            if row.get("skip"):
                outcome, reason = "skipped", row["skip"]
            elif eid in outcomes:
                outcome, reason = outcomes[eid]["outcome"], outcomes[eid].get("reason")
                award = awards.get(keys.award(award_id(cid, eid)))
                if outcome == "pending" and award is not None and award.get("status") != "pending":
                    outcome = "paid" if award.get("status") == "paid" else "cancelled"
            elif campaign["status"] == CampaignStatus.CANCELLED.value:
                outcome, reason = "cancelled", None
            else:
                outcome, reason = "not_processed", None
            out.append(
                [
                    row.get("line"),
                    eid,
                    row.get("email"),
                    row.get("points"),
                    row.get("item_id"),
                    row.get("denomination"),
                    outcome,
                    reason,
                ]
            )
    return view_of(campaign), out


# --- the worker ----------------------------------------------------------------------------------------


def process_chunk(cid: str, chunk_no: int) -> dict[str, int]:
    """Pay one chunk's people (once). Returns the chunk's counts (empty: nothing to do: processed
    already, cancelled, or unknown)."""
    campaign, chunk = store.campaign_and_chunk(cid, chunk_no)
    if campaign is None or chunk is None or "outcomes" in chunk:
        return {}
    if campaign["status"] != CampaignStatus.RUNNING.value:
        return {}  # cancelled: what is not paid stops (a draft is never queued)
    targets = [row for row in chunk["rows"] if not row.get("skip")]
    people = _load(row["employee_id"] for row in targets)
    outcomes: dict[str, dict[str, str]] = {}
    due = []
    today = stored_now().date()
    for row in targets:
        person = people.get(row["employee_id"])
        if person is None or not person.active:
            outcomes[row["employee_id"]] = {"outcome": "failed", "reason": FAILED_DEACTIVATED}
            continue
        due.append(_prize(campaign, row, person, today))
    report = milestones.award_prizes(due, source="campaign")
    for skip in report.skipped:
        outcomes[skip.employee_id] = {"outcome": "failed", "reason": skip.reason}
    for award in report.awarded:
        outcomes.setdefault(award.employee_id, {"outcome": "paid"})
    for award in report.pending:
        outcomes.setdefault(award.employee_id, {"outcome": "pending"})
    earlier = [prize for prize in due if prize.employee.id not in outcomes]  # paid by an earlier attempt
    if earlier:
        found = get_many([keys.award(prize.award_id) for prize in earlier])
        for prize in earlier:
            status = (found.get(keys.award(prize.award_id)) or {}).get("status")
            outcomes[prize.employee.id] = {"outcome": "pending" if status == "pending" else "paid"}
    counts = {
        name: sum(o["outcome"] == name for o in outcomes.values()) for name in ("paid", "pending", "failed")
    }
    at = stored_now()
    try:
        write_all(store.chunk_done_writes(cid, chunk_no, outcomes, counts, at))
    except WriteRefused as refused:
        if refused.refused(store.CHUNK_LABEL):
            return {}  # another delivery counted it
        raise
    for name, count in counts.items():
        if count:
            metrics.count(f"Campaign{name.capitalize()}", count)
    store.finish(cid, at)
    return counts


def _prize(campaign: dict[str, Any], row: dict[str, Any], person: Employee, day: date) -> milestones.PrizeDue:
    item_only = row.get("item_id") is not None
    return milestones.PrizeDue(
        award_id=award_id(campaign["id"], person.id),
        rule_id=f"campaign:{campaign['id']}",
        name=campaign["name"],
        occurrence="campaign",
        day=day,
        employee=person,
        points=0 if item_only else int(row["points"]),
        budget_id=campaign["budget_id"],
        catalog_item_id=row.get("item_id"),
        catalog_denomination=Decimal(row["denomination"]) if item_only else None,
        message=row.get("message") or campaign.get("message"),
        given_by=campaign["created_by"],
    )
