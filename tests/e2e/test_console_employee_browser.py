"""The console's employee pages beyond the first four (catalogue, my rewards, badges and tier, leaderboard) in
headless Chromium against the e2e tests' local stack: Bob redeems the team lunch in the catalogue, his
manager Maya approves it (over REST: the approvals page is the manager area's), and Bob sees the voucher's
code and its QR code in "My rewards". Bob's points come from an HRIS event rewarded by a rule of this
module's own event name, so other modules' figures are untouched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from console_pages import BOB, element, go, screenshot, sign_in, wait_for
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

MAYA = "E1002"  # Bob's manager: she approves his lunch
LUNCH = "Team lunch voucher"  # $60 = 6,000 points, needs approval, issues a voucher with a code
BONUS_EVENT = "console-employee-bonus"
BONUS_POINTS = 7000


def item_names(browser) -> list[str]:
    """The catalogue's item names as shown now ([] while the list re-renders)."""
    try:
        return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "li[data-item] h2")]
    except StaleElementReferenceException:
        return []


def wallet_points(stack, employee: str) -> int:
    reply = stack.request(
        "GET", f"/v1/employees/{employee}/wallet", token=stack.token("--employee", employee)
    )
    assert reply.status == 200, reply.body
    return reply.json["points"]


@pytest.fixture(scope="module")
def funded(stack) -> int:
    """Bob's points after HR rewards an HRIS event of this module's with 7,000 points."""
    before = wallet_points(stack, BOB)
    rule = stack.request(
        "POST",
        "/v1/milestone-rules",
        token=stack.token("--role", "hr_admin"),
        body={
            "name": "Console employee bonus",
            "type": "hris_event",
            "event_name": BONUS_EVENT,
            "points": BONUS_POINTS,
            "budget_id": "milestones",
            "message": "A {points}-point bonus, {first_name}!",
        },
    )
    assert rule.status == 201, rule.body
    event = {
        "type": "event",
        "employee_id": BOB,
        "event_id": "console-employee-1",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "console-employee-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    return wait_for(
        lambda: (now := wallet_points(stack, BOB)) >= before + BONUS_POINTS and now, "Bob's bonus"
    )


def test_redeem_in_the_catalogue_then_the_code_and_qr_in_my_rewards(browser, stack, funded) -> None:
    sign_in(browser, stack, BOB)
    go(browser, "catalogue")
    assert element(browser, "[data-balance]").get_attribute("data-balance") == str(funded)
    # 30,000 points at least, more than Bob has: in the whole catalogue, not in what he can afford
    wait_for(lambda: "Weekend city break" in item_names(browser), "the whole catalogue")
    element(browser, "#filter-affordable").click()
    # the filtered list replaces the whole one (the click re-renders, then the API answers)
    names = wait_for(lambda: (n := item_names(browser)) and "Weekend city break" not in n and n, "affordable")
    assert LUNCH in names
    lunch = next(
        li
        for li in browser.find_elements(By.CSS_SELECTOR, "li[data-item]")
        if li.find_element(By.TAG_NAME, "h2").text == LUNCH
    )
    assert "Only at: HQ cafeteria" in lunch.text  # its restrictions, before redeeming
    assert "Needs approval" in lunch.text
    screenshot(browser, "catalogue")
    lunch.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    done = wait_for(lambda: lunch.find_elements(By.CSS_SELECTOR, "p.done"), "the redemption")[0]
    assert "waits for approval" in done.text
    rid = done.get_attribute("data-redemption")
    assert element(browser, "[data-balance]").get_attribute("data-balance") == str(funded - 6000)

    approved = stack.request(
        "POST", f"/v1/redemptions/{rid}/approve", token=stack.token("--employee", MAYA), body={}
    )
    assert approved.status == 200, approved.body
    bob = stack.token("--employee", BOB)
    wait_for(
        lambda: stack.request("GET", f"/v1/redemptions/{rid}", token=bob).json["status"] == "fulfilled",
        "the voucher issued",
    )
    [voucher] = [
        v
        for v in stack.request("GET", "/v1/vouchers/mine", token=bob).json["items"]
        if v["redemption_id"] == rid
    ]

    go(browser, "rewards")
    card = element(browser, f'li[data-voucher="{voucher["id"]}"]')
    assert card.find_element(By.CSS_SELECTOR, "[data-code]").text == voucher["code"]
    qr = card.find_element(By.CSS_SELECTOR, "svg.qr")
    assert int(qr.get_attribute("data-modules")) >= 21  # a version-1 QR code at least
    assert voucher["code"] in qr.get_attribute("aria-label")
    status = element(browser, f'li[data-redemption="{rid}"] [data-status]')
    assert status.get_attribute("data-status") == "fulfilled"
    screenshot(browser, "my-rewards")


def test_badges_tier_streak_and_leaderboards(browser, stack, funded) -> None:
    sign_in(browser, stack, BOB)
    go(browser, "achievements")
    assert element(browser, "[data-streak]").get_attribute("data-streak").isdigit()
    assert "Tier" in element(browser, "main").text
    go(browser, "leaderboard")
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "table.board, main p.figure-line"), "the board")
    element(browser, "input[name=metric][value=given]").click()
    period = element(browser, "#period")
    browser.execute_script(
        "arguments[0].value = 'all'; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        period,
    )
    shown = wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, "table.board caption, [data-empty-board]"),
        "the all-time board",
    )[0]
    assert "Leaderboard for" in shown.text or "Nobody on the board" in shown.text
    screenshot(browser, "leaderboard")

    # an HR page by its address: Bob is told it is not for his roles, not silently shown another page
    browser.execute_script("location.hash = '#/hr-settings'")
    refusal = element(browser, "[data-not-your-role]")
    assert "HR admin" in refusal.text
    assert not browser.find_elements(By.CSS_SELECTOR, 'nav a[href="#/hr-settings"]')
