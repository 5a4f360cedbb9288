"""README's links work in a clone: every relative link names a file of the repository, and every anchor a
heading of the page it points into."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", markdown, flags=re.S), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def test_every_relative_link_and_anchor_of_the_readme_resolves() -> None:
    readme = (ROOT / "README.md").read_text()
    targets = [t for t in LINK.findall(readme) if not re.match(r"(https?|mailto):", t)]
    assert targets, "the README links to nothing?"
    for target in targets:
        path, _, anchor = target.partition("#")
        page = (ROOT / path) if path else ROOT / "README.md"
        assert page.resolve().is_relative_to(ROOT), f"{target} points outside the repository"
        assert page.exists(), f"{target}: no such file"
        if anchor:
            assert anchor in anchors(page.read_text()), f"{target}: no such heading"
