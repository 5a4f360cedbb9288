"""A layer-like import path: only what CoreLayer ships, linked from .venv.

In Lambda a function imports from its code (/var/task), the layer (/opt/python: `plaudit` and the
dependency closure of layers/core/requirements.txt) and the runtime's standard library. The dev venv holds
far more, and some of it is imported opportunistically at boto3 import time when present (awscrt by
botocore, pyOpenSSL and cryptography by botocore.httpsession), while its `.pth` files (the editable install's
finder) run at every interpreter start. Cold-start processes therefore run with `python -S` (no site, no
.pth, no site-packages) and PYTHONPATH = function code, layers/core and a directory of symlinks to the
distributions of that closure, resolved from the installed metadata. Nothing is installed or downloaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

REQUIREMENTS = Path(__file__).resolve().parents[1] / "layers" / "core" / "requirements.txt"
_SKIP = (".dist-info", ".data", ".pth", "__pycache__", "..")


def layer_requirements() -> list[Requirement]:
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    return [Requirement(line.split("#", 1)[0].strip()) for line in lines if line.split("#", 1)[0].strip()]


def closure(requirements: list[Requirement]) -> dict[str, metadata.Distribution]:
    """The installed distributions the requirements pull in (with their extras), by normalised name."""
    found: dict[str, metadata.Distribution] = {}
    pending = [(req, frozenset(req.extras)) for req in requirements]
    while pending:
        requirement, extras = pending.pop()
        name = _normalise(requirement.name)
        if name in found:
            continue
        dist = metadata.distribution(requirement.name)
        found[name] = dist
        for text in dist.requires or []:
            dependency = Requirement(text)
            if dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            ):
                pending.append((dependency, frozenset(dependency.extras)))
    return found


def _top_level(dist: metadata.Distribution) -> Iterator[str]:
    seen = set()
    for path in dist.files or []:
        first = path.parts[0]
        if (
            first.endswith(_SKIP)
            or first in seen
            or (len(path.parts) == 1 and path.suffix not in (".py", ".so"))
        ):
            continue
        seen.add(first)
        yield first


def build(destination: Path) -> list[str]:
    """Link the closure's top-level packages and modules into `destination`; returns 'name version's."""
    destination.mkdir(parents=True, exist_ok=True)
    dists = closure(layer_requirements())
    for dist in dists.values():
        root = Path(str(dist.locate_file("")))
        for name in _top_level(dist):
            link = destination / name
            if not link.exists():
                os.symlink(root / name, link)
    return sorted(f"{dist.metadata['Name']} {dist.version}" for dist in dists.values())


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
