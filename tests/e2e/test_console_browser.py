"""The web console's employee pages in a real headless Chromium (Debian's chromium + chromium-driver,
driven by Selenium) against the e2e tests' local stack: one browser for the whole run (conftest.py).
Screenshots go to docs/screenshots/ (shown in README). `make test`'s browser stage builds the console
first (`make console`)."""

from __future__ import annotations

import json

import pytest
from console_pages import (
    ALICE,
    BOB,
    CONSOLE,
    DANA,
    IRIS,
    JON,
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
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser

PAGES = ("feed", "give", "wallet", "catalogue", "rewards", "achievements", "leaderboard", "profile")


def test_the_prod_build_has_no_dev_sign_in() -> None:
    def bundle(build: str) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in (CONSOLE / build / "assets").glob("*.js"))

    assert "/_local/dev/token" in bundle("dist-dev")
    assert "/_local/dev" not in bundle("dist")
    assert "/config.json" in bundle("dist")  # its OIDC sign-in (test_console_signin_browser.py)


def test_the_console_is_served_with_its_security_headers(stack) -> None:
    page = stack.request("GET", "/")
    assert page.status == 200
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert b"<script" in page.body
    assert stack.request("GET", "/v1/me").status == 401  # the API beside it, on the same origin


def test_an_employee_gives_kudos_and_sees_them_in_the_feed_and_in_slack(browser, stack) -> None:
    sign_in(browser, stack, ALICE)
    seen = stack.request("GET", "/_local/slack/calls").json["last"]
    go(browser, "give")
    recipients = element(browser, "#recipients")  # picked by name (GET /v1/people?q=), not typed as ids
    recipients.send_keys("bo")
    element(browser, f'#recipients-options [role=option][data-person="{BOB}"]').click()
    recipients.send_keys("JON")  # any case; picked with the keyboard
    element(browser, f'#recipients-options [aria-selected=true][data-person="{JON}"]')
    assert not axe_violations(browser)  # the open list too
    recipients.send_keys(Keys.ENTER)
    picked = browser.find_elements(By.CSS_SELECTOR, ".picked li")
    assert [li.get_attribute("data-person") for li in picked] == [BOB, JON]
    points = element(browser, "#points")
    points.clear()
    points.send_keys("3")
    element(browser, "#message").send_keys("Thanks for the release notes")
    element(browser, "#values").send_keys("teamwork")
    screenshot(browser, "give-kudos")
    element(browser, "form button[type=submit]").click()
    done = element(browser, "p.done")
    assert done.text == "Kudos sent to Bob Okafor, Jon Berg."
    assert not browser.find_elements(By.CSS_SELECTOR, ".picked li")

    go(browser, "feed")
    first = element(browser, ".feed li")
    assert "Thanks for the release notes" in first.text
    assert "6 points" in first.text  # 3 each to two people
    wait_for(lambda: "Bob Okafor" in first.text, "people's names, not ids (GET /v1/people)")
    assert BOB not in first.text
    screenshot(browser, "feed")
    calls = stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"]
    assert any(
        "Thanks for the release notes" in json.dumps(c["params"])
        for c in calls
        if c["method"] == "chat.postMessage"
    ), calls


def test_the_apis_refusal_is_shown_with_its_code_and_the_form_checks_first(browser, stack) -> None:
    sign_in(browser, stack, ALICE)
    go(browser, "give")
    element(browser, "form button[type=submit]").click()
    assert element(browser, "p.problem").text == "Name at least one recipient."
    element(browser, "#recipients").send_keys("ali")  # to herself: the API refuses
    element(browser, f'#recipients-options [data-person="{ALICE}"]').click()
    element(browser, "#message").send_keys("me, myself")
    element(browser, "form button[type=submit]").click()
    refusal = wait_for(
        lambda: "code:" in element(browser, "p.problem").text and element(browser, "p.problem"), "the refusal"
    )
    assert "(code: " in refusal.text
    element(browser, "button[data-action=sign-out]").click()  # back to the dev sign-in page, at the root
    element(browser, "button[data-employee]")
    assert browser.execute_script("return location.hash") == ""


def test_kudos_text_is_shown_as_text_never_as_html(browser, stack) -> None:
    hostile = (
        "<script>window.__owned = 1</script><img src=x onerror=window.__owned=2> \u202egnp.exe\u0000 done"
    )
    reply = stack.request(
        "POST",
        "/v1/recognitions",
        token=stack.token("--employee", DANA),
        body={"recipient_ids": [IRIS], "points": 1, "message": hostile},
    )
    assert reply.status == 201, reply.body
    stored = reply.json["message"]
    sign_in(browser, stack, IRIS)
    message = element(browser, f'li[data-kudos="{reply.json["id"]}"] .message')
    assert message.get_attribute("textContent") == stored
    assert browser.execute_script("return window.__owned") is None
    assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")
    assert message.value_of_css_property("unicode-bidi") == "isolate"


def test_wallet_and_profile(browser, stack) -> None:
    sign_in(browser, stack, BOB)
    go(browser, "wallet")
    assert element(browser, "[data-points]").get_attribute("data-points").isdigit()
    assert "Allowance left to give" in element(browser, "main").text
    screenshot(browser, "wallet")
    go(browser, "profile")
    assert "Bob Okafor" in element(browser, "main").text


def test_arabic_is_right_to_left_and_the_choice_is_kept(browser, stack) -> None:
    sign_in(browser, stack, DANA)
    set_language(browser, "ar")
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("dir") == "rtl"
    assert element(browser, "main h1").text == "الملف الشخصي"
    assert "الموجز" in element(browser, "nav").text
    go(browser, "feed")
    screenshot(browser, "feed-ar")
    # the layout is mirrored: the navigation starts at the right
    nav = element(browser, "nav a")
    assert nav.location["x"] > browser.execute_script("return innerWidth") / 2
    sign_in(browser, stack, DANA)  # a new session: the language comes from her profile
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    set_language(browser, "en")


@pytest.mark.parametrize(
    ("locale", "feed_title"), [("it", "Bacheca dei riconoscimenti"), ("fr", "Fil des félicitations")]
)
def test_italian_and_french(browser, stack, locale: str, feed_title: str) -> None:
    sign_in(browser, stack, JON)
    set_language(browser, locale)
    go(browser, "feed")
    assert element(browser, "main h1").text == feed_title
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "ltr"
    set_language(browser, "en")


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_serious_accessibility_violation_on_any_page(browser, stack, locale: str) -> None:
    sign_in(browser, stack, IRIS)
    set_language(browser, locale)
    found = {}
    for page in PAGES:
        go(browser, page)
        if violations := axe_violations(browser):
            found[page] = violations
    if locale == "en":
        browser.get(stack.api_url + "/")  # the sign-in page too
        element(browser, "button[data-employee]")
        found["sign-in"] = axe_violations(browser) or None
        screenshot(browser, "sign-in")
    if locale != "en":
        set_language(browser, "en")
    assert not {page: v for page, v in found.items() if v}


def test_every_page_works_360_px_wide(browser, stack) -> None:
    sign_in(browser, stack, ALICE, size=(360, 800))
    for page in PAGES:
        go(browser, page)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= browser.execute_script("return innerWidth"), f"{page} scrolls sideways ({width} px)"
        if page == "give":
            screenshot(browser, "give-kudos-360")


def test_each_page_makes_at_most_three_api_calls(browser, stack) -> None:
    sign_in(browser, stack, ALICE)
    calls = {}
    for page in PAGES:
        calls[page] = api_calls_opening(browser, page)
    assert all(count <= 3 for count in calls.values()), calls
    assert calls["wallet"] == 1  # the person's record is loaded once per sign-in, not per page
