"""The web console's HR admin pages in the run's one headless Chromium against the local stack: HR edits
a setting and downloads a CSV (issue 13's flow), two people editing the settings at once get the version
conflict explained, and every HR page loads in English with at most three API calls, without a serious
accessibility violation in English and Arabic, and without scrolling sideways 360 px wide."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

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
from selenium.webdriver.support.select import Select

pytestmark = pytest.mark.browser

HANA = "E1001"  # the demo HR admin (examples/org.yaml's seed)
PAGES = (
    "hr-dashboard",
    "hr-reports",
    "hr-directory",
    "hr-budgets",
    "hr-campaigns",
    "hr-rules",
    "hr-seasons",
    "hr-badges",
    "hr-catalogue",
    "hr-moderation",
    "hr-settings",
)


@pytest.fixture(scope="module")
def hana(stack) -> str:
    """Hana's token for the module's API calls, minted once (each mint starts the CLI)."""
    return stack.token("--employee", HANA)


@pytest.fixture(scope="module")
def many_budgets(stack, hana) -> None:
    """More budgets than the API's page (100): lists page on with "Show more", pickers follow every page."""

    def budget(n: int) -> int:
        body = {"id": f"page-{n:03}", "name": f"Programme {n:03}", "kind": "program"}
        return stack.request("POST", "/v1/budgets", token=hana, body=body).status

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(budget, range(100))) <= {201, 409}


def every(stack, token: str, path: str) -> list[dict]:
    """Every item of an API list, page after page."""
    items, cursor = [], None
    while True:
        reply = stack.request(
            "GET", f"{path}?limit=100" + (f"&cursor={cursor}" if cursor else ""), token=token
        )
        assert reply.status == 200, reply.body
        items += reply.json["items"]
        if not (cursor := reply.json["next_cursor"]):
            return items


def settings(stack, token: str) -> dict:
    reply = stack.request("GET", "/v1/settings", token=token)
    assert reply.status == 200, reply.body
    return reply.json


def replace(browser, css: str, text: str) -> None:
    field = element(browser, css)
    field.clear()
    field.send_keys(text)


def edit_row(browser, row: str, form: str, field: str, change: tuple[str, str]) -> str:
    """Edit a list's row in the page's form (its first button): the form shows the row's `field` as
    change[0], which becomes change[1]; what the page then says."""
    element(browser, f"{row} button").click()
    assert element(browser, field).get_attribute("value") == change[0]
    replace(browser, field, change[1])
    element(browser, f"form[data-form={form}] button[type=submit]").click()
    return element(browser, "p.done").text


def test_hr_edits_a_setting_and_downloads_a_csv(browser, stack, hana, tmp_path) -> None:
    before = settings(stack, hana)
    sign_in(browser, stack, HANA)
    go(browser, "hr-settings")
    element(browser, "#setting-reaction_undo_minutes")
    screenshot(browser, "hr-settings")
    wanted = (before["reaction_undo_minutes"] + 1) % 1440
    replace(browser, "#setting-reaction_undo_minutes", str(wanted))
    rows = before["leaderboards"]["top_n"] % 50 + 1
    replace(browser, "#setting-leaderboards-top_n", "51")  # above the API's maximum: said before sending
    element(browser, "form button[type=submit]").click()
    assert element(browser, "form p.problem").text == "Rows a leaderboard shows: a whole number from 1 to 50."
    assert settings(stack, hana) == before
    replace(browser, "#setting-leaderboards-top_n", str(rows))
    element(browser, "#setting-company_values").send_keys("\nbad slug | Bad")
    element(browser, "form button[type=submit]").click()
    assert element(browser, "form p.problem").text.startswith(
        "Company values (what people tag with #): one a line"
    )
    value = f"kind{len(before['company_values'])}"  # a new company value, one a line in the text area
    replace(
        browser,
        "#setting-company_values",
        "\n".join(
            [
                " | ".join(v for v in (c["slug"], c["name"], c.get("description")) if v)
                for c in before["company_values"]
            ]
            + [f"{value} | Kindness | Small acts count"]
        ),
    )
    element(browser, "form button[type=submit]").click()
    assert element(browser, "p.done").text == "Settings saved."
    after = settings(stack, hana)
    assert (after["reaction_undo_minutes"], after["leaderboards"]["top_n"]) == (wanted, rows)
    expected = {
        **before,
        "reaction_undo_minutes": wanted,
        "leaderboards": {**before["leaderboards"], "top_n": rows},
        "company_values": [
            *before["company_values"],
            {"slug": value, "name": "Kindness", "description": "Small acts count"},
        ],
    }
    assert after == expected  # only what changed was sent

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    go(browser, "hr-reports")
    element(browser, 'table[data-report="participation"]')
    element(browser, ".form button").click()
    name = element(browser, "a[data-download]").get_attribute("data-download")
    assert name.startswith("participation-")
    assert name.endswith(".csv")
    download = wait_for(lambda: (tmp_path / name).is_file() and (tmp_path / name), "the CSV download")
    rows = list(csv.reader(io.StringIO(wait_for(download.read_text, "the CSV's text"))))
    assert {"people", "previous_people"} <= set(rows[0]), rows[0]
    assert len(rows) >= 2  # the totals row, then each row


def test_two_people_editing_the_settings_get_the_conflict_explained(browser, stack, hana) -> None:
    sign_in(browser, stack, HANA)
    go(browser, "hr-settings")
    hour = int(element(browser, "#setting-celebration_hour").get_attribute("value"))
    their_hour = (hour + 1) % 24
    # someone else saves the settings while this form is open
    other = stack.request("PATCH", "/v1/settings", token=hana, body={"celebration_hour": their_hour})
    assert other.status == 200, other.body
    mine = str((settings(stack, hana)["points_per_reaction"] % 5) + 1)
    replace(browser, "#setting-points_per_reaction", mine)
    element(browser, "form button[type=submit]").click()
    conflict = element(browser, ".conflict")
    assert "Someone else saved the settings" in conflict.text
    assert "version_mismatch" in element(browser, "p.problem").text
    assert settings(stack, hana)["celebration_hour"] == their_hour  # nothing overwritten
    conflict.find_element(By.TAG_NAME, "button").click()  # load theirs, keep mine
    wait_for(lambda: not browser.find_elements(By.CSS_SELECTOR, ".conflict"), "the latest settings")
    assert element(browser, "#setting-celebration_hour").get_attribute("value") == str(their_hour)
    assert element(browser, "#setting-points_per_reaction").get_attribute("value") == mine
    element(browser, "form button[type=submit]").click()
    assert element(browser, "p.done").text == "Settings saved."
    now = settings(stack, hana)
    assert (now["celebration_hour"], now["points_per_reaction"]) == (their_hour, int(mine))


def test_hr_tops_up_a_budget_and_uploads_codes(browser, stack, hana, many_budgets) -> None:
    token = hana
    sign_in(browser, stack, HANA)
    go(browser, "hr-budgets")
    rows = 'table[data-table="budgets"] tbody tr'
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, rows)) == 100, "the first page")
    element(browser, "button[data-action=more]").click()
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, rows)) > 100, "the next page")
    assert not browser.find_elements(By.CSS_SELECTOR, "button[data-action=more]")  # the last page
    balance = int(
        element(browser, 'tr[data-budget="milestones"] td[data-balance]').get_attribute("data-balance")
    )
    replace(browser, "#top-up-points", "250")
    element(browser, "form[data-form=top-up] button").click()  # no budget chosen: none is assumed
    assert element(browser, "main .problem").text == "Choose the budget to top up."
    assert Select(element(browser, "#top-up-budget")).first_selected_option.get_attribute("value") == ""
    last = f'#top-up-budget option[value="{every(stack, token, "/v1/budgets")[-1]["id"]}"]'
    element(browser, last)  # picked from every budget, past the table's first page
    Select(element(browser, "#top-up-budget")).select_by_value("milestones")
    element(browser, "form[data-form=top-up] button").click()
    assert element(browser, "p.done").text == "Milestone awards topped up with 250 points."
    shown = element(browser, 'tr[data-budget="milestones"] td[data-balance]').get_attribute("data-balance")
    assert int(shown) == balance + 250
    assert stack.request("GET", "/v1/budgets/milestones", token=token).json["balance"] == balance + 250

    go(browser, "hr-catalogue")
    element(browser, "#codes").send_keys("HR-CONSOLE-0001\nHR-CONSOLE-0002\nHR-CONSOLE-0001")
    element(browser, "form[data-form=codes] button").click()
    assert "codes added: 2; already there: 1;" in element(browser, "p.done").text


def set_day(browser, css: str, day: date) -> None:
    """A date field's day, as the browser's own date picker would set it."""
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
        element(browser, css),
        day.isoformat(),
    )


def sent_since(browser, start: float) -> int:
    return browser.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.startTime >= arguments[0]).length",
        start,
    )


def test_hr_picks_budgets_and_catalogue_items_from_lists(browser, stack, hana, many_budgets) -> None:
    """A rule's and a season prize's budget and item are picked from every budget and item the API lists
    (each list loaded once, page after page), an item's value from its own fixed values or typed within its
    range; editing shows what was saved, even an item no longer in the catalogue."""
    token = hana
    budgets = every(stack, token, "/v1/budgets")
    assert len(budgets) > 100  # more than a page
    items = {item["name"]: item for item in every(stack, token, "/v1/catalog/items")}
    gift, trip = items["Amazon.com Gift Card"], items["Weekend city break"]
    # an item taken out of the catalogue after a rule named it: the rule still shows it
    mug = stack.request(
        "POST",
        "/v1/catalog/items",
        token=token,
        body={
            "name": "Retired mug",
            "category": "merchandise",
            "type": "merchandise",
            "denominations": {"fixed": ["15"]},
            "currency": "USD",
            "fulfilment": "internal",
        },
    )
    assert mug.status == 201, mug.body
    made = stack.request(
        "POST",
        "/v1/milestone-rules",
        token=token,
        body={
            "name": "Console mug",
            "type": "hris_event",
            "event_name": "console.mug",
            "message": "Happy birthday, {first_name}!",
            "budget_id": "milestones",
            "catalog_item_id": mug.json["id"],
            "catalog_denomination": "15",
        },
    )
    assert made.status == 201, made.body
    assert stack.request("DELETE", f"/v1/catalog/items/{mug.json['id']}", token=token).status == 204
    sign_in(browser, stack, HANA)

    def listed() -> None:
        element(browser, f'#rule-budget option[value="{budgets[-1]["id"]}"]')  # the last page's last budget
        element(browser, f'#rule-item option[value="{gift["id"]}"]')

    lists = ("/v1/milestone-rules", "/v1/budgets", "/v1/catalog/items")  # not the feed signed in to
    calls = api_calls_opening(browser, "hr-rules", listed, only=lists)
    assert calls == 1 + -(-len(budgets) // 100) + 1  # the rules, each page of budgets, the items
    shown = [o.get_attribute("value") for o in Select(element(browser, "#rule-budget")).options]
    assert shown == ["", *(b["id"] for b in budgets)]  # in the API's order, none cut off
    milestones = next(b for b in budgets if b["id"] == "milestones")
    option = element(browser, '#rule-budget option[value="milestones"]')
    assert option.text == f"Milestone awards (balance: {milestones['balance']:,})"
    assert element(browser, f'#rule-item option[value="{gift["id"]}"]').text == (
        "Amazon.com Gift Card ($10.00, $25.00, $50.00, $100.00)"
    )

    start = browser.execute_script("return performance.now()")
    element(browser, "#rule-name").send_keys("Console gift card")
    Select(element(browser, "#rule-type")).select_by_value("hris_event")  # paid on an event no one sends
    element(browser, "#rule-event").send_keys("console.gift")
    element(browser, "#rule-message").send_keys("Happy birthday, {first_name}!")
    assert not browser.find_elements(By.CSS_SELECTOR, "#rule-denomination")  # no item, no value
    Select(element(browser, "#rule-item")).select_by_value(gift["id"])
    value = Select(element(browser, "#rule-denomination"))
    assert [o.text for o in value.options] == ["Choose…", "$10.00", "$25.00", "$50.00", "$100.00"]
    value.select_by_value("25")
    Select(element(browser, "#rule-budget")).select_by_value("milestones")
    assert sent_since(browser, start) == 0  # picking loads nothing more
    element(browser, "form[data-form=new-rule] button[type=submit]").click()
    assert element(browser, "p.done").text == "Rule Console gift card created."
    rule = next(r for r in every(stack, token, "/v1/milestone-rules") if r["name"] == "Console gift card")
    assert (rule["budget_id"], rule["catalog_item_id"], Decimal(rule["catalog_denomination"])) == (
        "milestones",
        gift["id"],
        Decimal(25),
    )
    element(browser, f'tr[data-rule="{rule["id"]}"] button[aria-label^="Edit"]').click()
    assert element(browser, "#rule-budget").get_attribute("value") == "milestones"
    assert element(browser, "#rule-item").get_attribute("value") == gift["id"]
    assert element(browser, "#rule-denomination").get_attribute("value") == "25"

    element(browser, f'tr[data-rule="{made.json["id"]}"] button[aria-label^="Edit"]').click()
    assert element(browser, "#rule-item").get_attribute("value") == mug.json["id"]
    wait_for(
        lambda: (
            Select(element(browser, "#rule-item")).first_selected_option.text
            == f"{mug.json['id']} (not in the list)"
        ),
        "the missing item named",
    )
    assert element(browser, "#rule-denomination").get_attribute("value") == "15"

    go(browser, "hr-seasons")
    element(browser, "#season-name").send_keys("Console winter")
    first = date.today() + timedelta(days=400)
    set_day(browser, "#season-starts", first)
    set_day(browser, "#season-ends", first + timedelta(days=30))
    element(browser, "button[data-action=add-prize]").click()
    assert element(browser, "#prize-0-rank").get_attribute("value") == "1"
    element(browser, "#prize-0-points").send_keys("300")
    element(browser, "form[data-form=new-season] button[type=submit]").click()
    assert element(browser, "p.problem").text.startswith("Prizes:")  # no budget chosen: said, not sent
    element(browser, '#prize-0-budget option[value="milestones"]')
    Select(element(browser, "#prize-0-budget")).select_by_value("milestones")
    element(browser, "button[data-action=add-prize]").click()
    assert element(browser, "#prize-1-rank").get_attribute("value") == "2"
    Select(element(browser, "#prize-1-budget")).select_by_value("milestones")
    Select(element(browser, "#prize-1-item")).select_by_value(trip["id"])
    assert element(browser, "#prize-1-denomination-hint").text == "€300.00 to €1,000.00"  # its range
    element(browser, "#prize-1-denomination").send_keys("300")
    assert not axe_violations(browser)
    element(browser, "form[data-form=new-season] button[type=submit]").click()
    assert element(browser, "p.done").text == "Season Console winter created."
    season = next(
        s
        for s in stack.request("GET", "/v1/seasons", token=token).json["items"]
        if s["name"] == "Console winter"
    )
    prizes = [
        (
            p["rank"],
            p["points"],
            p["budget_id"],
            p["catalog_item_id"],
            p["catalog_denomination"] and Decimal(p["catalog_denomination"]),
        )
        for p in season["prizes"]
    ]
    assert prizes == [(1, 300, "milestones", None, None), (2, 0, "milestones", trip["id"], Decimal(300))]
    element(browser, f'tr[data-season="{season["id"]}"] button').click()
    assert element(browser, "#prize-0-budget").get_attribute("value") == "milestones"
    assert element(browser, "#prize-1-item").get_attribute("value") == trip["id"]
    assert element(browser, "#prize-1-denomination").get_attribute("value") == "300"

    # a list that cannot load is said, tied to its field; the rest of the form stays usable
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/v1/catalog/items*"]})
    try:
        go(browser, "hr-rules")
        said = element(browser, "#rule-item-problem p.problem").text
        assert said == "The server could not be reached. Try again."
        assert element(browser, "#rule-item").get_attribute("aria-describedby") == "rule-item-problem"
        assert element(browser, "#rule-item").get_attribute("aria-invalid") == "true"
        element(browser, '#rule-budget option[value="milestones"]')
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        browser.execute_cdp_cmd("Network.disable", {})


def test_hr_adds_and_edits_badges_rules_and_catalogue_items_saying_why_before_sending(
    browser, stack, hana
) -> None:
    token = hana
    sign_in(browser, stack, HANA)
    go(browser, "hr-badges")
    element(browser, "#badge-name").send_keys("Steady giver")
    start = browser.execute_script("return performance.now()")
    element(browser, "form[data-form=new-badge] button[type=submit]").click()
    assert element(browser, "p.problem").text == "Give the badge a name and an emoji."
    sent = "return performance.getEntriesByType('resource').filter(e => e.startTime >= arguments[0]).length"
    assert browser.execute_script(sent, start) == 0  # refused in the page: nothing sent
    element(browser, "#badge-emoji").send_keys("fire")
    Select(element(browser, "#badge-kind")).select_by_value("streak")
    element(browser, "#badge-weeks").send_keys("4")
    element(browser, "form[data-form=new-badge] button[type=submit]").click()
    assert element(browser, "p.done").text == "Badge Steady giver created."
    badges = stack.request("GET", "/v1/badges?limit=100", token=token).json["items"]
    made = next(badge for badge in badges if badge["name"] == "Steady giver")
    assert made["criteria"] == {"kind": "streak", "weeks": 4}
    said = edit_row(browser, f'tr[data-badge="{made["id"]}"]', "new-badge", "#badge-weeks", ("4", "6"))
    assert said == "Steady giver saved."
    edited = stack.request("GET", f"/v1/badges/{made['id']}", token=token).json
    assert (edited["criteria"], edited["version"]) == ({"kind": "streak", "weeks": 6}, made["version"] + 1)

    rule = stack.request("GET", "/v1/milestone-rules?limit=100", token=token).json["items"][0]
    go(browser, "hr-rules")
    element(browser, f'tr[data-rule="{rule["id"]}"] button[aria-label^="Edit"]').click()
    assert element(browser, "#rule-name").get_attribute("value") == rule["name"]
    element(browser, "form[data-form=new-rule] button[type=submit]").click()  # saved as it was
    assert element(browser, "p.done").text == f"{rule['name']} saved."
    again = stack.request("GET", f"/v1/milestone-rules/{rule['id']}", token=token).json
    kept = ("created_at", "updated_at", "history", "version")
    assert {k: v for k, v in again.items() if k not in kept} == {
        k: v for k, v in rule.items() if k not in kept
    }

    go(browser, "hr-catalogue")
    element(browser, 'table[data-table="catalogue"]')
    screenshot(browser, "hr-catalogue")
    element(browser, "#item-name").send_keys("Cinema night")
    element(browser, "#item-category").send_keys("fun")
    Select(element(browser, "#item-type")).select_by_value("experience")
    element(browser, "#item-fixed").send_keys("10, 20")
    Select(element(browser, "#item-fulfilment")).select_by_value("internal")
    Select(element(browser, "#item-expiry")).select_by_value("days")
    element(browser, "#item-days").send_keys("30")
    element(browser, "#item-per-person").send_keys("2")
    Select(element(browser, "#item-per-period")).select_by_value("monthly")
    element(browser, "form[data-form=item] button[type=submit]").click()
    assert element(browser, "p.done").text == "Cinema night added to the catalogue."
    items = stack.request("GET", "/v1/catalog/items?limit=100", token=token).json["items"]
    item = next(item for item in items if item["name"] == "Cinema night")
    assert (item["type"], item["fulfilment"], item["denominations"]["fixed"]) == (
        "experience",
        "internal",
        ["10", "20"],
    )
    assert item["restrictions"]["expires_after_days"] == 30
    assert item["restrictions"]["per_person"] == {"count": 2, "period": "monthly"}

    said = edit_row(
        browser,
        f'tr[data-item="{item["id"]}"]',
        "item",
        "#item-name",
        ("Cinema night", "Cinema night for two"),
    )
    assert said == "Cinema night for two saved."
    edited = stack.request("GET", f"/v1/catalog/items/{item['id']}", token=token).json
    assert edited["name"] == "Cinema night for two"
    assert {k: v for k, v in edited.items() if k not in ("name", "updated_at", "version")} == {
        k: v for k, v in item.items() if k not in ("name", "updated_at", "version")
    }  # the rest kept as it was: the form holds every field


def test_hr_imports_a_csv_dry_run_first_then_applied_with_errors_by_line(
    browser, stack, hana, tmp_path
) -> None:
    token = hana
    people = tmp_path / "people.csv"
    people.write_text(
        "id,email,name,department\n"
        "E9101,nia.okoro@plaudit.example,Nia Okoro,Support\n"  # line 2: new
        "E9102,,Nobody Known,Support\n"  # line 3: a new person without an email
        f"{HANA},,,People\n"  # line 4: unchanged
        '"E9103","ravi.rao@plaudit.example","Rao, Ravi",Support\n',  # line 5: new, a quoted comma
        encoding="utf-8",
    )
    sign_in(browser, stack, HANA)
    go(browser, "hr-directory")
    element(browser, "#import-file").send_keys(str(people))
    element(browser, "button[data-action=dry-run]").click()
    plan = element(browser, "[data-plan]")
    assert "2 to change, 1 unchanged, 1 refused" in plan.text
    new = element(browser, 'table[data-table=changes] tr[data-line="2"]').text  # the server's dry run
    assert "New person" in new
    assert "name: Nia Okoro" in new
    assert "E9103" in element(browser, 'table[data-table=changes] tr[data-line="5"]').text
    refused = element(browser, '[data-refused] li[data-line="3"]').text
    assert refused == "Line 3 (E9102): A new employee needs email."  # the rule `plaudit import` applies
    assert stack.request("GET", "/v1/employees/E9101", token=token).status == 404  # a dry run writes nothing
    screenshot(browser, "hr-directory")

    element(browser, "button[data-action=apply]").click()
    wait_for(
        lambda: "2 of 2 applied, 0 refused" in element(browser, "[data-progress]").text, "the import applied"
    )
    assert element(browser, "#import-progress").get_attribute("value") == "2"
    assert stack.request("GET", "/v1/employees/E9103", token=token).json["name"] == "Rao, Ravi"


def test_hr_exports_and_erases_a_person_at_their_request(browser, stack, hana) -> None:
    token = hana
    made = stack.request(
        "PUT",
        "/v1/employees/E9201",
        token=token,
        body={"email": "lee.park@plaudit.example", "name": "Lee Park", "department": "Support"},
    )
    assert made.status in (200, 201), made.body
    sign_in(browser, stack, HANA)
    go(browser, "hr-directory")
    element(browser, "#person-id").send_keys("E9201")
    element(browser, "button[data-action=export]").click()
    link = element(browser, "[data-export=done] a")
    assert link.text == "Download their data (zip)"
    assert link.get_attribute("href").startswith("http")
    element(browser, "button[data-action=erase]").click()
    assert element(browser, "form[data-form=person-data] p.problem").text.startswith("Give a reason")
    element(browser, "#erase-reason").send_keys("Their request, ticket 4711")
    element(browser, "#erase-sure").click()
    element(browser, "button[data-action=erase]").click()
    assert element(browser, "form[data-form=person-data] p.done").text.startswith("E9201 was erased")
    after = stack.request("GET", "/v1/employees/E9201", token=token).json
    assert after["status"] == "erased"


def test_hr_previews_runs_and_reports_a_campaign(browser, stack, tmp_path) -> None:
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    sign_in(browser, stack, HANA)
    go(browser, "hr-campaigns")
    element(browser, "#campaign-name").send_keys("Console launch thanks")
    element(browser, "#campaign-csv").send_keys("employee_id,points\nE1003,5\nE1004,7\nE0000,5\n")
    element(browser, "form[data-form=campaign] button[type=submit]").click()
    assert element(browser, "p.problem").text == "Choose the budget that pays the campaign."  # no default
    Select(element(browser, "#campaign-budget")).select_by_value("milestones")
    element(browser, "form[data-form=campaign] button[type=submit]").click()
    preview = element(browser, "[data-preview]")
    assert preview.text.startswith("2 people, 12 points in all")
    assert "Line 4 (E0000) skipped" in element(browser, '[data-skipped] li[data-line="4"]').text
    element(browser, "button[data-action=run]").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-campaign=done]"), "the campaign run")
    assert "Paid 2," in element(browser, "[data-campaign=done]").text
    element(browser, "button[data-action=report]").click()
    name = element(browser, "a[data-download]").get_attribute("data-download")
    download = wait_for(lambda: (tmp_path / name).is_file() and (tmp_path / name), "the campaign report")
    rows = list(csv.DictReader(io.StringIO(wait_for(download.read_text, "the report's text"))))
    assert {(row["employee_id"], row["outcome"]) for row in rows} >= {("E1003", "paid"), ("E1004", "paid")}


def test_hr_hides_a_kudos_that_broke_the_rules(browser, stack) -> None:
    giver = stack.token("--employee", "E1003")
    given = stack.request(
        "POST",
        "/v1/recognitions",
        token=giver,
        body={"recipient_ids": ["E1004"], "points": 1, "message": "Something that breaks the rules"},
    )
    assert given.status == 201, given.body
    sign_in(browser, stack, HANA)
    go(browser, "hr-moderation")
    element(browser, "#kudos-id").send_keys(given.json["id"])
    element(browser, "#hide-reason").send_keys("Harassment policy")
    element(browser, "form[data-form=hide] button[type=submit]").click()
    assert element(browser, "p.done").text.startswith(f"Kudos {given.json['id']} is hidden")
    feed = stack.request("GET", "/v1/recognitions?limit=50", token=giver).json["items"]
    assert given.json["id"] not in {kudos["id"] for kudos in feed}


def test_each_hr_page_loads_with_at_most_three_api_calls(browser, stack) -> None:
    """Three lists at most (a list longer than a page, like the budgets a form picks from, costs a call a
    further page)."""
    sign_in(browser, stack, HANA)

    def shown():
        return browser.find_elements(By.CSS_SELECTOR, "main table, main form")

    calls = {}
    for page in PAGES:
        calls[page] = api_calls_opening(
            browser, page, lambda: wait_for(shown, "the page shown"), further_pages=False
        )
        assert not browser.find_elements(By.CSS_SELECTOR, "main .problem"), page
        if page == "hr-dashboard":
            assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart svg[role=img] + div table")) == 4
            screenshot(browser, "hr-dashboard")
    assert all(count <= 3 for count in calls.values()), calls


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_serious_accessibility_violation_on_any_hr_page(browser, stack, locale: str) -> None:
    sign_in(browser, stack, HANA)
    if locale != "en":
        set_language(browser, locale)
    found = {}
    for page in PAGES:
        go(browser, page)
        wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "main table, main form"), f"{page} shown")
        if violations := axe_violations(browser):
            found[page] = violations
        if locale == "ar" and page == "hr-dashboard":
            # the charts are mirrored: the first period's bar starts at the right
            first = element(browser, "svg[data-chart=points] rect")
            assert float(first.get_attribute("x")) > 300
    if locale != "en":
        set_language(browser, "en")
    assert not found


def test_every_hr_page_works_360_px_wide(browser, stack) -> None:
    sign_in(browser, stack, HANA, size=(360, 800))
    for page in PAGES:
        go(browser, page)
        wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "main table, main form"), f"{page} shown")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= browser.execute_script("return innerWidth"), f"{page} scrolls sideways ({width} px)"
