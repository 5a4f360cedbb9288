"""Organisation settings item, versioned: each write is conditional on the version it replaces."""

from typing import Any

from plaudit.domain.employees import Role
from plaudit.domain.settings import OrgSettings
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_item
from plaudit.store.transact import Write, write_all


def settings_from(item: dict[str, Any] | None) -> OrgSettings:
    if item is None:
        return OrgSettings()
    settings = OrgSettings.model_validate(item["settings"])
    at_start = item.get("allowances_at_start")
    return settings.with_allowance_history(
        {Role(role): points for role, points in at_start.items()} if at_start else None,
        item.get("allowances_changed_in"),
    )


def settings_version(item: dict[str, Any] | None) -> int:
    """The stored version: 0 before the first write."""
    return int(item.get("version", 0)) if item else 0


SETTINGS_LABEL = "settings"


def settings_write(settings: OrgSettings, replaces_version: int) -> Write:
    """Store `settings` as version `replaces_version + 1`, refused (label SETTINGS_LABEL) unless the
    stored version is still `replaces_version`."""
    pk, sk = keys.SETTINGS
    at_start, changed_in = settings.allowance_history()
    values = {
        "PK": pk,
        "SK": sk,
        "type": "settings",
        "version": replaces_version + 1,
        "settings": settings.model_dump(mode="json"),
        "allowances_at_start": {str(role): points for role, points in at_start.items()} if at_start else None,
        "allowances_changed_in": changed_in,
    }
    put: dict[str, Any] = {"TableName": table_name(), "Item": to_item(values)}
    if replaces_version:
        put["ConditionExpression"] = "version = :version"
        put["ExpressionAttributeValues"] = to_item({":version": replaces_version})
    else:
        put["ConditionExpression"] = "attribute_not_exists(version)"
    return Write(SETTINGS_LABEL, {"Put": put})


def put_settings(settings: OrgSettings) -> None:
    """The first settings of a fresh table."""
    write_all([settings_write(settings, 0)])
