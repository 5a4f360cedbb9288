"""The administrative trail: each administrative act writes one entry, in the same TransactWriteItems as the
change it records, and the table's stream links the entries into a hash chain in the order they were
written (`link_written`, run by the projections function).

The act reads nothing for its entry (no chain head in its transaction: no extra round trip, and two acts
at once never fight over one item). The entry holds the actor (a person's id or an integration's client
id), the time (the injected clock), the action, the target, a before/after diff and the request's
correlation id (Powertools' correlation id: API Gateway's request id; the CLI sets a generated one).
Personal values ride beside the entry, outside the chain (see plaudit.domain.trail).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from plaudit.domain.access import Caller, require_role
from plaudit.domain.employees import Role
from plaudit.domain.errors import RuleViolation
from plaudit.domain.model import Model
from plaudit.domain.trail import ChainReport, Link, diff, link, verify
from plaudit.integrations import correlation
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.store import snapshots
from plaudit.store import trail as store
from plaudit.store.keys import iso
from plaudit.store.transact import Write, WriteRefused, write_all

# Every action the trail records (GET /v1/audit-log filters by these).
ACTIONS = (
    "settings.replace",
    "settings.patch",
    "budget.create",
    "budget.update",
    "budget.top_up",
    "budget.withdraw",
    "catalog_item.create",
    "catalog_item.replace",
    "catalog_item.deactivate",
    "catalog_item.codes_upload",
    "milestone_rule.create",
    "milestone_rule.replace",
    "milestone_rule.delete",
    "employee.create",
    "employee.update",
    "employee.termination_scheduled",
    "employee.termination_cancelled",
    "employee.account_link",
    "employee.erase",
    "account.sync",
    "desk.create",
    "desk.replace",
    "desk.disable",
    "desk.account_add",
    "desk.accounts",
    "redemption.approve",
    "redemption.reject",
    "award.give",
    "recognition.hide",
    "ledger.correct",
    "milestone.award",
    "referral.record",
    "export.request",
    "campaign.create",
    "campaign.run",
    "campaign.cancel",
    "badge.create",
    "badge.replace",
    "badge.delete",
    "season.create",
    "season.replace",
    "season.delete",
)

# Directory fields whose values are personal: a diff masks them and keeps them in the person's record.
PERSONAL_FIELDS = frozenset(
    {
        "email",
        "name",
        "slack_user_id",
        "birthday",
        "public_birthday",
        "start_date",
        "country",
        "time_zone",
        "idp_subject",
        "reason",  # a correction's reason: free text about the person whose points it took back
    }
)


@dataclass(frozen=True)
class Act:
    actor: str  # a person's id, an integration's client id, or what acted for the operator ("hris:csv")
    action: str  # one of ACTIONS
    target: str  # "<kind>:<id>", e.g. "budget:milestones", or "settings"
    before: Mapping[str, Any] | None = None  # JSON documents (model_dump(mode="json"))
    after: Mapping[str, Any] | None = None
    person: str | None = None  # whose personal values before/after hold (their PERSONAL_FIELDS)


def actor_of(caller: Caller) -> str:
    return caller.employee_id or caller.subject


def correlation_id() -> str:
    """The request's correlation id (Powertools': API Gateway's request id, or the CLI's), else a new one."""
    return correlation.current() or new_id("req")


def entry_write(act: Act) -> Write:
    """The act's entry, unchained, and the personal values its diff held (outside the chain)."""
    if act.action not in ACTIONS:
        raise ValueError(f"not an administrative action: {act.action}")
    changes = diff(act.before, act.after, PERSONAL_FIELDS if act.person else ())
    entry = {
        "id": new_id("aud"),
        "at": iso(stored_now()),
        "actor": act.actor,
        "action": act.action,
        "target": act.target,
        "changes": changes.changes,
        "correlation_id": correlation_id(),
    }
    return store.entry_write(entry, act.person, changes.personal)


def record(writes: Sequence[Write], act: Act) -> None:
    """Write the change and its entry in one transaction. Raises WriteRefused as `write_all` does when the
    change's own conditions fail."""
    write_all([*writes, entry_write(act)])


def link_written(new_images: Iterable[Mapping[str, Any] | None]) -> int:
    """Link the entries a stream batch shows written (its records' new images, in stream order) after the
    chain's head: one read of the head per batch, one transaction per entry. An entry linked already (the
    batch delivered again) is passed over; should the head have moved meanwhile, it is read again. Returns
    how many entries were linked now."""
    written = [entry for image in new_images if (entry := store.written_entry(image)) is not None]
    if not written:
        return 0
    head = store.head()
    linked = 0
    for entry in written:
        for _ in attempts():
            chained = link(head, entry)
            try:
                write_all(store.link_writes(entry, chained, head))
            except WriteRefused as refused:
                if refused.refused(store.HEAD):
                    head = store.head()  # another linker moved it: link after the new head
                    continue
                if refused.refused(store.ENTRY):
                    break  # linked already (or removed before it could be): nothing to do
                raise
            head = Link(chained["seq"], chained["hash"])
            linked += 1
            break
        else:
            raise RuntimeError("the trail's head kept moving: the batch is delivered again")
    return linked


def verify_trail() -> ChainReport:
    """Walk the whole chain up to its head (for `plaudit audit`)."""
    return verify(store.all_entries(), store.head(), now())


class AuditEntry(Model):
    id: str
    seq: int | None = None  # None until the stream links the entry into the chain (within seconds)
    at: str
    actor: str
    action: str
    target: str
    changes: dict[str, Any]
    correlation_id: str
    prev_hash: str | None = None
    hash: str | None = None


def audit_log(
    caller: Caller,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[AuditEntry], str | None]:
    """One page of the trail, newest first (HR and admins). The filters are applied to the `limit` entries
    the page reads, so a page may hold fewer and still have a cursor."""
    require_role(snapshots.load(employees=[caller.employee_id]).identify(caller), Role.HR_ADMIN)
    if action is not None and action not in ACTIONS:
        raise RuleViolation(
            "error.unknown_action", code="unknown_action", details={"actions": list(ACTIONS)}, action=action
        )
    if since and until and since >= until:
        raise RuleViolation("error.from_after_to", code="invalid_period")
    page = store.entries_page(
        actor=actor, action=action, target=target, since=since, until=until, limit=limit, cursor=cursor
    )
    return [AuditEntry.model_validate(entry) for entry in page.items], page.cursor
