"""Instant perks' passes: what a person shows at a desk to use an `instant` item on the spot.

A pass is random and single use, and lives about a minute, so a photo of it is worthless: a long token for
the console's QR and a short code (8 characters, `7KQ4-M9TX`) to type from Slack's App Home, both naming
the same pass. Only their SHA-256 is stored (with a TTL), so the table holds nothing that could be shown at
a desk. Pure rules, no AWS.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import Field

from plaudit.domain.desks import Place
from plaudit.domain.errors import Conflict, RuleViolation
from plaudit.domain.ids import fingerprint
from plaudit.domain.model import Model
from plaudit.domain.voucher_codes import ALPHABET, canonical

LIFETIME = timedelta(seconds=60)
QR_MARK = "PASS"  # what a token starts with (a code is 8 characters)
TOKEN_CHARS = 24  # 31**24 > 2**118
CODE_CHARS = 8  # 31**8 > 2**39: typed within a minute, used once
ENTROPY_BYTES = 24


class Pass(Model):
    """A pass as stored under each of its two hashes (token's and code's)."""

    pass_id: str
    employee_id: str
    item_id: str
    item_name: str
    denomination: Decimal | None = None
    currency: str
    points: int = Field(description="Its price when the pass was made (confirming prices it again)")
    expires_at: datetime
    status: str = Field(description="issued, or used once confirmed")
    redemption_id: str
    used_by: str | None = None
    used_at: datetime | None = None


def _chars(number: int, count: int) -> str:
    out = []
    for _ in range(count):
        number, digit = divmod(number, len(ALPHABET))
        out.append(ALPHABET[digit])
    return "".join(out)


def make_secrets(entropy: bytes) -> tuple[str, str]:
    """A new pass's token (for the QR) and code (to type), from ENTROPY_BYTES random bytes."""
    if len(entropy) < ENTROPY_BYTES:
        raise ValueError(f"a pass needs {ENTROPY_BYTES} bytes of entropy")
    token = f"{QR_MARK}-{_chars(int.from_bytes(entropy[:16], 'big'), TOKEN_CHARS)}"
    code = _chars(int.from_bytes(entropy[16:24], "big"), CODE_CHARS)
    return token, f"{code[:4]}-{code[4:]}"


def secret_hash(text: str) -> str | None:
    """What a token or code is stored under (None: it has the shape of neither, so no pass has it)."""
    chars = canonical(text)
    token = chars.startswith(QR_MARK) and len(chars) == len(QR_MARK) + TOKEN_CHARS
    code = len(chars) == CODE_CHARS
    if not (token or code) or any(char not in ALPHABET for char in chars.removeprefix(QR_MARK)):
        return None
    return fingerprint(f"pass|{chars}".encode())


def check_usable(
    found: Pass, at: datetime, place: Place, rules_vendors: list[str], rules_locations: list[str]
) -> None:
    """Refuse a pass that cannot be used here and now: used already, expired, or for an item limited to other
    vendors or locations than the checking desk's."""
    if found.status == "used":
        raise Conflict("error.pass_used", code="pass_used")
    if at >= found.expires_at:
        raise RuleViolation("error.pass_expired", code="pass_expired")
    _check_limit(rules_vendors, place.vendor, "vendor")
    _check_limit(rules_locations, place.location, "location")


def _check_limit(allowed: list[str], given: str | None, what: str) -> None:
    if allowed and (given is None or given.casefold() not in {value.casefold() for value in allowed}):
        raise RuleViolation(
            "error.pass_valid_only_at",
            code=f"pass_wrong_{what}",
            allowed=allowed,
            details={f"{what}s": allowed},
        )
