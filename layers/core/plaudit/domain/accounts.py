"""What a person's sign-in account should look like, given their directory entry: the steps from the account
as it is to the account as the directory says (pure; plaudit.services.accounts carries them out).

An active person has an enabled account, linked to their directory entry (its `sub`, so their access
tokens find them), with their email (verified) and their language (`locale`, which the pool's emails speak),
in the groups of their roles; a departed person's account is disabled (and signed out
everywhere); bots have none. A person linked already (to this account, or on first sign-in to another
identity) keeps their link. Only the groups that mirror directory roles are
managed: a group given by hand for another purpose (`voucher_desk`) is left alone."""

from typing import Literal

from plaudit.domain.employees import Employee, Role
from plaudit.domain.model import Model

GROUP_OF_ROLE = {
    Role.MANAGER: "manager",
    Role.HR_ADMIN: "hr_admin",
    Role.FINANCE: "finance",
    Role.ADMIN: "admin",
}
MANAGED_GROUPS = frozenset(GROUP_OF_ROLE.values())

StepAction = Literal[
    "invite", "link", "enable", "disable", "set_email", "set_locale", "add_group", "remove_group"
]


class AccountStep(Model):
    action: StepAction
    group: str | None = None

    def __str__(self) -> str:
        return f"{self.action} {self.group}" if self.group else self.action


class AccountState(Model):
    """An existing account as the pool has it."""

    enabled: bool
    groups: frozenset[str]
    email: str | None = None
    locale: str | None = None


def wanted_groups(person: Employee) -> frozenset[str]:
    return frozenset(GROUP_OF_ROLE[role] for role in person.roles if role in GROUP_OF_ROLE)


def steps_for(person: Employee, account: AccountState | None, *, linked: bool) -> list[AccountStep]:
    """The steps that make `account` (None: there is none) what `person`'s entry says; [] when it is.
    `linked`: whether the entry is linked to an identity already."""
    if person.is_bot or (account is None and not person.active):
        return []
    if not person.active:
        return [AccountStep(action="disable")] if account and account.enabled else []
    steps = []
    if account is None:
        steps.append(AccountStep(action="invite"))
    elif not account.enabled:
        steps.append(AccountStep(action="enable"))
    if not linked:
        steps.append(AccountStep(action="link"))
    if account is not None and account.email != person.email:
        steps.append(AccountStep(action="set_email"))
    if account is not None and person.locale is not None and account.locale != person.locale:
        steps.append(AccountStep(action="set_locale"))  # unset: the invitation's language stays
    have = account.groups & MANAGED_GROUPS if account else frozenset()
    want = wanted_groups(person)
    steps += [AccountStep(action="add_group", group=group) for group in sorted(want - have)]
    steps += [AccountStep(action="remove_group", group=group) for group in sorted(have - want)]
    return steps
