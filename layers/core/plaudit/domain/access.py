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
    profile: Employee | None = field(default=None, compare=False)

    def with_profile(self, profile: Employee | None) -> "Caller":
        return Caller(self.employee_id, self.token_roles, self.scopes, self.subject, profile)

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


def require_role(caller: Caller, *roles: Role) -> None:
    if not caller.has_role(*roles):
        names = " or ".join(role.value for role in roles)
        raise Forbidden(f"This needs the {names} role.", code="forbidden")


def can_see_employee_private(caller: Caller, employee: Employee) -> bool:
    """Own record, one's direct reports, HR and integrations with the hris scope."""
    return (
        caller.employee_id == employee.id
        or (caller.is_person and employee.manager_id == caller.employee_id)
        or caller.has_role(Role.HR_ADMIN)
        or caller.has_scope(HRIS_SCOPE)
    )


def require_wallet_access(caller: Caller, employee: Employee) -> None:
    """People read their own wallet and ledger, managers their reports', HR and finance everyone's."""
    if caller.employee_id == employee.id and caller.is_person:
        return
    if caller.is_person and employee.manager_id == caller.employee_id:
        return
    if caller.has_role(Role.HR_ADMIN, Role.FINANCE):
        return
    raise Forbidden("You can only see your own wallet or your reports'.", code="forbidden")
