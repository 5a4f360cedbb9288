"""Sentences the Slack front end says in more than one place (issue 10 moves every text into message
catalogues; until then, one place per sentence)."""

NOT_IN_DIRECTORY = "You are not in the Plaudit directory yet; ask HR to add you."
FAILED = "Something went wrong on our side. Check `/kudos balance` before you try again."
NOT_A_PERSON = "cannot get kudos: not in the Plaudit directory (bots and guests cannot take part)."


def points(count: int) -> str:
    """`1 point`, `2 points`, `1,000 points`."""
    return f"{count:,} point" if count == 1 else f"{count:,} points"
