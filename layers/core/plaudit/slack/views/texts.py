"""Sentences the Slack front end says in more than one place, from the message catalogues."""

from plaudit.i18n import Messages


def kudos_problem(
    m: Messages,
    field: str,
    *,
    min_points: int,
    max_points: int,
    max_message: int,
    max_values: int,
    max_recipients: int,
) -> str:
    """What was wrong with the kudos' `field`, as a sentence (not the request model's words)."""
    if field == "points":
        return m.text("kudos.problem.points", min=m.number(min_points), max=m.points(max_points))
    if field == "message":
        return m.plural("kudos.problem.message", max_message)
    if field == "values":
        return m.plural("kudos.problem.values", max_values)
    if field == "recipient_ids":
        return m.plural("kudos.problem.recipients", max_recipients)
    return m.text("kudos.problem.unreadable")


def sentence(problem: str) -> str:
    """A field's problem as the API says it ("must be 3,650 or less") made a sentence for under a form
    field ("Must be 3,650 or less.")."""
    text = problem.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!", "؟")) else text + "."
