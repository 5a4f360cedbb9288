"""How amounts read in sentences, for every front end (issue 10 moves sentences into message catalogues,
with their plural rules)."""


def points(count: int) -> str:
    """`1 point`, `2 points`, `1,000 points`."""
    return f"{count:,} point" if count == 1 else f"{count:,} points"
