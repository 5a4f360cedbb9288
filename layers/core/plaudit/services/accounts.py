"""Sign-in accounts follow the directory (`plaudit accounts sync`, and the HRIS worker after each change).

A new active person is invited to the user pool (their email, verified; Cognito emails the invitation) and
the account's `sub` is linked to their entry (plaudit.services.sign_in), so their access tokens find them;
a departed person's account is disabled and signed out everywhere; a returning person's is enabled again;
the groups that mirror roles (manager, hr_admin, finance, admin) follow the directory's roles. An account
that exists already (made by hand, or by an earlier run that stopped halfway) is found by the person's
linked subject, else by their email, and kept, never duplicated; a person linked already (on first sign-in)
keeps their link. Idempotent: a rerun finds nothing to do. Every change is an act in the administrative
trail (`account.sync`, by the actor that asked: the HRIS source or the operator's CLI; the link is its own
`employee.account_link`).

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
from plaudit.services import sign_in
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


def configured() -> bool:
    return cognito.pool_id() is not None


def follow(person: Employee, *, actor: str) -> AccountChange | None:
    """After a directory change (HRIS, the scheduled terminations): the person's account follows their
    entry. None without a user pool."""
    if not configured():
        return None
    return sync_person(person, actor=actor)


def sync_person(person: Employee, *, actor: str, dry_run: bool = False) -> AccountChange:
    """Bring `person`'s account in line with their entry (in a dry run: only say how)."""
    _, subject = account_store.account_of(person.id)
    account = cognito.find(subject=subject, email=person.email)
    state = AccountState(enabled=account.enabled, groups=account.groups) if account else None
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
            return SyncReport(changed=changed, unchanged=done - len(changed), dry_run=dry_run)


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
