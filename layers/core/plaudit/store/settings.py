"""Organisation settings item."""

from typing import Any

from plaudit.domain.settings import OrgSettings
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_item


def settings_from(item: dict[str, Any] | None) -> OrgSettings:
    if item is None:
        return OrgSettings()
    return OrgSettings.model_validate(item["settings"])


def put_settings(settings: OrgSettings) -> None:
    pk, sk = keys.SETTINGS
    values = {"PK": pk, "SK": sk, "type": "settings", "settings": settings.model_dump(mode="json")}
    dynamodb().put_item(TableName=table_name(), Item=to_item(values))
