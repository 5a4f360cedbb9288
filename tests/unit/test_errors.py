"""Domain errors carry an HTTP status hint, a machine-readable code, details, and a catalogue key with
its values: said in any language, numbers, dates, points and field problems included."""

from datetime import date

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from plaudit.domain.errors import (
    Conflict,
    Forbidden,
    InternalError,
    InvalidRequest,
    Money,
    NotFound,
    Phrase,
    PlauditError,
    Points,
    RuleViolation,
    Throttled,
    Unauthenticated,
)
from plaudit.domain.problems import invalid, problems_from


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
        (InternalError, 500, "internal_error"),
    ],
)
def test_defaults(error, status, code):
    raised = error("error.no_codes")
    assert isinstance(raised, PlauditError)
    assert (raised.status, raised.code, raised.key, raised.details) == (status, code, "error.no_codes", {})
    assert raised.message == "The upload holds no codes: send CSV with one code per row."
    assert str(raised) == raised.message


def test_code_and_details_override_per_instance():
    raised = RuleViolation("error.self_recognition", code="self_recognition", details={"id": "E1"})
    assert (raised.status, raised.code, raised.details) == (422, "self_recognition", {"id": "E1"})
    assert RuleViolation("error.self_recognition").code == "rule_violation"  # the class default is untouched


def test_the_message_is_said_in_each_language_with_its_values_written_the_languages_way():
    refused = RuleViolation(
        "error.insufficient_allowance", code="insufficient_allowance", total=Points(1200), available=Points(1)
    )
    assert (
        refused.message_in("en") == "That needs 1,200 points but you have 1 point left to give this period."
    )
    assert refused.message_in("it") == "Servono 1.200 punti ma in questo periodo ti restano 1 punto da dare."
    assert refused.message_in("fr") == (
        "Il faut 1\u202f200 points mais il vous reste 1 point à donner pour cette période."
    )
    assert refused.message_in("ar") == "يتطلب ذلك 1,200 نقطة لكن المتبقي لديك للمنح في هذه الفترة نقطة واحدة."


def test_dates_money_lists_and_phrases_are_values_too():
    expired = RuleViolation("error.voucher_expired", day=date(2026, 3, 1))
    assert expired.message_in("en") == "This voucher expired on March 1, 2026."
    assert expired.message_in("fr") == "Ce bon a expiré le 1 mars 2026."
    missing = RuleViolation("error.item_denomination_missing", item="Lunch", amount=Money("60", "EUR"))
    assert missing.message_in("it") == "Lunch non è disponibile da 60,00\xa0€."
    limited = RuleViolation(
        "error.per_person_limit", times=Phrase("times", count=2), period=Phrase("period.month")
    )
    assert limited.message_in("en") == "You can redeem this item 2 times per month."
    assert limited.message_in("ar") == "يمكنك استبدال هذا العنصر مرتين في كل شهر."
    unknown = RuleViolation("error.unknown_recipients", ids=["E1", "E2"])
    assert unknown.message_in("fr") == "Absents de l'annuaire : E1, E2."


class _Person(BaseModel):
    name: str
    points: int
    birthday: str

    @field_validator("birthday")
    @classmethod
    def _month_day(cls, value: str) -> str:
        if len(value) != 5:
            raise invalid("problem.birthday_format")
        return value


def test_field_problems_are_said_per_field_in_the_language_and_summarised_in_the_message():
    with pytest.raises(ValidationError) as raised:
        _Person.model_validate({"points": "many", "birthday": "1990-01-01"})
    problems = problems_from(raised.value.errors())
    assert [(p.field, p.key) for p in problems] == [
        ("name", "problem.missing"),
        ("points", "problem.not_whole_number"),
        ("birthday", "problem.birthday_format"),
    ]
    error = RuleViolation("error.invalid_request", code="invalid_request", problems=problems)
    assert error.details_in("it") == {
        "errors": [
            {"field": "name", "problem": "è obbligatorio"},
            {"field": "points", "problem": "deve essere un numero intero"},
            {"field": "birthday", "problem": "deve essere mese e giorno, MM-DD"},
        ]
    }
    assert error.message_in("fr") == (
        "La requête n'est pas valide : name : est obligatoire; points : doit être un nombre entier; "
        "birthday : doit être un mois et un jour, MM-DD."
    )
    assert "must be a month and day, MM-DD" in str(raised.value)  # pydantic's own message is English


def test_bounds_and_choices_keep_their_values():
    class Shape(BaseModel):
        size: int
        kind: str

    errors = [
        {"type": "less_than_equal", "loc": ("body", "size"), "ctx": {"le": 1000}},
        {"type": "literal_error", "loc": ("body", "kind"), "ctx": {"expected": "'a', 'b' or 'c'"}},
        {"type": "something_new", "loc": ("body", "x")},
    ]
    said = RuleViolation("error.invalid_request", problems=problems_from(errors)).details_in("en")["errors"]
    assert said == [
        {"field": "body.size", "problem": "must be 1,000 or less"},
        {"field": "body.kind", "problem": "must be one of: a, b, c"},
        {"field": "body.x", "problem": "is not valid"},
    ]
