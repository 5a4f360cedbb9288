"""The HR console's referral pieces in the run's one headless Chromium against the local stack: HR makes a
referral rule in the rules form (a share without its days is said before sending), then reports a referred
hire on the Referrals page and sees the referrer's reward; the page opens with at most three API calls,
without a serious accessibility violation in English and Arabic, and without scrolling sideways 360 px
wide. The referrer and the hire are people of the test's own (E93xx), so no other test's wallets move."""

from __future__ import annotations

import pytest
from console_pages import api_calls_opening, axe_violations, element, go, set_language, sign_in, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

pytestmark = pytest.mark.browser

HANA = "E1001"  # the demo HR admin
REFERRER, HIRE = "E9301", "E9302"


def test_hr_makes_a_referral_rule_and_reports_a_hire(browser, stack) -> None:
    token = stack.token("--employee", HANA)
    made = stack.request(
        "PUT",
        f"/v1/employees/{REFERRER}",
        token=token,
        body={"email": "rosa.referrer@plaudit.example", "name": "Rosa Lind", "department": "Support"},
    )
    assert made.status in (200, 201), made.body
    sign_in(browser, stack, HANA)
    go(browser, "hr-rules")
    element(browser, "#rule-name").send_keys("Console referral bonus")
    Select(element(browser, "#rule-type")).select_by_value("referral")
    element(browser, "#rule-at-hire").send_keys("50")
    element(browser, "#rule-points").send_keys("200")
    element(browser, '#rule-budget option[value="milestones"]')  # the budgets listed
    Select(element(browser, "#rule-budget")).select_by_value("milestones")
    element(browser, "#rule-message").send_keys("Thank you for the referral, {first_name}!")
    element(browser, "form[data-form=new-rule] button[type=submit]").click()
    assert element(browser, "p.problem").text.startswith("Referral: a share from 0 to 100")
    element(browser, "#rule-after-days").send_keys("60")
    element(browser, "form[data-form=new-rule] button[type=submit]").click()
    assert element(browser, "p.done").text == "Rule Console referral bonus created."

    def shown():
        return browser.find_elements(By.CSS_SELECTOR, "main table, main form")

    assert api_calls_opening(browser, "hr-referrals", lambda: wait_for(shown, "the page shown")) <= 3
    element(browser, "form[data-form=new-referral] button[type=submit]").click()
    assert element(browser, "p.problem").text.startswith("Give the new hire's employee id")
    element(browser, "#referral-hire").send_keys(HIRE)
    element(browser, "#referral-referrer").send_keys("rosa.referrer@plaudit.example")
    day = element(browser, "#referral-day")
    browser.execute_script(
        "arguments[0].value = '2026-11-30'; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
        day,
    )
    element(browser, "form[data-form=new-referral] button[type=submit]").click()
    assert (
        element(browser, "p.done").text == f"{HIRE} recorded: {REFERRER} is rewarded by the referral rules."
    )
    row = element(browser, f'tr[data-referral="{HIRE}"]').text
    assert "100 points paid · 100 points on" in row, row
    awards = stack.request("GET", f"/v1/milestones/awards?employee={REFERRER}", token=token).json["items"]
    assert [(a["points"], a["source"]) for a in awards] == [(100, "referral")]

    found = {"en": axe_violations(browser)}
    set_language(browser, "ar")
    go(browser, "hr-referrals")
    element(browser, f'tr[data-referral="{HIRE}"]')
    found["ar"] = axe_violations(browser)
    set_language(browser, "en")
    assert found == {"en": [], "ar": []}

    browser.set_window_size(360, 800)
    go(browser, "hr-referrals")
    element(browser, f'tr[data-referral="{HIRE}"]')
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return innerWidth"), f"scrolls sideways ({width} px)"
