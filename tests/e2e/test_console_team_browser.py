"""The web console's manager, finance and voucher-desk pages in the shared headless Chromium (conftest.py)
against the e2e tests' local stack. The issue's story: Carlos redeems the team lunch (API); Maya, his manager,
approves one request and rejects another with a reason in the console; the voucher's code reaches Carlos
(API); the desk redeems it once in the console and is refused a second time. Finance's pages load, start an
export and download it. Each page: axe (no serious or critical violation) in English and Arabic, no sideways
scrolling at 360 px, at most 3 API calls to load."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from console_pages import (
    api_calls_opening,
    axe_violations,
    element,
    go,
    screenshot,
    set_language,
    sign_in,
    wait_for,
)
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

HANA, MAYA, CARLOS, GRACE = "E1001", "E1002", "E1005", "E1009"  # HR, Carlos's manager, Carlos, finance
DESK = "DESK1"  # the demo desk's account (the HQ cafeteria desk; the dev sign-in lists it)
LUNCH = "Team lunch voucher"  # 6,000 points, needs the manager's approval, only at the HQ cafeteria
LUNCH_POINTS = 6000
BONUS_EVENT = "console-team-bonus"
CAFETERIA = "HQ cafeteria"
MANAGER_PAGES = ("approvals", "team")
DESK_PAGES = ("desk",)
FINANCE_PAGES = ("liability", "budgets", "spend", "exports")
MAX_API_CALLS = 3


@pytest.fixture(scope="module")
def tokens(stack) -> dict[str, str]:
    return {who: stack.token("--employee", who) for who in (HANA, MAYA, CARLOS)}


def _fund(stack, tokens, employee_id: str, points: int) -> None:
    """HR rewards an HRIS event from the milestones budget, and the HRIS reports it for the person."""
    rule = stack.request(
        "POST",
        "/v1/milestone-rules",
        token=tokens[HANA],
        body={
            "name": "Console team bonus",
            "type": "hris_event",
            "event_name": BONUS_EVENT,
            "points": points,
            "budget_id": "milestones",
            "message": "A {points}-point bonus, {first_name}!",
        },
    )
    assert rule.status == 201, rule.body
    event = {
        "type": "event",
        "employee_id": employee_id,
        "event_id": "console-team-1",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "console-team-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    wait_for(lambda: _points(stack, tokens, employee_id) >= points, "the bonus in the wallet")


def _points(stack, tokens, employee_id: str) -> int:
    reply = stack.request("GET", f"/v1/employees/{employee_id}/wallet", token=tokens[HANA])
    assert reply.status == 200, reply.body
    return reply.json["points"]


@pytest.fixture(scope="module")
def requests(stack, tokens) -> list[dict[str, Any]]:
    """Two lunch requests by Carlos, each waiting for Maya."""
    _fund(stack, tokens, CARLOS, 2 * LUNCH_POINTS)
    items = stack.request("GET", "/v1/catalog/items?limit=100", token=tokens[CARLOS])
    lunch = next(item for item in items.json["items"] if item["name"] == LUNCH)
    made = []
    for n in (1, 2):
        reply = stack.request(
            "POST",
            "/v1/redemptions",
            token=tokens[CARLOS],
            body={"item_id": lunch["id"], "denomination": "60"},
            headers={"Idempotency-Key": f"console-team-lunch-{n}"},
        )
        assert (reply.status, reply.json["approver_id"]) == (201, MAYA), reply.body
        made.append(reply.json)
    return made


def check_pages(browser, pages: tuple[str, ...], shots: dict[str, str] | None = None) -> None:
    """Each page loads in at most 3 API calls, with no serious axe violation."""
    for page in pages:
        assert api_calls_opening(browser, page) <= MAX_API_CALLS, page
        assert not browser.find_elements(By.CSS_SELECTOR, "main p.problem"), (
            page,
            element(browser, "main").text,
        )
        assert axe_violations(browser) == [], page
        if shots and page in shots:
            screenshot(browser, shots[page])


def test_the_manager_approves_one_request_and_rejects_another_with_a_reason(browser, stack, tokens, requests):
    approved, rejected = requests
    sign_in(browser, stack, MAYA)
    go(browser, "approvals")
    wait_for(
        lambda: "Carlos Ruiz" in element(browser, f'li[data-approval="{approved["id"]}"]').text,
        "the requester's name",
    )
    screenshot(browser, "approvals")
    element(browser, f'li[data-approval="{approved["id"]}"] button.approve').click()
    element(browser, f'p.done[data-decided="{approved["id"]}"]')
    assert not browser.find_elements(By.CSS_SELECTOR, f'li[data-approval="{approved["id"]}"]')

    card = f'li[data-approval="{rejected["id"]}"]'
    element(browser, f"{card} button.reject").click()
    element(browser, f"{card} button.reject").click()  # no reason yet: the form says so, nothing is sent
    assert element(browser, f"{card} p.problem").text == "Write a reason before rejecting."
    element(browser, f"{card} textarea").send_keys("One team lunch a month, please")
    element(browser, f"{card} button.reject").click()
    assert "Rejected: Team lunch voucher" in element(browser, f'p.done[data-decided="{rejected["id"]}"]').text

    for made, status in ((approved, {"approved", "fulfilling", "fulfilled"}), (rejected, {"rejected"})):
        seen = stack.request("GET", f"/v1/redemptions/{made['id']}", token=tokens[CARLOS])
        assert seen.json["status"] in status, seen.body
    # a second decision on the same request is the API's refusal, shown with its code
    again = stack.request("POST", f"/v1/redemptions/{rejected['id']}/approve", token=tokens[MAYA], body={})
    assert again.status == 409, again.body


def test_the_desk_redeems_the_code_once_and_refuses_it_a_second_time(browser, stack, tokens, requests):
    approved = requests[0]
    voucher = wait_for(lambda: _voucher_of(stack, tokens, approved["id"]), "the approved lunch's voucher")
    sign_in(browser, stack, DESK)  # the desk's account: no person, so the desk page only
    assert [
        a.get_attribute("href").split("#")[1] for a in browser.find_elements(By.CSS_SELECTOR, "nav a")
    ] == ["/desk"]
    go(browser, "desk")
    element(browser, "form button.check").click()  # no code yet: the form says so, nothing is sent
    assert element(browser, "form p.problem").text == "Type or scan a code first."
    element(browser, "#desk-code").send_keys(voucher["code"])
    element(browser, "#desk-location").send_keys(CAFETERIA)
    element(browser, "#desk-amount").send_keys("12.345")  # three decimals: the form says why, nothing is sent
    element(browser, "form button.check").click()
    assert "at most two decimals" in element(browser, "form p.problem").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".voucher")
    element(browser, "#desk-amount").send_keys("\b")  # 12.34: less than the voucher's $60
    element(browser, "#desk-category").send_keys("food")
    element(browser, "form button.check").click()
    card = element(browser, f'.voucher[data-voucher="{voucher["id"]}"]')
    assert card.get_attribute("data-status") in ("issued", "delivered")
    assert card.get_attribute("data-usable") == "true"
    assert LUNCH in card.text
    # the whole validate answer: value, owner's first name, expiry, restrictions in words, what it gives
    assert element(browser, ".voucher .worth").text == "$60.00"
    assert element(browser, ".voucher .owner").text == "Carlos"
    assert element(browser, ".voucher .discount").text == "$12.34"  # at most the purchase
    assert element(browser, ".voucher .expires").text != "No expiry"  # 90 days after issue
    assert element(browser, ".voucher .limits").text == f"Only at: {CAFETERIA}"
    assert element(browser, ".voucher p.usable").text == "It can be used on this purchase."
    assert not axe_violations(browser)  # the answer card too
    screenshot(browser, "desk")
    element(browser, ".voucher button.redeem-now").click()
    assert "Redeemed: Team lunch voucher" in element(browser, ".voucher p.done").text
    assert element(browser, ".voucher").get_attribute("data-status") == "redeemed"

    element(browser, "form button.check").click()  # the same code again: the rule that refuses it, in words
    refusal = element(browser, '.voucher[data-usable="false"] p.refusal')
    assert refusal.get_attribute("data-refusal") == "voucher_already_redeemed"
    assert refusal.text.startswith("It cannot be used: ")
    assert refusal.text.endswith("(rule: voucher_already_redeemed)")
    assert not browser.find_elements(By.CSS_SELECTOR, ".voucher button.redeem-now")
    mine = stack.request("GET", "/v1/vouchers/mine", token=tokens[CARLOS]).json["items"]
    assert next(v for v in mine if v["id"] == voucher["id"])["status"] == "redeemed"


def _voucher_of(stack, tokens, redemption_id: str) -> dict[str, Any] | None:
    """The owner's voucher of a redemption, with its code, once issued (what Carlos sees)."""
    mine = stack.request("GET", "/v1/vouchers/mine", token=tokens[CARLOS])
    assert mine.status == 200, mine.body
    return next((v for v in mine.json["items"] if v["redemption_id"] == redemption_id), None)


def test_the_managers_pages_load_lean_and_accessible(browser, stack) -> None:
    sign_in(browser, stack, MAYA)
    check_pages(browser, MANAGER_PAGES, {"team": "team"})
    assert element(browser, "[data-people]").get_attribute("data-people") == "6"  # Alice to Fatima


def test_finance_reads_liability_budgets_and_spend_and_exports_the_ledger(browser, stack) -> None:
    sign_in(browser, stack, GRACE)
    check_pages(browser, FINANCE_PAGES, {"budgets": "finance-budgets", "liability": "finance-liability"})
    go(browser, "budgets")
    before = int(element(browser, 'tr[data-budget="milestones"] .balance').text.replace(",", ""))
    browser.execute_script(
        "const s = document.getElementById('topup-budget'); s.value = 'milestones';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    element(browser, "#topup-points").send_keys("250")
    element(browser, "form button[type=submit]").click()
    assert element(browser, "form p.done").text == "250 points added."
    after = element(browser, 'tr[data-budget="milestones"] .balance').text.replace(",", "")
    assert int(after) == before + 250

    go(browser, "exports")
    element(browser, "form button[type=submit]").click()
    link = element(browser, '[data-status="done"] a.download')
    assert link.get_attribute("href").startswith("http")


@pytest.mark.parametrize(
    ("who", "pages"),
    [(HANA, (*MANAGER_PAGES, "exports", *DESK_PAGES)), (GRACE, FINANCE_PAGES)],
    ids=["manager-hr", "finance"],
)
def test_the_pages_in_arabic_and_at_360_px(browser, stack, who, pages) -> None:
    sign_in(browser, stack, who, size=(360, 800))
    check_pages(browser, pages if who == HANA else ())  # in English at 360 px too
    set_language(browser, "ar")
    try:
        for page in pages:
            go(browser, page)
            assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
            assert axe_violations(browser) == [], page
            wide = browser.execute_script("return document.documentElement.scrollWidth")
            assert wide <= 360, (page, wide)
    finally:
        set_language(browser, "en")
