"""Instant perks in the console (headless Chromium against the e2e tests' local stack): Jon, funded by an HRIS
bonus of this module's own, chooses "Use now" on an instant perk in the catalogue and sees its QR and code;
the demo desk types the code, sees the perk, its points and Jon's first name, confirms it once, and Jon's
points move. The catalogue with a pass shown and the desk page load in at most 3 API calls, with no serious
axe violation in English and Arabic, at 360 px wide. The perk is this module's and is deactivated after it,
so other modules' catalogues are untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from console_pages import JON, api_calls_opening, axe_violations, element, go, set_language, sign_in, wait_for
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

DESK = "DESK1"  # the demo desk's account: the HQ cafeteria desk of the vendor "Company cafeteria"
BONUS_EVENT = "console-instant-bonus"
PRICE = 250  # $2.50 at the demo's $0.01 a point


def wallet_points(stack, employee: str) -> int:
    reply = stack.request("GET", f"/v1/employees/{employee}/wallet", token=stack.token("--role", "hr_admin"))
    assert reply.status == 200, reply.body
    return reply.json["points"]


@pytest.fixture(scope="module")
def funded(stack) -> int:
    """Jon's points once HR rewarded an HRIS event of this module's with the perk's price."""
    before = wallet_points(stack, JON)
    rule = {
        "name": "Console instant bonus",
        "type": "hris_event",
        "event_name": BONUS_EVENT,
        "points": PRICE,
        "budget_id": "milestones",
        "message": "A {points}-point bonus, {first_name}!",
    }
    created = stack.request("POST", "/v1/milestone-rules", token=stack.token("--role", "hr_admin"), body=rule)
    assert created.status == 201, created.body
    event = {
        "type": "event",
        "employee_id": JON,
        "event_id": "console-instant-1",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "console-instant-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    return wait_for(lambda: (now := wallet_points(stack, JON)) >= before + PRICE and now, "Jon's bonus")


@pytest.fixture(scope="module")
def perk(stack) -> Any:
    hr = stack.token("--role", "hr_admin")
    body = {
        "name": "Console espresso",
        "category": "food",
        "type": "company_perk",
        "currency": "USD",
        "denominations": {"fixed": ["2.50"]},
        "fulfilment": "instant",  # any vendor: HR checks it here too (vendor limits: test_instant_passes)
    }
    created = stack.request("POST", "/v1/catalog/items", token=hr, body=body)
    assert created.status == 201, created.body
    yield created.json
    stack.request("DELETE", f"/v1/catalog/items/{created.json['id']}", token=hr)


HANA = "E1001"  # an HR admin: HR may check passes at the desk page too (in Arabic here)


def use_now(browser, item_id: str) -> str:
    """Choose Use now on the item: its pass's code, once the QR is shown."""
    element(browser, f'li[data-item="{item_id}"] button.use-now').click()
    shown = element(browser, f'li[data-item="{item_id}"] .pass')
    assert shown.find_element(By.CSS_SELECTOR, "svg.qr").get_attribute("data-modules")
    return shown.find_element(By.CSS_SELECTOR, "code").text


def accessible_at_360(browser) -> None:
    assert axe_violations(browser) == []
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360


def test_jon_shows_a_pass_and_the_desk_confirms_it_once(browser, stack, perk, funded):
    item = perk["id"]
    sign_in(browser, stack, JON, size=(360, 800))
    assert api_calls_opening(browser, "catalogue", lambda: element(browser, f'li[data-item="{item}"]')) <= 3
    code = use_now(browser, item)
    assert len(code) == 9
    accessible_at_360(browser)
    set_language(browser, "ar")
    try:
        go(browser, "catalogue")
        use_now(browser, item)
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
        accessible_at_360(browser)
    finally:
        set_language(browser, "en")
    assert wallet_points(stack, JON) == funded  # a pass holds nothing

    sign_in(browser, stack, HANA, size=(360, 800))
    set_language(browser, "ar")
    try:
        go(browser, "desk")
        element(browser, "#desk-code").send_keys(code)
        element(browser, "form button.check").click()
        element(browser, f'.pass[data-pass-item="{item}"] button.confirm-pass')
        accessible_at_360(browser)
    finally:
        set_language(browser, "en")

    sign_in(browser, stack, DESK, size=(360, 800))
    assert api_calls_opening(browser, "desk") <= 3
    element(browser, "#desk-code").send_keys(code)
    element(browser, "#desk-location").send_keys("HQ cafeteria")
    element(browser, "form button.check").click()
    card = element(browser, f'.pass[data-pass-item="{item}"]')
    assert "Jon" in card.text
    assert "Console espresso" in card.text
    accessible_at_360(browser)
    element(browser, ".pass button.confirm-pass").click()
    assert "Confirmed: Console espresso" in element(browser, ".pass p.done").text
    wait_for(lambda: wallet_points(stack, JON) == funded - PRICE, "Jon's points moved once")

    element(browser, "form button.check").click()  # the same pass again: the API's refusal, with its code
    assert "(code: pass_used)" in element(browser, "main > section > p.problem").text
