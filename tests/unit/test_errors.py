"""Domain errors carry an HTTP status hint, a machine-readable code and details."""

import pytest

from plaudit.domain.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    PlauditError,
    RuleViolation,
    Throttled,
    Unauthenticated,
)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (PlauditError, 400, "bad_request"),
        (InvalidRequest, 400, "invalid_request"),
        (Unauthenticated, 401, "unauthenticated"),
        (Forbidden, 403, "forbidden"),
        (NotFound, 404, "not_found"),
        (Conflict, 409, "conflict"),
        (RuleViolation, 422, "rule_violation"),
        (Throttled, 429, "throttled"),
    ],
)
def test_defaults(error, status, code):
    raised = error("Something is off.")
    assert isinstance(raised, PlauditError)
    assert (raised.status, raised.code, raised.message, raised.details) == (
        status,
        code,
        "Something is off.",
        {},
    )
    assert str(raised) == "Something is off."


def test_code_and_details_override_per_instance():
    raised = RuleViolation("No.", code="self_recognition", details={"id": "E1"})
    assert (raised.status, raised.code, raised.details) == (422, "self_recognition", {"id": "E1"})
    assert RuleViolation("Again.").code == "rule_violation"  # the class default is untouched
