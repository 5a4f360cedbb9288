"""JSON Merge Patch (RFC 7396): how a PATCH document changes a JSON document."""

from typing import Any


def merge_patch(target: Any, patch: Any) -> Any:
    """`target` with `patch` applied: an object merges key by key (recursively), `null` removes the key,
    anything else (arrays included) replaces the value whole. Neither argument is modified."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged
