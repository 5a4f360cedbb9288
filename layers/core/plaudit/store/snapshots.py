"""Read everything a decision needs in one BatchGetItem, then hand it out as domain objects."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from plaudit.domain.access import Caller
from plaudit.domain.employees import Employee
from plaudit.domain.recognition import CapCount
from plaudit.domain.seasons import Season
from plaudit.domain.settings import OrgSettings
from plaudit.domain.tiers import Standing
from plaudit.domain.wallets import Wallet
from plaudit.i18n.audience import heard_organisation, heard_person
from plaudit.store import keys
from plaudit.store.employees import employee_from, forget_email
from plaudit.store.ledger import wallet_from
from plaudit.store.reads import get_many
from plaudit.store.seasons import seasons_from
from plaudit.store.settings import settings_from, settings_version
from plaudit.store.tiers import counter_keys, standing_of


class Snapshot:
    def __init__(self, found: dict[keys.Key, dict[str, Any]]):
        self._found = found

    def employee(self, employee_id: str) -> Employee | None:
        return employee_from(self._found.get(keys.employee(employee_id)))

    def identify(self, caller: Caller) -> Caller:
        """The caller with their directory profile (load them with `employees=[caller.employee_id]`).

        A profile whose email is no longer the token's means the cached email -> id mapping is stale:
        the caller is nobody for this request, and the next one looks the address up afresh.
        """
        identified = caller.with_profile(self.employee(caller.employee_id) if caller.employee_id else None)
        if caller.email and caller.employee_id and identified.profile is None:
            forget_email(caller.email)
        if identified.profile is not None:
            heard_person(identified.profile.locale)
        return identified

    def employee_version(self, employee_id: str) -> int:
        return self._found.get(keys.employee(employee_id), {}).get("version", 0)

    def wallet(self, employee_id: str) -> Wallet:
        return wallet_from(self._found.get(keys.wallet(employee_id)), employee_id)

    def settings(self) -> OrgSettings:
        return settings_from(self._found.get(keys.SETTINGS))

    def settings_stored(self) -> bool:
        return keys.SETTINGS in self._found

    def settings_version(self) -> int:
        return settings_version(self._found.get(keys.SETTINGS))

    def seasons(self) -> list[Season]:
        return seasons_from(self._found.get(keys.SEASONS))[0]

    def seasons_item(self) -> dict[str, Any] | None:
        return self._found.get(keys.SEASONS)

    def cap(self, giver_id: str, recipient_id: str) -> CapCount:
        item = self._found.get(keys.recipient_cap(giver_id, recipient_id))
        return CapCount(item.get("period"), item.get("given", 0)) if item else CapCount()

    def recognition_item(self, recognition_id: str) -> dict[str, Any] | None:
        return self._found.get(keys.recognition(recognition_id))

    def budget_item(self, budget_id: str) -> dict[str, Any] | None:
        return self._found.get(keys.budget(budget_id))

    def transaction_item(self, txn_id: str) -> dict[str, Any] | None:
        return self._found.get(keys.transaction(txn_id))

    def add_on_item(self, recognition_id: str, adder_id: str) -> dict[str, Any] | None:
        return self._found.get(keys.add_on(recognition_id, adder_id))

    def first_response_item(self, derived_id: str) -> dict[str, Any] | None:
        return self._found.get(keys.first_response(derived_id))

    def board_row_item(self, side: str, scope: str, period: str, employee_id: str) -> dict[str, Any] | None:
        return self._found.get(keys.board_row(side, scope, period, employee_id))

    def standing(self, employee_id: str, at: datetime) -> Standing | None:
        """The person's tier at `at` (load with `settings=True, tiers=([employee_id], at)`); None when the
        organisation has no tiers."""
        settings = self.settings()
        if not settings.tiers.levels:
            return None
        return standing_of(self._found, settings.tiers, employee_id, at, settings.time_zone)


def load(
    *,
    employees: Iterable[str | None] = (),
    wallets: Iterable[str] = (),
    settings: bool = False,
    caps: tuple[str, Iterable[str]] | None = None,
    recognitions: Iterable[str] = (),
    add_ons: Iterable[tuple[str, str]] = (),
    budgets: Iterable[str] = (),
    transactions: Iterable[str] = (),
    first_responses: Iterable[str] = (),
    board_rows: Iterable[tuple[str, str, str, str]] = (),
    tiers: tuple[Iterable[str], datetime] | None = None,
    seasons: bool = False,
) -> Snapshot:
    wanted: list[keys.Key] = [keys.employee(e) for e in employees if e]
    wanted += [keys.wallet(e) for e in wallets]
    if settings:
        wanted.append(keys.SETTINGS)
    if caps:
        giver_id, recipient_ids = caps
        wanted += [keys.recipient_cap(giver_id, rid) for rid in recipient_ids]
    wanted += [keys.recognition(r) for r in recognitions]
    wanted += [keys.add_on(r, adder) for r, adder in add_ons]
    wanted += [keys.budget(b) for b in budgets]
    wanted += [keys.transaction(t) for t in transactions]
    wanted += [keys.first_response(d) for d in first_responses]
    wanted += [keys.board_row(*row) for row in board_rows]
    if tiers is not None:
        people, at = tiers
        wanted += [key for person in people for key in counter_keys(person, at)]
    if seasons:
        wanted.append(keys.SEASONS)
    snapshot = Snapshot(get_many(wanted) if wanted else {})
    if settings:  # what the organisation speaks, should this request be refused (plaudit.i18n.audience)
        heard_organisation(snapshot.settings().default_locale)
    return snapshot
