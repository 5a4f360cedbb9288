"""What the console's browser tests share (tests/e2e/test_console_*browser.py): finding elements, signing in
through the dev sign-in, moving between pages, axe-core and screenshots. The one headless Chromium they all
reuse is the `browser` fixture in conftest.py."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

REPO = Path(__file__).resolve().parents[2]
CONSOLE = REPO / "console"
SCREENSHOTS = REPO / "docs" / "screenshots"
AXE = CONSOLE / "node_modules" / "axe-core" / "axe.min.js"
WAIT_S = 30.0
ALICE, BOB, DANA, IRIS, JON = "E1003", "E1004", "E1006", "E1011", "E1012"


def wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise TimeoutException(f"waited {WAIT_S:.0f} s for {what}")


def element(browser: WebDriver, css: str) -> WebElement:
    return wait_for(lambda: next(iter(browser.find_elements(By.CSS_SELECTOR, css)), None), css)


def sign_in(browser: WebDriver, stack: Any, employee: str, size: tuple[int, int] = (1280, 900)) -> None:
    """A fresh page (the token lives in memory: loading the page signs out), then the dev sign-in."""
    browser.set_window_size(*size)
    browser.get("about:blank")  # a new document: only changing the hash would keep the page (and its token)
    browser.get(stack.api_url + "/#/feed")
    element(browser, f'button[data-employee="{employee}"]').click()
    element(browser, "nav a[aria-current=page]")


def go(browser: WebDriver, page: str) -> None:
    browser.execute_script("location.hash = arguments[0]", f"#/{page}")
    wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, f'nav a[href="#/{page}"][aria-current=page]'), page
    )
    element(browser, "main h1")
    wait_for(lambda: not browser.find_elements(By.XPATH, "//main//p[contains(., '…')]"), f"{page} loaded")


def set_language(browser: WebDriver, locale: str) -> None:
    go(browser, "profile")
    browser.execute_script(
        "const s = document.getElementById('locale'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('change', {bubbles: true}));",
        locale,
    )
    element(browser, "form button[type=submit]").click()
    wait_for(lambda: browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == locale, locale)


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(browser: WebDriver) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is. axe (~0.5 MB of script) is read once
    per run and sent to a document only once: moving between pages keeps the document."""
    if not browser.execute_script("return typeof axe !== 'undefined'"):
        browser.execute_script(_axe_source())
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in json.loads(result)
        if v["impact"] in ("serious", "critical")
    ]


# A screenshot is rewritten only when it changed materially: more than this share of its pixels differ, or
# its size did (a date, a voucher code or a fresh id in a run changes a few pixels: not worth a new file).
MATERIAL_CHANGE = 0.02

# Compares two PNGs (data URLs) in the browser's own canvas: the share of pixels that differ, 1 if sizes do.
_PIXELS_DIFFERING = """
const [before, after, done] = arguments;
const load = (url) => new Promise((ok, fail) => {
  const image = new Image(); image.onload = () => ok(image); image.onerror = fail; image.src = url;
});
Promise.all([load(before), load(after)]).then(([a, b]) => {
  if (a.width !== b.width || a.height !== b.height) return done(1);
  const pixels = (image) => {
    const canvas = document.createElement("canvas");
    canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [x, y] = [pixels(a), pixels(b)];
  let differing = 0;
  for (let i = 0; i < x.length; i += 4)
    if (x[i] !== y[i] || x[i + 1] !== y[i + 1] || x[i + 2] !== y[i + 2]) differing++;
  done(differing / (x.length / 4));
}, () => done(1));
"""


def screenshot(browser: WebDriver, name: str) -> bool:
    """docs/screenshots/<name>.png, rewritten only when the page looks materially different from the
    committed image (so test runs do not churn the repository); True when it was written."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    taken = browser.get_screenshot_as_base64()
    if path.exists():
        before = base64.b64encode(path.read_bytes()).decode()
        share = browser.execute_async_script(
            _PIXELS_DIFFERING, f"data:image/png;base64,{before}", f"data:image/png;base64,{taken}"
        )
        if share <= MATERIAL_CHANGE:
            return False
    path.write_bytes(base64.b64decode(taken))
    return True


def api_calls_opening(
    browser: WebDriver,
    page: str,
    settled: Callable[[], Any] | None = None,
    *,
    further_pages: bool = True,
    only: tuple[str, ...] = ("/v1/",),
) -> int:
    """How many API requests (/v1/...) opening `page` started. Counted from the navigation on: a request
    of the page before that is still in flight enters the browser's timings only when it completes, so
    clearing the timings first would count it here. `settled`: what to wait for once the page is shown.
    `further_pages=False`: the lists' first pages only (a list longer than a page costs a call a page).
    `only`: the paths counted (a page before that, still loading in steps, may start its next request
    after the navigation began: the feed names its people once its kudos came)."""
    start = browser.execute_script("return performance.now()")
    go(browser, page)
    if settled is not None:
        settled()
    return browser.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.startTime >= arguments[0]"
        " && arguments[2].some(path => new URL(e.name).pathname.startsWith(path))"
        " && (arguments[1] || !new URL(e.name).searchParams.has('cursor'))).length",
        start,
        further_pages,
        list(only),
    )
