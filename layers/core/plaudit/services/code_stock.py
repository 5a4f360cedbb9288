"""HR uploads the codes a code_stock item hands out (CSV, one code per row, first column): each is
encrypted on arrival and de-duplicated by its keyed hash against every code ever uploaded. The answer holds
counts, never a code."""

import csv
import io
from datetime import datetime

from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.catalog import FulfilmentMethod
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, InvalidRequest, RuleViolation
from plaudit.domain.model import Model
from plaudit.domain.voucher_codes import canonical
from plaudit.integrations import voucher_crypto
from plaudit.integrations.rewards.code_stock import DEFAULT_ALERT_BELOW, crypto_context
from plaudit.services import catalog
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import code_stock as store
from plaudit.store import keys, snapshots
from plaudit.store.reads import get_one
from plaudit.store.transact import WriteRefused

MAX_CODES = 1000  # per upload: each code is one KMS call
MAX_CODE_LENGTH = 128
HEADERS = {"code", "codes", "voucher_code"}
CODES_PER_TRANSACTION = 49  # two items each, the counter and the trail's entry: DynamoDB's 100
LOOKUP_BATCH = 100


class StockUpload(Model):
    item_id: str
    received: int = Field(description="Codes in the upload (blank rows and a header row not counted)")
    added: int = Field(description="New codes now in stock")
    duplicates: int = Field(description="Codes uploaded before (to any item) or repeated in this upload")
    available: int = Field(description="Codes in stock for the item now")
    alert_below: int = Field(
        description="HR is alerted when fewer codes than this remain (set by an upload that adds codes)"
    )


def upload_codes(caller: Caller, item_id: str, body: str, *, alert_below: int | None = None) -> StockUpload:
    people = [caller.employee_id] if caller.employee_id else []
    require_role(snapshots.load(employees=people).identify(caller), Role.HR_ADMIN)
    item = catalog.get_item(item_id)
    if item.fulfilment != FulfilmentMethod.CODE_STOCK:
        raise RuleViolation(
            "error.not_code_stock",
            code="not_code_stock",
            details={"fulfilment": item.fulfilment.value},
        )
    codes = parse_codes(body)
    by_hash: dict[str, str] = {}
    earlier: dict[str, list[str]] = {}  # under the hash keys before a rotation: seen then, seen still
    for code in codes:
        current, *previous = voucher_crypto.code_hashes(canonical(code))
        by_hash.setdefault(current, code)
        earlier.setdefault(current, previous)
    fresh = _not_seen(earlier)
    at = now()
    added = 0
    for start in range(0, len(fresh), CODES_PER_TRANSACTION):
        batch = {h: by_hash[h] for h in fresh[start : start + CODES_PER_TRANSACTION]}
        added += _store(actor_of(caller), item_id, batch, at, alert_below)
    counter = get_one(keys.stock_count(item_id)) or {}
    return StockUpload(
        item_id=item_id,
        received=len(codes),
        added=added,
        duplicates=len(codes) - added,
        available=int(counter.get("available", 0)),
        alert_below=int(counter.get("alert_below", DEFAULT_ALERT_BELOW)),
    )


def parse_codes(body: str) -> list[str]:
    """The first column of each non-blank row, trimmed; a first row reading `code` is a header."""
    codes: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(body)), start=1):
        cell = row[0].strip() if row else ""
        if not cell or (number == 1 and cell.casefold() in HEADERS):
            continue
        if len(cell) > MAX_CODE_LENGTH or not cell.isprintable():
            raise InvalidRequest(
                "error.invalid_code_row",
                code="invalid_code",
                row=number,
                max_length=MAX_CODE_LENGTH,
                details={"row": number},
            )
        codes.append(cell)
        if len(codes) > MAX_CODES:
            raise InvalidRequest(
                "error.too_many_codes",
                code="too_many_codes",
                max=MAX_CODES,
                details={"max": MAX_CODES},
            )
    if not codes:
        raise InvalidRequest("error.no_codes", code="no_codes")
    return codes


def _not_seen(hashes: dict[str, list[str]]) -> list[str]:
    """The current hashes of the codes never uploaded, under this hash key or an earlier one."""
    every = [code_hash for current, previous in hashes.items() for code_hash in (current, *previous)]
    seen: set[str] = set()
    for start in range(0, len(every), LOOKUP_BATCH):
        seen |= store.seen_hashes(every[start : start + LOOKUP_BATCH])
    return [current for current, previous in hashes.items() if seen.isdisjoint((current, *previous))]


def _store(actor: str, item_id: str, codes: dict[str, str], at: datetime, alert_below: int | None) -> int:
    """Encrypt and store one transaction's codes; a code another upload stored meanwhile is left out. The
    trail records how many codes and for which item, never a code."""
    encrypted = [
        (code_hash, voucher_crypto.encrypt(code, crypto_context(item_id)))
        for code_hash, code in codes.items()
    ]
    for _ in attempts():
        if not encrypted:
            return 0
        act = Act(
            actor,
            "catalog_item.codes_upload",
            f"catalog_item:{item_id}",
            after={"codes_added": len(encrypted), "alert_below": alert_below},
        )
        try:
            record(store.upload_writes(item_id, encrypted, at, alert_below), act)
            return len(encrypted)
        except WriteRefused as refused:
            taken = [code_hash for code_hash, _ in encrypted if refused.refused(f"seen:{code_hash}")]
            if not taken and not refused.contended:
                raise
            encrypted = [pair for pair in encrypted if pair[0] not in taken]
    raise Conflict("error.concurrent_uploads", code="concurrent_update")
