"""Who is calling, and what they may see or change."""

from dataclasses import dataclass, field

from plaudit.domain.employees import Employee, Role
from plaudit.domain.errors import Forbidden

HRIS_SCOPE = "hris"


@dataclass(frozen=True)
class Caller:
    """The authenticated principal: an employee (by id) and/or an integration client with scopes."""

    employee_id: str | None
    token_roles: frozenset[Role] = frozenset()
    scopes: frozenset[str] = frozenset()
    subject: str = ""
    email: str | None = None  # the token's email claim, when that is how the person was found
    profile: Employee | None = field(default=None, compare=False)

    def with_profile(self, profile: Employee | None) -> "Caller":
        """Attach the directory entry. One whose email no longer matches the token's is not this caller
        (the address was reassigned since an id was cached for it)."""
        if profile is not None and self.email is not None and profile.email != self.email:
            profile = None
        return Caller(self.employee_id, self.token_roles, self.scopes, self.subject, self.email, profile)

    @property
    def roles(self) -> frozenset[Role]:
        """Roles the identity provider asserts plus those the directory grants; none once deactivated."""
        if self.profile is None:
            return self.token_roles
        return self.token_roles | frozenset(self.profile.roles) if self.profile.active else frozenset()

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles)) or Role.ADMIN in self.roles

    def has_scope(self, scope: str) -> bool:
        """Scopes match by last segment: `plaudit/hris` and `https://api.example.com/hris` grant `hris`."""
        return any(granted.rsplit("/", 1)[-1] == scope for granted in self.scopes)

    @property
    def is_person(self) -> bool:
        return self.profile is not None

    def manages(self, employee: Employee) -> bool:
        """A direct manager who is still active."""
        return self.profile is not None and self.profile.active and employee.manager_id == self.profile.id


SYSTEM = Caller(employee_id=None, token_roles=frozenset({Role.ADMIN}), subject="plaudit-system")
"""Plaudit acting on its own behalf: the schedule, queue workers and the operator's CLI."""


def require_role(caller: Caller, *roles: Role) -> None:
    if not caller.has_role(*roles):
        raise Forbidden("error.role_needed", code="forbidden", roles=[role.value for role in roles])


def can_see_employee_private(caller: Caller, employee: Employee) -> bool:
    """Own record, one's direct reports, HR and integrations with the hris scope."""
    return (
        (caller.is_person and caller.employee_id == employee.id)
        or caller.manages(employee)
        or caller.has_role(Role.HR_ADMIN)
        or caller.has_scope(HRIS_SCOPE)
    )


def require_wallet_access(caller: Caller, employee: Employee) -> None:
    """People read their own wallet and ledger, managers their reports', HR and finance everyone's."""
    if caller.is_person and caller.employee_id == employee.id:
        return
    if caller.manages(employee) or caller.has_role(Role.HR_ADMIN, Role.FINANCE):
        return
    if not caller.is_person and not caller.scopes:  # a person's token, but not a person we know
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    raise Forbidden("error.own_wallet_only", code="forbidden")
