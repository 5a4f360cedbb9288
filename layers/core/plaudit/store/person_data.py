"""Everything the table holds about one person, for their export (issue 15 §1), read by section.

- their own partition (`EMP#<id>`): the profile, wallet, ledger postings, per-recipient caps, badges earned,
  streak, tier, sign-in link, leaving and expiry pointers, erasure, and the notices sent to them (those past
  their `expires_at` that the table's TTL has not deleted yet are left out);
- what is indexed by them: redemptions (`REDEMPTIONS#<id>`), vouchers (`VOUCHERS#<id>`, never a code nor
  its ciphertext or hash), milestone awards (the awards index, filtered by them);
- the kudos their ledger names (given, received, added on to, taken back), each with its add-ons;
- the corrections of what was paid to them (their ledger's `correction` lines name each one and its source:
  the award's or the kudos' partition holds it), and of the items given to them (a direct award's
  redemption partition, for those cancelled or whose voucher was);
- the referrals they made (the referrals index, filtered by them) and the one that reported them hired;
- the trail's entries about them: those targeting their entry and those holding their personal values
  (which ride along: they are theirs).

Index items (feeds, counters, boards, headcounts, day indexes, aliases) are derived from the items above
and not exported. Reads are whole queries: the export runs in the background worker.
"""

from datetime import datetime
from typing import Any

from plaudit.store import corrections, keys, notifications
from plaudit.store.reads import query_all

KUDOS_KINDS = frozenset({"kudos", "add_on", "reaction_undo"})
_KEYS = ("PK", "SK", "GSI1PK", "GSI1SK", "correlation_id")
_SECRET = frozenset({"code_ciphertext", "code_hash", "code"})  # a voucher's code never leaves this way
_OWN_TYPES = {
    "employee": "profile",
    "wallet": "wallet",
    "ledger_line": "ledger",
    "recipient_cap": "given_caps",
    "badge_award": "badges",
    "streak": "streak",
    "tier_status": "tier",
    "account": "sign_in",
    "erasure": "erasure",
    notifications.TYPE: "notifications",
}


def sections(employee_id: str, at: datetime) -> dict[str, list[dict[str, Any]]]:
    """The person's data by section name at `at`, each a list of plain items (oldest first where it
    matters)."""
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    for item in _query("PK = :pk", keys.employee(employee_id)[0]):
        section = _OWN_TYPES.get(item.get("type", ""), "other")
        if section == "notifications" and int(item["expires_at"]) <= at.timestamp():
            continue  # expired, not deleted yet: DynamoDB's TTL deletes within days
        found[section].append(_plain(item))
    found["notifications"].sort(key=lambda item: item["sent_at"])
    for section, partition in (
        ("redemptions", keys.redemptions_partition(employee_id)),
        ("vouchers", keys.vouchers_partition(employee_id)),
    ):
        found[section] = [_plain(item) for item in _query("GSI1PK = :pk", partition, index="GSI1")]
    found["awards"] = [
        _plain(item)
        for item in _query("GSI1PK = :pk", keys.AWARDS_PARTITION, index=keys.AWARD_INDEX)
        if item.get("employee_id") == employee_id
    ]
    recognition_ids = dict.fromkeys(
        line["ref"]["recognition_id"]
        for line in found["ledger"]
        if line.get("kind") in KUDOS_KINDS
        and isinstance(line.get("ref"), dict)
        and line["ref"].get("recognition_id")
    )
    for recognition_id in recognition_ids:
        for item in _query("PK = :pk", keys.recognition(recognition_id)[0]):
            if item.get("type") == "recognition":
                role = "kudos_given" if item.get("giver_id") == employee_id else "kudos_received"
                found[role].append(_plain(item))
            elif item.get("type") == "add_on":
                found["add_ons"].append(_plain(item))
    made = corrections.named_by(found["ledger"])
    made += corrections.of_item_awards(found["redemptions"], found["vouchers"])
    found["corrections"] = [_plain(item) for item in sorted(made, key=lambda item: item["at"])]
    referrals = _query("GSI1PK = :pk", keys.REFERRALS_PARTITION, index=keys.REFERRAL_INDEX)
    found["referrals"] = [
        _plain(item) for item in referrals if employee_id in (item.get("referrer_id"), item.get("hire_id"))
    ]
    trail = {
        (item["PK"], item["SK"]): item
        for item in _query("PK = :pk", keys.AUDIT_PARTITION)
        if item.get("target") == f"employee:{employee_id}" or item.get("person") == employee_id
    }
    found["trail"] = [_plain(item) for _, item in sorted(trail.items())]
    return found


SECTIONS = (
    "profile",
    "wallet",
    "ledger",
    "kudos_given",
    "kudos_received",
    "add_ons",
    "awards",
    "corrections",
    "referrals",
    "redemptions",
    "vouchers",
    "badges",
    "streak",
    "tier",
    "given_caps",
    "sign_in",
    "erasure",
    "notifications",
    "trail",
    "other",
)


def _query(condition: str, partition: str, *, index: str | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": {":pk": {"S": partition}},
    }
    if index:
        params["IndexName"] = index
    return list(query_all(params))


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name not in _KEYS and name not in _SECRET}
