"""`plaudit catalog sync`: a provider's products (the local stack's fakes of Tremendous and Tango Card, over
the adapters' transport) become catalogue items in the currencies the organisation prices, each creation
and update in the administrative trail; a rerun changes nothing; a product's change updates only the
provider's fields (HR's stay); --dry-run prints the diff and writes nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from api_checks import assert_audit_clean, table_items
from test_fulfilment_providers import fakes

from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import RewardsProvider
from plaudit.environment import environment
from plaudit.integrations.rewards import rewards_api
from plaudit.services import catalog, catalog_sync
from plaudit.store import trail as trail_store
from plaudit_dev import cli

__all__ = ["fakes"]  # the fixture, shared with test_fulfilment_providers


def sync(provider: RewardsProvider, offers=None) -> catalog_sync.Plan:
    found = catalog_sync.plan(provider, offers if offers is not None else rewards_api(provider).products())
    return catalog_sync.apply(SYSTEM, found)


def synced_items(aws, provider: str) -> dict[tuple[str, str], dict]:
    """The provider's items in the table, by (product id, currency)."""
    return {
        (item["provider_sku"]["S"], item["currency"]["S"]): item
        for item in table_items(aws)
        if item.get("type", {}).get("S") == "catalog_item" and item.get("provider", {}).get("S") == provider
    }


@pytest.mark.parametrize("provider", [RewardsProvider.TREMENDOUS, RewardsProvider.TANGO])
def test_products_become_items_once_and_follow_the_products_changes(aws, org, fakes, provider):
    first = sync(provider)
    # the demo organisation prices USD and EUR: every product of the fakes is one of those
    assert first.count("create") == 5
    assert first.count("skip") == 0
    items = synced_items(aws, provider.value)
    assert set(items) == {
        ("AMAZON-US", "USD"),
        ("VISA-PREPAID", "USD"),
        ("VISA-PREPAID-EU", "EUR"),
        ("STREAMING-25", "EUR"),
        ("REDCROSS", "USD"),
    }
    assert items[("REDCROSS", "USD")]["item_type"]["S"] == "donation"
    streaming = catalog.get_item(items[("STREAMING-25", "EUR")]["id"]["S"])
    assert (streaming.denominations.fixed, streaming.countries) == ([Decimal(25)], ["DE", "FR", "IT"])
    creations = [e for e in trail_store.all_entries() if e["action"] == "catalog_item.create"]
    assert len(creations) == 5

    again = sync(provider)
    assert again.count("unchanged") == 5
    assert again.count("create") == again.count("update") == 0

    amazon_id = items[("AMAZON-US", "USD")]["id"]["S"]
    hr_view = catalog.get_item(amazon_id)
    catalog.replace_item(
        SYSTEM, amazon_id, hr_view.model_copy(update={"requires_approval": True, "category": "treats"})
    )
    offers = rewards_api(provider).products()
    changed = [
        replace(o, max=Decimal(500), name="Amazon (new)") if o.sku == "AMAZON-US" else o for o in offers
    ]
    third = sync(provider, changed)
    [update] = [change for change in third.changes if change.action == "update"]
    assert update.fields == ("name", "denominations")
    after = catalog.get_item(amazon_id)
    assert (after.name, after.denominations.max) == ("Amazon (new)", Decimal(500))
    assert (after.requires_approval, after.category) == (True, "treats")  # HR's fields kept
    assert [e for e in trail_store.all_entries() if e["action"] == "catalog_item.replace"][-1]["target"] == (
        f"catalog_item:{amazon_id}"
    )
    assert_audit_clean()


def test_a_currency_without_a_point_value_is_skipped(org, fakes):
    offers = rewards_api(RewardsProvider.TANGO).products()
    plan = catalog_sync.plan(RewardsProvider.TANGO, [replace(offers[0], currency="JPY")])
    [skipped] = plan.changes
    assert (skipped.action, skipped.reason) == ("skip", "no point value for JPY")


def test_the_command_prints_the_diff_and_a_dry_run_writes_nothing(org, fakes, aws, capsys, monkeypatch):
    name = environment().table_name
    before = table_items(aws)
    assert cli.main(["catalog", "sync", "--provider", "tango", "--table", name, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+ AMAZON-US USD Amazon.com Gift Card" in out
    assert "tango: 5 products would be synced: 5 create, 0 update, 0 unchanged, 0 skip" in out
    assert table_items(aws) == before
    assert cli.main(["catalog", "sync", "--provider", "tango", "--table", name]) == 0
    assert "5 create" in capsys.readouterr().out
    assert cli.main(["catalog", "sync", "--provider", "tango", "--table", name]) == 0
    assert "0 create, 0 update, 5 unchanged" in capsys.readouterr().out
