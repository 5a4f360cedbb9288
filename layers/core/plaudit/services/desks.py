"""Voucher desks: HR admins keep a small directory of them (each act in the trail) and give each desk its
sign-in accounts (user pool users in the `voucher_desk` group); a desk account checks and redeems codes at
its own desk's vendor and locations (plaudit.services.vouchers asks `place_of`). A desk account is a token
with BOTH the `voucher_desk` group (`cognito:groups`) and a tie to a desk: either alone is refused with a
clear 403. Disabling a desk disables its accounts in the pool and signs them out everywhere; enabling it
enables them again (a pool that fails then is repaired by `plaudit accounts sync`)."""

from collections.abc import Iterator

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError
from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.desks import Desk, DeskSpec, Place, place_at
from plaudit.domain.employees import EMAIL, Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound, PreconditionFailed, RuleViolation
from plaudit.domain.model import Model
from plaudit.i18n import person_locale
from plaudit.integrations import cognito
from plaudit.services.pool_repairs import POOL_ERRORS, deferred
from plaudit.services.retry import attempts
from plaudit.services.runtime import stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import desks as store
from plaudit.store import keys, snapshots
from plaudit.store.employees import employee_id_by_email
from plaudit.store.transact import WriteRefused

logger = Logger(child=True)
DESK_GROUP = "voucher_desk"
STAFF_SCOPE = "vouchers"  # integrations that check codes (vendors, staff tools)


class DeskPage(Model):
    items: list[Desk]
    next_cursor: str | None = None


class NewDeskAccount(Model):
    """POST /v1/desks/{id}/accounts: who signs in for the desk."""

    email: str = Field(pattern=EMAIL, max_length=254, description="Cognito emails them an invitation")


class DeskAccount(Model):
    desk_id: str
    email: str
    subject: str = Field(description="The account's `sub` in the user pool")
    invited: bool = Field(description="False: the address had an account already, now tied to this desk")


def put_desk(
    caller: Caller, desk_id: str, spec: DeskSpec, *, if_match: set[int] | None = None
) -> tuple[Desk, bool]:
    """Create or replace a desk; returns it and whether it was created. Disabling it (status) stops its
    accounts at once."""
    _require_hr(caller)
    for _ in attempts():
        old = store.get_desk(desk_id)
        if old is None and if_match is not None:
            raise NotFound("error.desk_not_found", code="desk_not_found")
        if old is not None and if_match is not None and old.version not in if_match:
            raise PreconditionFailed(
                "error.desk_changed", details={"version": old.version}, version=str(old.version)
            )
        at = stored_now()
        desk = Desk(
            **spec.model_dump(),
            id=desk_id,
            version=old.version + 1 if old else 1,
            created_at=old.created_at if old else at,
            updated_at=max(at, old.updated_at) if old else at,
        )
        if old is not None and desk.model_dump(exclude={"version", "updated_at"}) == old.model_dump(
            exclude={"version", "updated_at"}
        ):
            return old, False
        action = "desk.create" if old is None else "desk.disable" if _disables(old, desk) else "desk.replace"
        act = Act(
            actor_of(caller),
            action,
            f"desk:{desk_id}",
            before=old.model_dump(mode="json") if old else None,
            after=desk.model_dump(mode="json"),
        )
        try:
            record([store.desk_write(desk, previous_version=old.version if old else None)], act)
        except WriteRefused as refused:
            if refused.refused("desk"):
                continue
            raise
        if old is not None and old.status != desk.status:
            follow_desk(desk, actor=actor_of(caller))
        return desk, old is None
    raise Conflict("error.desk_busy", code="concurrent_update")


def all_desks() -> Iterator[Desk]:
    """Every desk, page by page (for `plaudit accounts sync`)."""
    cursor = None
    while True:
        page = store.desks_page(limit=100, cursor=cursor)
        yield from (desk for item in page.items if (desk := store.desk_from(item)))
        cursor = page.cursor
        if cursor is None:
            return


def list_desks(caller: Caller, *, limit: int, cursor: str | None) -> DeskPage:
    _require_hr(caller)
    page = store.desks_page(limit=limit, cursor=cursor)
    return DeskPage(
        items=[desk for item in page.items if (desk := store.desk_from(item))], next_cursor=page.cursor
    )


def get_desk(caller: Caller, desk_id: str) -> Desk:
    _require_hr(caller)
    return _desk(desk_id)


def add_account(caller: Caller, desk_id: str, new: NewDeskAccount) -> DeskAccount:
    """Invite `new.email` to the user pool (or take the account it has), put it in the voucher_desk group and
    tie it to the desk. An address of someone in the directory is refused: desk accounts are not people's."""
    _require_hr(caller)
    desk = _desk(desk_id)
    if cognito.pool_id() is None:
        raise RuleViolation("error.accounts_not_configured", code="accounts_not_configured")
    email = new.email.lower()
    if employee_id_by_email(email) is not None:
        raise Conflict("error.desk_account_is_a_person", code="desk_account_is_a_person")
    account, invited = cognito.find(email=email), False
    if account is None:
        locale = person_locale(None, snapshots.load(settings=True).settings().default_locale)
        try:
            account, invited = cognito.invite(email=email, name=desk.name, locale=locale), True
        except ClientError as failed:
            if failed.response.get("Error", {}).get("Code") != "UsernameExistsException":
                raise
            account = cognito.find(email=email)
            if account is None:
                raise
    tied = store.desk_of_account(account.subject)
    if tied not in (None, desk_id):
        raise Conflict("error.desk_account_taken", code="desk_account_taken", details={"desk_id": tied})
    if DESK_GROUP not in account.groups:
        cognito.add_to_group(account, DESK_GROUP)
    if tied is None:
        act = Act(actor_of(caller), "desk.account_add", f"desk:{desk_id}", after={"subject": account.subject})
        try:
            record([store.account_write(account.subject, desk_id, keys.iso(stored_now()))], act)
        except WriteRefused as refused:
            if not refused.refused("desk_account"):
                raise  # refused: tied meanwhile by a concurrent request, checked below
            if store.desk_of_account(account.subject) != desk_id:
                raise Conflict("error.desk_account_taken", code="desk_account_taken") from None
    logger.info("desk account ready", extra={"desk_id": desk_id, "invited": invited})
    return DeskAccount(desk_id=desk_id, email=email, subject=account.subject, invited=invited)


def place_of(caller: Caller, location: str | None, vendor: str | None) -> Place | None:
    """Where a desk account's check happens (None: the caller is no desk account at all). A desk account
    short of the group or the tie, a disabled desk, a vendor other than the desk's or a location not its own
    is refused."""
    desk = _desk_of(caller)
    return None if desk is None else place_at(desk, location, vendor)


def checking_place(caller: Caller, location: str | None, vendor: str | None) -> Place:
    """Where the caller checks codes and passes: staff with the vouchers scope and HR where they say; a desk
    account at its desk. Anyone else may not check them."""
    if caller.has_scope(STAFF_SCOPE) or _hr_admin(caller):
        return Place(location=location, vendor=vendor, by=caller.employee_id or caller.subject)
    place = place_of(caller, location, vendor)
    if place is None:
        raise Forbidden("error.vouchers_scope_needed", code="forbidden")
    return place


def _hr_admin(caller: Caller) -> bool:
    if caller.has_role(Role.HR_ADMIN):
        return True
    return bool(caller.employee_id) and snapshots.load(employees=[caller.employee_id]).identify(
        caller
    ).has_role(Role.HR_ADMIN)


def own_desk(caller: Caller) -> Desk:
    """GET /v1/me/desk: the desk a desk account works at (its vendor and the locations to pick from)."""
    desk = _desk_of(caller)
    if desk is None:
        raise Forbidden("error.desk_role_needed", code="desk_role_needed")
    return desk


def follow_desk(desk: Desk, *, actor: str, dry_run: bool = False) -> list[str]:
    """Make the desk's accounts enabled as the desk is active (disabled ones signed out everywhere); the
    subjects changed (in a dry run: to change), the change an act in the trail. A pool failure is left for
    `plaudit accounts sync` (the desk's status already stops its checks)."""
    if cognito.pool_id() is None:
        return []
    enabled = desk.status == "active"
    changed = []
    for subject in store.accounts_of(desk.id):
        try:
            account = cognito.find(subject=subject)
            if account is None or account.enabled == enabled:
                continue
            if not dry_run:
                (cognito.enable if enabled else cognito.disable)(account)
        except POOL_ERRORS as failed:
            deferred(failed, f"desk:{desk.id}")
            continue
        changed.append(subject)
    if changed and not dry_run:
        after = {"enabled": enabled, "subjects": changed}
        record([], Act(actor, "desk.accounts", f"desk:{desk.id}", after=after))
    return changed


def _desk_of(caller: Caller) -> Desk | None:
    """The desk of a caller in the voucher_desk group and tied to a desk; None: neither."""
    in_group = Role.VOUCHER_DESK in caller.token_roles
    desk_id = store.desk_of_account(caller.subject) if caller.subject else None
    if desk_id is None and not in_group:
        return None
    if not in_group:
        raise Forbidden("error.desk_role_needed", code="desk_role_needed")
    desk = store.get_desk(desk_id) if desk_id else None
    if desk is None:
        raise Forbidden("error.desk_not_linked", code="desk_not_linked")
    return desk


def _disables(old: Desk, desk: Desk) -> bool:
    return old.status == "active" and desk.status == "disabled"


def _desk(desk_id: str) -> Desk:
    desk = store.get_desk(desk_id)
    if desk is None:
        raise NotFound("error.desk_not_found", code="desk_not_found")
    return desk


def _require_hr(caller: Caller) -> None:
    require_role(snapshots.load(employees=[caller.employee_id]).identify(caller), Role.HR_ADMIN)
