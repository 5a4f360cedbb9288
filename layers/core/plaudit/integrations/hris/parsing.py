"""Webhook bodies to models, with Plaudit's error codes: malformed JSON is a 400, a body that is JSON but
not the documented shape a 422 that names the offending fields."""

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from plaudit.domain.errors import InvalidRequest, RuleViolation

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_body(model: type[ModelT], body: bytes) -> ModelT:
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        problems = error.errors(include_url=False, include_input=False)
        if any(problem["type"] == "json_invalid" for problem in problems):
            raise InvalidRequest("The request body is not valid JSON.", code="malformed_json") from None
        raise invalid_payload(problems) from None


def invalid_payload(problems: list) -> RuleViolation:
    fields = [
        {"field": ".".join(str(part) for part in problem.get("loc", ())), "problem": problem.get("msg", "")}
        for problem in problems
    ]
    summary = "; ".join(f"{field['field']}: {field['problem']}" for field in fields[:3])
    return RuleViolation(
        f"The webhook payload is not valid: {summary}.", code="invalid_payload", details={"errors": fields}
    )
