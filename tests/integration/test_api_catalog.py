"""REST v1 catalogue: HR admins create, replace and deactivate items; everyone browses the active ones by
category, type, country and what their points afford, a page at a time; bad input gets a 4xx with a code
and writes nothing."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from api_checks import assert_error, table_items
from test_fulfilment_providers import as_prod

from plaudit.domain.catalog import ItemType
from plaudit.services import catalog
from plaudit.store import catalog as store
from plaudit.store import keys
from plaudit.store.reads import get_one

HR, MAYA, ALICE, GRACE = "E1001", "E1002", "E1003", "E1009"  # Alice: US, New York; Grace: finance


def spec(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Amazon.com Gift Card",
        "description": "An eGift card",
        "brand": "Amazon",
        "image_url": "https://images.example.com/amazon.png",
        "category": "gift-cards",
        "type": "gift_card",
        "denominations": {"fixed": ["25", "50"]},
        "currency": "USD",
        "countries": ["US"],
        "fulfilment": "provider",
        "provider_sku": "AMZ-US",
    }
    return values | fields


def create(api, body: dict[str, Any], as_employee: str = HR) -> dict[str, Any]:
    reply = api.call("POST", "/v1/catalog/items", body=body, as_employee=as_employee)
    assert reply.status == 201, reply.body
    return reply.json


def browse(api, query: str = "", as_employee: str = ALICE) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/catalog/items{query}", as_employee=as_employee)
    assert reply.status == 200, reply.body
    return reply.json


def names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


def test_hr_creates_reads_replaces_and_deactivates_an_item(api, org, clock):
    created = create(api, spec(inventory=3))
    item_id = created["id"]
    assert item_id.startswith("item_")
    assert created["denominations"] == {"fixed": ["25", "50"], "min": None, "max": None}
    assert (created["min_points"], created["max_points"]) == (2500, 5000)  # $0.01 a point
    assert (created["version"], created["active"], created["inventory"]) == (1, True, 3)

    got = api.call("GET", f"/v1/catalog/items/{item_id}", as_employee=ALICE)
    assert got.status == 200, got.body
    assert got.json == created

    clock.advance(minutes=5)
    replaced = api.call(
        "PUT",
        f"/v1/catalog/items/{item_id}",
        body=spec(name="Amazon.com eGift Card", denominations={"min": "10", "max": "200"}),
        as_employee=HR,
    )
    assert replaced.status == 200, replaced.body
    assert replaced.json["version"] == 2
    assert replaced.json["inventory"] is None
    assert (replaced.json["min_points"], replaced.json["max_points"]) == (1000, 20000)
    assert replaced.json["created_at"] == created["created_at"] != replaced.json["updated_at"]

    deleted = api.call("DELETE", f"/v1/catalog/items/{item_id}", as_employee=HR)
    assert deleted.status == 204, deleted.body
    assert api.call("DELETE", f"/v1/catalog/items/{item_id}", as_employee=HR).status == 204  # again: same
    assert_error(api.call("GET", f"/v1/catalog/items/{item_id}", as_employee=ALICE), 404, "item_not_found")
    assert api.call("GET", f"/v1/catalog/items/{item_id}", as_employee=HR).json["active"] is False
    assert catalog.get_item(item_id).active is False  # redemptions still find it
    assert names(browse(api)) == []
    assert names(browse(api, "?inactive=true", as_employee=HR)) == ["Amazon.com eGift Card"]


def test_only_hr_admins_manage_the_catalogue_and_strangers_see_nothing(api, org, aws, clock):
    item_id = create(api, spec())["id"]
    before = table_items(aws)
    for who in (ALICE, MAYA, GRACE):
        assert_error(api.call("POST", "/v1/catalog/items", body=spec(), as_employee=who), 403, "forbidden")
        path = f"/v1/catalog/items/{item_id}"
        assert_error(api.call("PUT", path, body=spec(name="Mine"), as_employee=who), 403, "forbidden")
        assert_error(api.call("DELETE", path, as_employee=who), 403, "forbidden")
    assert_error(api.call("GET", "/v1/catalog/items?inactive=true", as_employee=ALICE), 403, "forbidden")
    stranger = api.call("GET", "/v1/catalog/items", as_employee="E9999")
    assert_error(stranger, 403, "not_in_directory")
    assert api.call("GET", "/v1/catalog/items", as_employee=None).status == 401
    assert table_items(aws) == before
    assert catalog.get_item(item_id).name == "Amazon.com Gift Card"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (spec(denominations={"fixed": ["25"], "min": "1", "max": "5"}), 422, "invalid_request"),
        (spec(denominations={"min": "50", "max": "10"}), 422, "invalid_request"),
        (spec(currency="dollars"), 422, "invalid_request"),
        (spec(countries=["USA"]), 422, "invalid_request"),
        (spec(image_url="http://images.example.com/a.png"), 422, "invalid_request"),
        (spec(fulfilment="code_stock"), 422, "invalid_request"),  # provider_sku without a provider
        (spec(provider_sku=None), 422, "invalid_request"),
        (spec(provider="runa"), 422, "invalid_request"),  # a provider Plaudit has no adapter for
        (spec(fulfilment="internal", provider_sku=None, provider="tango"), 422, "invalid_request"),
        (spec(restrictions={"minimum_purchase": "20"}), 422, "invalid_request"),
        (spec(restrictions={"expires_after_days": 30, "expires_on": "2027-01-01"}), 422, "invalid_request"),
        (
            spec(restrictions={"blackouts": [{"start": "2026-12-26", "end": "2026-12-24"}]}),
            422,
            "invalid_request",
        ),
        (spec(inventory=-1), 422, "invalid_request"),
        (spec(extra="field"), 422, "invalid_request"),
    ],
)
def test_bad_items_are_refused_with_a_code_and_write_nothing(api, org, aws, body, status, code):
    before = table_items(aws)
    details = assert_error(api.call("POST", "/v1/catalog/items", body=body, as_employee=HR), status, code)
    assert details
    assert table_items(aws) == before


def test_outside_dev_a_provider_item_must_name_its_provider(api, org, aws, monkeypatch):
    as_prod(monkeypatch)
    before = table_items(aws)
    refused = api.call(
        "POST", "/v1/catalog/items", body=spec(), as_employee=HR, headers={"Accept-Language": "fr"}
    )
    assert_error(refused, 422, "provider_required")
    assert "tremendous" in refused.json["error"]["message"]
    assert table_items(aws) == before
    made = create(api, spec(provider="tremendous", provider_sku="OKMHM2X2OHYV"))
    assert (made["provider"], made["provider_sku"]) == ("tremendous", "OKMHM2X2OHYV")


def test_bad_ids_filters_and_cursors_are_refused(api, org, aws):
    assert_error(api.call("GET", "/v1/catalog/items/not-an-item", as_employee=ALICE), 422, "invalid_request")
    assert_error(api.call("GET", "/v1/catalog/items/item_NOPE", as_employee=ALICE), 404, "item_not_found")
    missing = api.call("PUT", "/v1/catalog/items/item_NOPE", body=spec(), as_employee=HR)
    assert_error(missing, 404, "item_not_found")
    assert_error(api.call("DELETE", "/v1/catalog/items/item_NOPE", as_employee=HR), 404, "item_not_found")
    for query in ("?type=car", "?country=usa", "?category=Gift%20Cards", "?limit=0", "?limit=101"):
        assert_error(api.call("GET", f"/v1/catalog/items{query}", as_employee=ALICE), 422, "invalid_request")
    assert_error(
        api.call("GET", "/v1/catalog/items?cursor=garbage", as_employee=ALICE), 400, "invalid_cursor"
    )


def test_filters_by_category_type_and_country(api, org, clock):
    create(api, spec(name="Amazon.com Gift Card"))
    create(api, spec(name="Amazon.co.uk Gift Card", countries=["GB"], currency="GBP", provider_sku="AMZ-UK"))
    create(api, spec(name="Red Cross", category="giving", type="donation", countries=[], provider_sku="RC"))
    create(
        api,
        spec(
            name="Cinema",
            category="experiences",
            type="experience",
            countries=["GB", "US"],
            provider_sku=None,
            fulfilment="code_stock",
        ),
    )
    everything = browse(api)
    # by category, then name: experiences, gift-cards, giving
    assert names(everything) == ["Cinema", "Amazon.co.uk Gift Card", "Amazon.com Gift Card", "Red Cross"]
    assert names(browse(api, "?category=gift-cards")) == ["Amazon.co.uk Gift Card", "Amazon.com Gift Card"]
    assert names(browse(api, "?type=donation")) == ["Red Cross"]
    assert sorted(names(browse(api, "?country=GB"))) == ["Amazon.co.uk Gift Card", "Cinema", "Red Cross"]
    assert names(browse(api, "?country=DE")) == ["Red Cross"]
    assert names(browse(api, "?category=gift-cards&country=US&type=gift_card")) == ["Amazon.com Gift Card"]


def test_pagination_walks_every_item_once(api, org, clock):
    made = sorted(create(api, spec(name=f"Card {n:02d}"))["name"] for n in range(7))
    seen, cursor, pages = [], None, 0
    while True:
        page = browse(api, "?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        assert len(page["items"]) <= 3
        seen += names(page)
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    assert pages == 3
    other = browse(api, "?limit=3")["next_cursor"]
    assert_error(
        api.call("GET", f"/v1/catalog/items?inactive=true&cursor={other}", as_employee=HR),
        400,
        "invalid_cursor",
    )


def test_affordable_compares_my_points_with_each_items_lowest_price(api, org, clock):
    kudos = {"recipient_ids": [ALICE], "points": 100, "message": "Thanks for the launch!"}
    assert api.call("POST", "/v1/recognitions", body=kudos, as_employee=HR).status == 201  # Alice: 100 points
    create(api, spec(name="Coffee", denominations={"fixed": ["1", "5"]}))  # 100 points: just affordable
    create(api, spec(name="Book", denominations={"fixed": ["1.01"]}))  # 101 points
    create(api, spec(name="Tea", currency="EUR", denominations={"min": "0.92", "max": "5"}))  # 100 points
    create(api, spec(name="Cake", currency="EUR", denominations={"min": "0.93", "max": "5"}))  # 102 points
    create(api, spec(name="Sushi", currency="JPY", denominations={"fixed": ["1"]}))  # not priced
    assert sorted(names(browse(api, "?affordable=true"))) == ["Coffee", "Tea"]
    assert names(browse(api, "?affordable=true", as_employee=MAYA)) == []  # no points
    everything = {item["name"]: item for item in browse(api, as_employee=HR)["items"]}
    assert everything["Sushi"]["min_points"] is None
    assert (everything["Tea"]["min_points"], everything["Cake"]["min_points"]) == (100, 102)
    # a page is the items it reads: a filter never makes it read more
    first = browse(api, "?affordable=true&limit=2")
    assert len(first["items"]) <= 2


def test_employees_are_offered_only_priced_items_not_past_their_last_day(api, org, clock):
    """Expired and unpriced items cannot be redeemed by anyone: shoppers do not see them, HR does."""
    today = clock().date()
    create(api, spec(name="Coffee"))
    create(api, spec(name="Sushi", currency="JPY", denominations={"fixed": ["1000"]}))  # no point value
    create(api, spec(name="Gone", restrictions={"expires_on": str(today - timedelta(days=1))}))
    create(api, spec(name="Last day", restrictions={"expires_on": str(today + timedelta(days=1))}))
    assert sorted(names(browse(api))) == ["Coffee", "Last day"]
    assert sorted(names(browse(api, "?category=gift-cards", as_employee=MAYA))) == ["Coffee", "Last day"]
    assert sorted(names(browse(api, as_employee=HR))) == ["Coffee", "Gone", "Last day", "Sushi"]
    clock.advance(days=2)
    assert names(browse(api)) == ["Coffee"]


def test_inventory_writes_take_stock_and_refuse_below_zero(api, org, clock):
    from plaudit.store.transact import WriteRefused, write_all

    item_id = create(api, spec(inventory=1))["id"]
    assert store.inventory_write(item_id, -1, unlimited=True) is None
    write_all([store.inventory_write(item_id, -1)])
    assert catalog.get_item(item_id).inventory == 0
    with pytest.raises(WriteRefused) as refused:
        write_all([store.inventory_write(item_id, -1)])
    assert refused.value.refused(f"inventory:{item_id}")
    write_all([store.inventory_write(item_id, 1)])  # a cancelled redemption gives it back
    assert catalog.get_item(item_id).inventory == 1


def test_the_local_demo_catalogue_has_one_item_of_every_type(api, org, clock):
    from plaudit_dev.seed import seed_catalog

    assert seed_catalog() == {"catalog_items": 7}
    seed_catalog()  # again: nothing added
    items = browse(api, "?limit=100", as_employee=HR)["items"]
    assert len(items) == 7
    assert sorted(item["type"] for item in items) == sorted(
        ["gift_card", "experience", "travel", "discount_voucher", "donation", "merchandise", "company_perk"]
    )
    by_name = {item["name"]: item for item in items}
    assert by_name["Plaudit hoodie"]["inventory"] == 25
    for name, codes in (("Plaudit hoodie", 25), ("Local cinema 2 tickets", 20)):  # codes to hand out
        assert get_one(keys.stock_count(by_name[name]["id"]))["available"] == codes, name
    assert by_name["Team lunch voucher"]["requires_approval"] is True
    assert by_name["Local cinema 2 tickets"]["restrictions"]["blackouts"]


@pytest.mark.parametrize("priced", [{}, {"USD": Decimal("1")}, {"USD": Decimal("1"), "EUR": Decimal("0.92")}])
def test_every_combination_of_filters_is_a_query_dynamodb_accepts(api, org, clock, priced):
    """The filter expression is composed, never hand-joined: one priced currency (the default) once made
    redundant parentheses, which DynamoDB refuses."""
    create(api, spec(name="Coffee", denominations={"fixed": ["1"]}))
    for item_type, country, affordable, category in itertools.product(
        (None, ItemType.GIFT_CARD), (None, "US"), (None, priced), (None, "gift-cards")
    ):
        page = store.catalog_page(
            item_type=item_type,
            country=country,
            affordable_with=affordable,
            category=category,
            limit=10,
            cursor=None,
        )
        assert page.read >= (0 if affordable == {} else 1), (item_type, country, affordable, category)


def offer_spec(**fields: Any) -> dict[str, Any]:
    values = spec(
        name="Bistro 20% off",
        category="food",
        type="discount_voucher",
        denominations=None,
        currency="USD",
        fulfilment="internal",
        provider_sku=None,
        points=100,
        offer={"kind": "percentage", "percent": "20", "cap": {"amount": "25", "currency": "USD"}},
        restrictions={"minimum_purchase": "15", "excluded_categories": ["alcohol"]},
    )
    return values | fields


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"offer": {"kind": "percentage", "percent": "0"}}, "must be a percentage from 1 to 100"),
        ({"offer": {"kind": "percentage", "percent": "101"}}, "must be a percentage from 1 to 100"),
        (
            {"offer": {"kind": "cashback", "percent": "5", "cap": {"amount": "5", "currency": "EUR"}}},
            "the cap must be in the item's currency (USD)",
        ),
        ({"denominations": {"fixed": ["10"]}}, "needs points and no denominations"),
    ],
)
def test_a_bad_percentage_or_cashback_offer_is_a_422_naming_the_problem(api, org, aws, fields, problem):
    before = table_items(aws)
    details = assert_error(
        api.call("POST", "/v1/catalog/items", body=offer_spec(**fields), as_employee=HR),
        422,
        "invalid_request",
    )
    assert problem in details["errors"][0]["problem"]
    assert table_items(aws) == before


def test_a_percentage_voucher_is_priced_by_its_item_redeemed_without_a_denomination_and_issued(
    api, org, clock
):
    kudos = {"recipient_ids": [ALICE], "points": 100, "message": "Thanks for the launch!"}
    assert api.call("POST", "/v1/recognitions", body=kudos, as_employee=HR).status == 201  # Alice: 100 points
    created = create(api, offer_spec())
    assert (created["min_points"], created["max_points"], created["denominations"]) == (100, 100, None)
    assert created["offer"] == {
        "kind": "percentage",
        "percent": "20",
        "cap": {"amount": "25", "currency": "USD"},
    }
    assert names(browse(api, "?affordable=true")) == ["Bistro 20% off"]

    with_amount = {"item_id": created["id"], "denomination": "20"}
    refused = api.call("POST", "/v1/redemptions", body=with_amount, as_employee=ALICE)
    assert_error(refused, 422, "bad_denomination")
    reply = api.call("POST", "/v1/redemptions", body={"item_id": created["id"]}, as_employee=ALICE)
    assert reply.status == 201, reply.body
    assert (reply.json["points"], reply.json["denomination"], reply.json["offer"]["percent"]) == (
        100,
        "0",
        "20",
    )
    api.drain_queues()
    [voucher] = api.call("GET", "/v1/vouchers/mine", as_employee=ALICE).json["items"]
    assert voucher["value"] == {
        "kind": "percentage",
        "amount": None,
        "percent": "20",
        "cap": "25",
        "currency": "USD",
    }
    assert voucher["restrictions"]["minimum_purchase"] == "15"
    assert voucher["restrictions"]["excluded_categories"] == ["alcohol"]
