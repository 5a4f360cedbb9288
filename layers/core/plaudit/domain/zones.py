"""IANA time zone names, validated the same way everywhere."""

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator

from plaudit.domain.problems import invalid


def known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    # OSError: names too long for the file system, or a directory such as "America" before Python 3.13
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise invalid("problem.time_zone", zone=value[:64]) from error
    return value


TimeZone = Annotated[str, AfterValidator(known_zone)]
