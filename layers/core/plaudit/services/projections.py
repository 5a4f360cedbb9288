"""Read models kept up to date from the domain table's stream."""

from typing import Any

from plaudit.store.reactions import is_undone
from plaudit.store.recognitions import from_stream_image, project_to_feed, remove_from_feed


def project_record(event_name: str, new_image: dict[str, Any] | None) -> bool:
    """Index a newly given kudos in the feeds, and take a reaction's kudos out of them once the reaction
    was taken back (its points went back, so it no longer shows in feeds or App Home). Returns whether the
    record was one to project."""
    recognition = from_stream_image(new_image) if new_image else None
    if recognition is None or new_image is None:
        return False
    if event_name == "INSERT":
        project_to_feed(recognition)
        return True
    if event_name == "MODIFY" and is_undone(new_image):  # (an attribute of the item, in any encoding)
        remove_from_feed(recognition)
        return True
    return False
