"""Sentences the Slack front end says in more than one place (issue 10 moves every text into message
catalogues; until then, one place per sentence)."""

from typing import Any

from plaudit.domain.wording import points

NOT_IN_DIRECTORY = "You are not in the Plaudit directory yet; ask HR to add you."
FAILED = "Something went wrong on our side. Check `/kudos balance` before you try again."
NOT_A_PERSON = "cannot get kudos: not in the Plaudit directory (bots and guests cannot take part)."


def kudos_problem(
    field: str, *, min_points: int, max_points: int, max_message: int, max_values: int, max_recipients: int
) -> str:
    """What was wrong with the kudos' `field`, as a sentence (not the request model's words)."""
    return {
        "points": f"Give each person between {min_points:,} and {points(max_points)}.",
        "message": f"Keep the message under {max_message:,} characters.",
        "values": f"Tag at most {max_values} company values, like #teamwork.",
        "recipient_ids": f"Thank at most {max_recipients} people at once.",
    }.get(field, "That kudos could not be read; check it against the example.")


def field_problem(error_type: str, limits: dict[str, Any], fallback: str) -> str:
    """What a request model refused in a form field, in words: from the error's type and its limits
    (pydantic's `type` and `ctx`); `fallback` for anything else."""
    sentences = {
        "string_too_long": "Keep it to {max_length:,} characters.",
        "string_too_short": "Fill this in.",
        "too_long": "At most {max_length:,} entries.",
        "less_than_equal": "At most {le:,}.",
        "greater_than_equal": "At least {ge:,}.",
        "greater_than": "More than {gt:,}.",
        "decimal_max_places": "Use at most {decimal_places} decimals, like 12.50.",
    }
    try:
        return sentences[error_type].format(**limits)
    except (KeyError, ValueError):
        return fallback
