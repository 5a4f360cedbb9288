"""Sign-in accounts follow the directory (`plaudit accounts sync`, and the HRIS worker after each change).

A new active person is invited to the user pool (their email, verified; Cognito emails the invitation) and
the account's `sub` is linked to their entry (plaudit.services.sign_in), so their access tokens find them;
a departed person's account is disabled and signed out everywhere; a returning person's is enabled again;
a changed email or language is the account's at once (email verified); the groups that mirror roles
(manager, hr_admin, finance, admin) follow the directory's roles. REST changes to the directory reach the
pool at once too (`follow_now`); where the pool fails then, the request still succeeds and the next
`plaudit accounts sync` repairs the account (plaudit.services.pool_repairs), as it does every drift.
An account that exists already (made by hand, or by an earlier run that stopped halfway) is found by the
person's linked subject, else by their email, and kept, never duplicated; a person linked already (on first
sign-in) keeps their link. Idempotent: a rerun finds nothing to do. Every change is an act in the
administrative trail (`account.sync`, by the actor that asked: the HRIS source or the operator's CLI; the
link is its own `employee.account_link`).

The sync also brings desk accounts in line with their desk (enabled while it is active; plaudit.services.
desks).

Without a user pool (USER_POOL_ID unset: the company's own issuer) there are no accounts to keep.
"""

from collections.abc import Callable

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from plaudit.domain.accounts import AccountState, AccountStep, steps_for
from plaudit.domain.employees import Employee
from plaudit.domain.model import Model
from plaudit.i18n import person_locale
from plaudit.integrations import cognito
from plaudit.services import desks, sign_in
from plaudit.services.pool_repairs import POOL_ERRORS, deferred
from plaudit.services.trail import Act, record
from plaudit.store import accounts as account_store
from plaudit.store import snapshots
from plaudit.store.employees import employee_from, list_employees

logger = Logger(child=True)
PAGE = 100
Progress = Callable[[int, int | None], None]


class AccountChange(Model):
    employee_id: str
    steps: list[AccountStep]


class SyncReport(Model):
    changed: list[AccountChange]  # done, or to do in a dry run
    unchanged: int
    dry_run: bool
    desk_accounts: int = 0  # desk accounts enabled or disabled as their desk is (or to be, in a dry run)


def configured() -> bool:
    return cognito.pool_id() is not None


def follow(person: Employee, *, actor: str, previous_email: str | None = None) -> AccountChange | None:
    """After a directory change (HRIS, the scheduled terminations): the person's account follows their
    entry (`previous_email`: the address it had, when it changed). None without a user pool."""
    if not configured():
        return None
    return sync_person(person, actor=actor, previous_email=previous_email)


def follow_now(person: Employee, *, actor: str, previous_email: str | None = None) -> AccountChange | None:
    """After a REST change to an existing person: their account (if they have one: invitations are the
    sync's and the HRIS worker's) follows it. A pool that fails does not fail the request (logged, counted,
    and left for `plaudit accounts sync`)."""
    if not configured():
        return None
    try:
        return sync_person(person, actor=actor, invite=False, previous_email=previous_email)
    except POOL_ERRORS as failed:
        deferred(failed, f"employee:{person.id}")
        return None


def sync_person(
    person: Employee,
    *,
    actor: str,
    dry_run: bool = False,
    invite: bool = True,
    previous_email: str | None = None,
) -> AccountChange:
    """Bring `person`'s account in line with their entry (in a dry run: only say how; without `invite`,
    a person without an account is left for later). The account is found by the linked subject, else by
    `previous_email` (an address just changed), else by the entry's email."""
    _, subject = account_store.account_of(person.id)
    account = cognito.find(subject=subject, email=previous_email or person.email)
    if account is None and previous_email not in (None, person.email):
        account = cognito.find(email=person.email)
    if account is None and not invite:
        return AccountChange(employee_id=person.id, steps=[])
    state = (
        AccountState(
            enabled=account.enabled, groups=account.groups, email=account.email, locale=account.locale
        )
        if account
        else None
    )
    steps = steps_for(person, state, linked=subject is not None)
    if dry_run or not steps:
        return AccountChange(employee_id=person.id, steps=steps)
    for step in steps:
        if step.action == "invite":
            account = _invite(person)
            continue
        assert account is not None  # every other step is for an account that exists
        if step.action == "link":
            sign_in.link_account(person.id, account.subject, actor=actor)
        elif step.action == "enable":
            cognito.enable(account)
        elif step.action == "disable":
            cognito.disable(account)
        elif step.action == "set_email":
            cognito.update(account, email=person.email)
        elif step.action == "set_locale":
            cognito.update(account, locale=person.locale)
        elif step.action == "add_group":
            cognito.add_to_group(account, str(step.group))
        else:
            cognito.remove_from_group(account, str(step.group))
    said = [str(step) for step in steps]
    act = Act(
        actor,
        "account.sync",
        f"employee:{person.id}",
        before=state.model_dump(mode="json") if state else None,
        after={"steps": said},
    )
    record([], act)
    logger.info("account synced", extra={"employee_id": person.id, "steps": said})
    return AccountChange(employee_id=person.id, steps=steps)


def sync_directory(*, actor: str, dry_run: bool = False, progress: Progress | None = None) -> SyncReport:
    """Every person's account, page by page; `progress(done, total)` after each person (total unknown)."""
    changed: list[AccountChange] = []
    done, cursor = 0, None
    while True:
        page = list_employees(limit=PAGE, cursor=cursor)
        for item in page.items:
            person = employee_from(item)
            if person is None:
                continue
            change = sync_person(person, actor=actor, dry_run=dry_run)
            if change.steps:
                changed.append(change)
            done += 1
            if progress:
                progress(done, None)
        cursor = page.cursor
        if cursor is None:
            break
    desk_accounts = sum(
        len(desks.follow_desk(desk, actor=actor, dry_run=dry_run)) for desk in desks.all_desks()
    )
    return SyncReport(
        changed=changed, unchanged=done - len(changed), dry_run=dry_run, desk_accounts=desk_accounts
    )


def _invite(person: Employee) -> cognito.Account:
    """Invite the person in their language; if the address has an account after all (made meanwhile), that
    one is theirs."""
    default_locale = None if person.locale else snapshots.load(settings=True).settings().default_locale
    try:
        return cognito.invite(
            email=person.email, name=person.name, locale=person_locale(person.locale, default_locale)
        )
    except ClientError as failed:
        if failed.response.get("Error", {}).get("Code") != "UsernameExistsException":
            raise
    found = cognito.find(email=person.email)
    if found is None:
        raise RuntimeError("the pool says the account exists and cannot find it")
    return found
