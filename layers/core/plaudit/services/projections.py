"""Read models kept up to date from the domain table's stream."""

from typing import Any

from plaudit.store.recognitions import from_stream_image, project_to_feed


def project_record(event_name: str, new_image: dict[str, Any] | None) -> bool:
    """Index a newly given kudos in the feeds. Returns whether the record was one to project."""
    if event_name != "INSERT" or not new_image:
        return False
    recognition = from_stream_image(new_image)
    if recognition is None:
        return False
    project_to_feed(recognition)
    return True
