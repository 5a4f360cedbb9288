"""The HR console's Corrections page in the run's one headless Chromium against the local stack: a campaign
pays someone in error, HR finds the payment among the paid awards and reverses part of it with a reason;
the API then shows the award corrected and the points back in the budget. An item given from a budget is
listed beside them and taken back whole; a second try is refused with the API's reason. The page loads
with at most three API calls, has no serious accessibility violation in English and Arabic, and does not
scroll sideways 360 px wide."""

from __future__ import annotations

import pytest
from console_pages import api_calls_opening, axe_violations, element, go, set_language, sign_in, wait_for
from polling import eventually
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

HANA = "E1001"  # the demo HR admin
PAID = "E9312"  # made here, paid in error by this module's campaign
BUDGET = "console-corrections"


def pay_in_error(stack, tmp_path) -> str:
    """A campaign's payment of 30 points to a new person: its award id."""
    hr = stack.token("--employee", HANA)
    person = {"email": "noor.haddad@plaudit.example", "name": "Noor Haddad", "department": "Support"}
    assert stack.request("PUT", f"/v1/employees/{PAID}", token=hr, body=person).status in (200, 201)
    budget = {"id": BUDGET, "name": "Console corrections", "kind": "company"}
    assert stack.request("POST", "/v1/budgets", token=hr, body=budget).status in (201, 409)
    funds = stack.request(
        "POST",
        f"/v1/budgets/{BUDGET}/top-ups",
        token=hr,
        body={"points": 100},
        headers={"Idempotency-Key": "console-corrections-funds"},
    )
    assert funds.status == 201, funds.body
    sheet = tmp_path / "paid.csv"
    sheet.write_text(f"employee_id,points\n{PAID},30\n")
    ran = stack.cli("campaign", "run", str(sheet), "--budget", BUDGET, "--name", "Paid in error")
    assert ran.returncode == 0, (ran.stdout, ran.stderr)
    awards = stack.request("GET", f"/v1/milestones/awards?employee={PAID}", token=hr).json["items"]
    return awards[0]["id"]


def give_item_in_error(stack, hr: str) -> str:
    """A company perk given to the module's person from its budget, delivered as a Plaudit voucher: its id."""
    person = {"email": "noor.haddad@plaudit.example", "name": "Noor Haddad", "department": "Support"}
    assert stack.request("PUT", f"/v1/employees/{PAID}", token=hr, body=person).status in (200, 201)
    budget = {"id": BUDGET, "name": "Console corrections", "kind": "company"}
    assert stack.request("POST", "/v1/budgets", token=hr, body=budget).status in (201, 409)
    funds = stack.request(
        "POST",
        f"/v1/budgets/{BUDGET}/top-ups",
        token=hr,
        body={"points": 5_000},
        headers={"Idempotency-Key": "console-corrections-item-funds"},
    )
    assert funds.status == 201, funds.body
    perk = {
        "name": "Console corrections: late start",
        "category": "perks",
        "type": "company_perk",
        "currency": "USD",
        "denominations": {"fixed": ["5"]},
        "fulfilment": "internal",
    }
    item = stack.request("POST", "/v1/catalog/items", token=hr, body=perk)
    assert item.status == 201, item.body
    body = {"employee_id": PAID, "item_id": item.json["id"], "denomination": "5", "budget_id": BUDGET}
    given = stack.request(
        "POST", "/v1/awards", token=hr, body=body, headers={"Idempotency-Key": "console-item"}
    )
    assert given.status == 201, given.body
    rid = given.json["id"]

    def delivered() -> bool:
        return stack.request("GET", f"/v1/redemptions/{rid}", token=hr).json["status"] == "fulfilled"

    eventually(delivered, f"award {rid} delivered")
    assert stack.request("DELETE", f"/v1/catalog/items/{item.json['id']}", token=hr).status in (200, 204)
    return rid


def test_hr_takes_back_an_item_given_in_error(browser, stack) -> None:
    """First in the module: the other test's Arabic and 360 px checks then see this page's two tables."""
    hr = stack.token("--employee", HANA)
    rid = give_item_in_error(stack, hr)
    budget = stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"]
    sign_in(browser, stack, HANA)
    row = f'tr[data-given="{rid}"]'
    go(browser, "hr-corrections")
    assert element(browser, f"{row} td[data-state]").get_attribute("data-state") == "delivered"
    assert element(browser, f"{row} th").text == "Noor Haddad"

    element(browser, f'button[data-take-back="{rid}"]').click()
    assert not browser.find_elements(By.CSS_SELECTOR, "#correct-points")  # an item goes back whole
    submit = "form[data-form=take-back] button[type=submit]"
    element(browser, submit).click()
    assert element(browser, "form[data-form=take-back] p.problem").text == "Give the reason."
    element(browser, "#take-back-reason").send_keys("Given to the wrong person (ticket 78)")
    element(browser, submit).click()
    done = element(browser, "p.done").text
    assert done.startswith("“Console corrections: late start” taken back from Noor Haddad;"), done
    assert element(browser, f"{row} td[data-state]").get_attribute("data-state") == "taken_back"
    after = stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"]
    assert after > budget  # the item's points are back
    assert axe_violations(browser) == []

    element(browser, f'button[data-take-back="{rid}"]').click()  # again: the API says why not
    element(browser, "#take-back-reason").send_keys("Once more")
    element(browser, submit).click()
    refused = element(browser, "form[data-form=take-back] p.problem[role=alert]").text
    assert refused == "Everything this paid was taken back already. (code: already_reversed)", refused
    assert stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"] == after


def test_hr_reverses_part_of_a_payment_made_in_error(browser, stack, tmp_path) -> None:
    award = pay_in_error(stack, tmp_path)
    hr = stack.token("--employee", HANA)
    budget = stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"]
    sign_in(browser, stack, HANA)
    row = f'tr[data-award="{award}"]'
    calls = api_calls_opening(browser, "hr-corrections", lambda: element(browser, row))
    assert calls <= 3, calls
    assert axe_violations(browser) == []

    element(browser, f'button[data-reverse="{award}"]').click()
    element(browser, "form[data-form=correct] button[type=submit]").click()
    assert element(browser, "form[data-form=correct] p.problem").text.startswith("Give the reason")
    element(browser, "#correct-points").send_keys("12")
    element(browser, "#correct-reason").send_keys("Paid to the wrong person (ticket 77)")
    element(browser, "form[data-form=correct] button[type=submit]").click()
    assert element(browser, "p.done").text == "12 points taken back from Noor Haddad: they have been told."
    assert element(browser, f"{row} td[data-corrected]").get_attribute("data-corrected") == "12"
    listed = stack.request("GET", f"/v1/milestones/awards?employee={PAID}", token=hr).json["items"]
    assert listed[0]["corrected_points"] == 12
    assert stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"] == budget + 12

    browser.set_window_size(360, 800)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return innerWidth"), f"scrolls sideways ({width} px)"
    browser.set_window_size(1280, 900)
    set_language(browser, "ar")
    try:
        go(browser, "hr-corrections")
        wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, row), "the awards in Arabic")
        assert axe_violations(browser) == []
    finally:
        set_language(browser, "en")
