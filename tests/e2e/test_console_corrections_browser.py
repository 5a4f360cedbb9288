"""The HR console's Corrections page in the run's one headless Chromium against the local stack: a campaign
pays someone in error, HR finds the payment among the paid awards and reverses part of it with a reason;
the API then shows the award corrected and the points back in the budget. The page loads with at most
three API calls, has no serious accessibility violation in English and Arabic, and does not scroll
sideways 360 px wide."""

from __future__ import annotations

import pytest
from console_pages import api_calls_opening, axe_violations, element, go, set_language, sign_in, wait_for
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
