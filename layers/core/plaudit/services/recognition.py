"""Giving kudos, adding on, and reading the feed."""

import re
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from plaudit.domain.access import Caller
from plaudit.domain.employees import EMPLOYEE_ID, Employee, Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound
from plaudit.domain.ids import derived_id, fingerprint
from plaudit.domain.insights import Stamp, stamp_of
from plaudit.domain.ledger import TxnKind
from plaudit.domain.model import Model
from plaudit.domain.periods import period_at
from plaudit.domain.problems import invalid
from plaudit.domain.recognition import (
    MAX_MESSAGE,
    MAX_RECIPIENTS,
    MAX_VALUES,
    AddOn,
    GivingContext,
    GivingPlan,
    Kudos,
    ReactedMessage,
    Recognition,
    SplitMode,
    Visibility,
    check_giver,
    check_recipients,
    check_values,
    plan_add_on,
    plan_giving,
    shares_for,
)
from plaudit.domain.settings import VALUE_SLUG
from plaudit.services import metrics
from plaudit.services.replays import key_expired, replayed
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now
from plaudit.store import snapshots
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.recognitions import (
    RECOGNITION,
    add_on_writes,
    cap_writes,
    feed_ids,
    get_with_add_ons,
    recognition_from,
    recognition_write,
)
from plaudit.store.replays import first_response_write
from plaudit.store.snapshots import Snapshot
from plaudit.store.transact import Write, WriteRefused, write_all

EmployeeId = Annotated[str, StringConstraints(pattern=EMPLOYEE_ID)]
ValueSlug = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]


class GiveKudos(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    recipient_ids: list[EmployeeId] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    points: int = Field(
        strict=True, ge=1, le=1_000_000, description="Points each (split=each) or in total (split=split)"
    )
    split: SplitMode = SplitMode.EACH
    message: str = Field(min_length=1, max_length=MAX_MESSAGE)
    values: list[ValueSlug] = Field(
        default_factory=list, max_length=MAX_VALUES, description="Company value slugs"
    )
    visibility: Visibility = Visibility.PUBLIC

    @field_validator("recipient_ids")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise invalid("problem.recipients_distinct")
        return value

    @field_validator("values")
    @classmethod
    def _slugs(cls, value: list[str]) -> list[str]:
        cleaned = list(dict.fromkeys(slug.removeprefix("#") for slug in value))
        if any(not re.match(VALUE_SLUG, slug) for slug in cleaned):
            raise invalid("problem.value_slugs")
        return cleaned


class GiveAddOn(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    points: int = Field(
        strict=True, ge=1, le=1_000_000, description="Points each recipient receives from you"
    )
    message: str | None = Field(default=None, min_length=1, max_length=MAX_MESSAGE)


def give_kudos(
    caller: Caller,
    command: GiveKudos,
    *,
    idempotency_key: str | None = None,
    reaction: ReactedMessage | None = None,
) -> tuple[Kudos, bool]:
    """Give kudos (`reaction`: by reacting to that Slack message). Returns the kudos and whether it was
    created now (False: a replay of the same key)."""
    giver_id = _person_id(caller)
    request_hash = fingerprint(command.model_dump_json().encode())
    recognition_id = kudos_id_for(giver_id, idempotency_key) if idempotency_key else new_id("rec")
    recipients = command.recipient_ids
    made = {"recognition_id": recognition_id}
    carried_out = False  # the kudos under this key exists (its put was refused)
    for _ in attempts():
        snap = snapshots.load(
            employees=[giver_id, *recipients],
            wallets=[giver_id],
            settings=True,
            caps=(giver_id, recipients),
            first_responses=[recognition_id] if idempotency_key else [],
        )
        settings = snap.settings()
        keep_days = settings.retention.idempotency_days
        first = snap.first_response_item(recognition_id)
        replay = replayed(first, request_hash, Kudos, at=now(), keep_days=keep_days, made=made)
        if replay is not None:
            return replay, False
        if carried_out:
            raise key_expired(keep_days, made)
        giver = check_giver(snap.identify(caller).profile)
        people = {rid: snap.employee(rid) for rid in recipients}
        check_recipients(giver, people)
        check_values(command.values, settings)
        at = now()
        plan = _plan(
            snap,
            giver,
            shares_for(recipients, command.points, command.split),
            TxnKind.KUDOS,
            at,
            txn_id=derived_id("txn", "kudos", recognition_id),
            ref={"recognition_id": recognition_id},
        )
        kudos = Kudos(
            id=recognition_id,
            giver_id=giver_id,
            recipient_ids=recipients,
            shares=plan.shares,
            message=command.message,
            values=command.values,
            visibility=command.visibility,
            created_at=at,
            points=plan.total,
            reaction=reaction,
        )
        head = recognition_write(
            Recognition(**kudos.model_dump()), stamps_of(giver, people), settings.time_zone
        )
        remember = (
            [first_response_write(recognition_id, request_hash, kudos, at=at, keep_days=keep_days)]
            if idempotency_key
            else []
        )
        refused = _commit(head, snap, giver_id, plan, *remember)
        if refused is None:
            metrics.count("KudosGiven")
            metrics.count("PointsGiven", kudos.points)
            return kudos, True
        carried_out = refused.refused(RECOGNITION)
    raise _contended()


def kudos_id_for(giver_id: str, idempotency_key: str) -> str:
    """The id of the kudos a giver gives under an idempotency key: every retry lands on the same record."""
    return derived_id("rec", giver_id, idempotency_key)


def add_on(
    caller: Caller, recognition_id: str, command: GiveAddOn, *, idempotency_key: str | None = None
) -> tuple[AddOn, bool]:
    """Add points to someone else's kudos, once per person. Returns the add-on and whether it is new."""
    adder_id = _person_id(caller)
    request_hash = fingerprint(command.model_dump_json().encode())
    replay_id = derived_id("addon", recognition_id, adder_id, idempotency_key) if idempotency_key else None
    made = {"recognition_id": recognition_id}
    for _ in attempts():
        first = snapshots.load(
            employees=[adder_id],
            recognitions=[recognition_id],
            add_ons=[(recognition_id, adder_id)],
            first_responses=[replay_id] if replay_id else [],
            settings=bool(replay_id),
        )
        recognition = recognition_from(first.recognition_item(recognition_id))
        if recognition is None or not recognition.visible_to(adder_id):
            raise NotFound("error.recognition_not_found", code="recognition_not_found")
        keep_days = first.settings().retention.idempotency_days
        replay = (
            replayed(
                first.first_response_item(replay_id),
                request_hash,
                AddOn,
                at=now(),
                keep_days=keep_days,
                made=made,
            )
            if replay_id
            else None
        )
        if replay is not None:
            return replay, False
        if (given := first.add_on_item(recognition_id, adder_id)) is not None:
            if replay_id and given.get("replay_id") == replay_id:  # given under this key, answer expired
                raise key_expired(keep_days, made)
            raise Conflict("error.already_added_on", code="already_added_on")
        snap = snapshots.load(
            employees=[adder_id, *recognition.recipient_ids],
            wallets=[adder_id],
            settings=True,
            caps=(adder_id, recognition.recipient_ids),
        )
        people = {rid: snap.employee(rid) for rid in recognition.recipient_ids}
        adder = check_giver(snap.identify(caller).profile)
        shares = plan_add_on(recognition, adder, people, command.points)
        at = now()
        txn_id = derived_id("txn", "add_on", recognition_id, adder_id)
        plan = _plan(
            snap, adder, shares, TxnKind.ADD_ON, at, txn_id=txn_id, ref={"recognition_id": recognition_id}
        )
        extra = AddOn(
            recognition_id=recognition_id,
            adder_id=adder_id,
            shares=plan.shares,
            message=command.message,
            created_at=at,
            points=plan.total,
        )
        head, bump = add_on_writes(
            extra, stamps_of(adder, people), recognition, snap.settings().time_zone, replay_id
        )
        remember = (
            [first_response_write(replay_id, request_hash, extra, at=at, keep_days=keep_days)]
            if replay_id
            else []
        )
        if _commit(head, snap, adder_id, plan, bump, *remember) is None:
            metrics.count("AddOnsGiven")
            return extra, True
    raise _contended()


def get_recognition(caller: Caller, recognition_id: str) -> tuple[Recognition, list[AddOn]]:
    viewer = _reader(snapshots.load(employees=[caller.employee_id]).identify(caller))
    head, add_ons = get_with_add_ons(recognition_id)
    recognition = recognition_from(head)
    if recognition is None or not recognition.visible_to(
        viewer.employee_id, sees_everything=_sees_all(viewer)
    ):
        raise NotFound("error.recognition_not_found", code="recognition_not_found")
    return recognition, add_ons


def list_feed(
    caller: Caller,
    *,
    giver: str | None = None,
    recipient: str | None = None,
    value: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[Recognition], str | None]:
    """Newest first. Filters combine; the most selective one picks the index partition.

    Two round trips: the index page, then the kudos and the reader's profile together.
    """
    value = value.strip().removeprefix("#").lower() if value else None
    if recipient:
        scope, key = "recipient", recipient
    elif giver:
        scope, key = "giver", giver
    elif value:
        scope, key = "value", value
    else:
        scope, key = "all", ""
    ids, next_cursor = feed_ids(scope, key, limit=limit, cursor=cursor)
    snap = snapshots.load(employees=[caller.employee_id], recognitions=ids)
    viewer = _reader(snap.identify(caller))
    everything = _sees_all(viewer)
    found = []
    for rid in ids:
        recognition = recognition_from(snap.recognition_item(rid))
        if recognition is None:
            continue
        if giver and recognition.giver_id != giver:
            continue
        if value and value not in recognition.values:
            continue
        if recognition.visible_to(viewer.employee_id, sees_everything=everything):
            found.append(recognition)
    return found, next_cursor


def stamps_of(giver: Employee, people: dict[str, Employee]) -> dict[str, Stamp]:
    """Where the giver and recipients are now (from the profiles the giving already read)."""
    return {person.id: stamp_of(person) for person in (giver, *people.values())}


def _plan(
    snap: Snapshot,
    giver: Employee,
    shares: dict[str, int],
    kind: TxnKind,
    at: datetime,
    *,
    txn_id: str,
    ref: dict[str, str],
) -> GivingPlan:
    settings = snap.settings()
    period = period_at(at, settings.allowance_period, settings.time_zone)
    ctx = GivingContext(
        giver=giver,
        recipients={rid: snap.employee(rid) for rid in shares},
        settings=settings,
        wallet=snap.wallet(giver.id),
        given_this_period={rid: snap.cap(giver.id, rid).given_in(period.id) for rid in shares},
        period=period,
    )
    return plan_giving(ctx, shares, txn_id=txn_id, kind=kind, at=at, ref=ref)


def _commit(
    head: Write, snap: Snapshot, giver_id: str, plan: GivingPlan, *extra: Write
) -> WriteRefused | None:
    """Write the kudos (or add-on) with its ledger movements atomically. Refused: state moved, read again
    (the refusal says what was refused)."""
    settings = snap.settings()
    caps = {rid: snap.cap(giver_id, rid) for rid in plan.shares}
    writes = [
        head,
        *extra,
        *cap_writes(giver_id, plan.period, plan.shares, settings.recipient_cap_per_period, caps),
    ]
    writes += [wallet_write(change, plan.transactions[-1].at) for change in plan.wallet_changes]
    for txn in plan.transactions:
        writes += transaction_writes(txn)
    try:
        write_all(writes)
    except WriteRefused as refused:
        return refused
    return None


def _person_id(caller: Caller) -> str:
    if caller.employee_id is None:
        raise Forbidden("error.kudos_need_directory", code="not_in_directory")
    return caller.employee_id


def _reader(caller: Caller) -> Caller:
    """Readers of kudos are people in the directory or HR (`caller` comes with its profile)."""
    if not caller.is_person and not caller.has_role(Role.HR_ADMIN):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    return caller


def _sees_all(caller: Caller) -> bool:
    return caller.has_role(Role.HR_ADMIN)


def _contended() -> Conflict:
    return Conflict("error.concurrent_update", code="concurrent_update")
