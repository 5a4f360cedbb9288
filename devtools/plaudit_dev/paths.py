"""Where the repository and the local stack's state live."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"


def state_dir() -> Path:
    """The local stack's state directory (`.plaudit/` in the repo, or $PLAUDIT_STATE_DIR), created on demand.

    It holds a `.gitignore` of its own so nothing in it is ever committed.
    """
    path = Path(os.environ.get("PLAUDIT_STATE_DIR") or REPO_ROOT / ".plaudit")
    path.mkdir(parents=True, exist_ok=True)
    ignore = path / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return path
