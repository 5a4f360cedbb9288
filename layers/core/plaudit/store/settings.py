"""Organisation settings item."""

from typing import Any

from plaudit.domain.employees import Role
from plaudit.domain.settings import OrgSettings
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_item


def settings_from(item: dict[str, Any] | None) -> OrgSettings:
    if item is None:
        return OrgSettings()
    settings = OrgSettings.model_validate(item["settings"])
    at_start = item.get("allowances_at_start")
    return settings.with_allowance_history(
        {Role(role): points for role, points in at_start.items()} if at_start else None,
        item.get("allowances_changed_in"),
    )


def put_settings(settings: OrgSettings) -> None:
    pk, sk = keys.SETTINGS
    at_start, changed_in = settings.allowance_history()
    values = {
        "PK": pk,
        "SK": sk,
        "type": "settings",
        "settings": settings.model_dump(mode="json"),
        "allowances_at_start": {str(role): points for role, points in at_start.items()} if at_start else None,
        "allowances_changed_in": changed_in,
    }
    dynamodb().put_item(TableName=table_name(), Item=to_item(values))
