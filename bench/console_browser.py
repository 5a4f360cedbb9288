"""`python -m bench.console_browser` (part of `make bench`): the web console in headless Chromium (Debian's
chromium + chromium-driver, as the browser tests use) against a fresh local stack: the first load's time to
interactive (until the sign-in page's buttons can be pressed) and DOM-interactive time, then, signed in as
a demo employee, each page's time until it shows its content and the API calls it made. Figures only:
wall-clock time is reported, never a reason to fail (the browser tests assert the <= 3 calls per page).
It measures the dev build `make dev` serves (the prod build's code plus the dev sign-in page)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import sections
from bench.memory import local_stack

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PERSON = "E1003"  # Alice, an employee of the demo organisation
PAGES = ("feed", "give", "wallet", "catalogue", "rewards", "achievements", "leaderboard", "profile")
WAIT_S = 30.0
SHOWN = "return !!document.querySelector(`nav a[href='#/${arguments[0]}'][aria-current=page]`)"
LOADED = (
    "return !!document.querySelector('main h1') && !document.querySelector('main').textContent.includes('…')"
)


@dataclass(frozen=True)
class PageFigure:
    page: str
    first_ms: float  # the first visit: the local stack may start the page's functions (a cold start)
    again_ms: float  # the second visit, warm
    api_calls: int


def _wait(driver, script: str, *args: object) -> None:
    deadline = time.monotonic() + WAIT_S
    while not driver.execute_script(script, *args):
        if time.monotonic() > deadline:
            raise RuntimeError(f"bench.console_browser: waited {WAIT_S:.0f} s for {script}")
        time.sleep(0.01)


def measure(api_url: str) -> tuple[float, float, list[PageFigure]]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="plaudit-bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(api_url + "/#/feed")
        _wait(driver, "return !!document.querySelector('button[data-employee]')")
        interactive = driver.execute_script("return performance.now()")
        dom = driver.execute_script("return performance.getEntriesByType('navigation')[0].domInteractive")
        driver.find_element("css selector", f'button[data-employee="{PERSON}"]').click()
        _wait(driver, "return !!document.querySelector('nav a[aria-current=page]')")
        visits: dict[str, list[float]] = {page: [] for page in PAGES}
        calls: dict[str, int] = {}
        for _ in range(2):
            for page in PAGES:
                driver.execute_script("performance.clearResourceTimings(); window.__t = performance.now()")
                driver.execute_script("location.hash = arguments[0]", f"#/{page}")
                _wait(driver, SHOWN, page)
                _wait(driver, LOADED)
                visits[page].append(driver.execute_script("return performance.now() - window.__t"))
                time.sleep(0.3)  # calls a page makes after its first content (e.g. the feed's names)
                calls[page] = driver.execute_script(
                    "return performance.getEntriesByType('resource')"
                    ".filter(e => e.name.includes('/v1/')).length"
                )
        figures = [PageFigure(page, *visits[page], calls[page]) for page in PAGES]
        return interactive, dom, figures
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def render(interactive: float, dom: float, figures: list[PageFigure]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = "\n".join(f"| {f.page} | {f.first_ms:,.0f} | {f.again_ms:,.0f} | {f.api_calls} |" for f in figures)
    return f"""<!-- bench.console_browser: start -->
## Web console in a browser

Measured by `.venv/bin/python -m bench.console_browser` (in `make bench`) on {when}: headless Chromium
against a fresh local stack on this machine (the dev build `make dev` serves). First load: time to
interactive {interactive:,.0f} ms (until the sign-in page's buttons can be pressed), DOM interactive
{dom:,.0f} ms. Then, signed in as a demo employee, each page from its link until its content shows, on
the first visit (which may include the local stack's cold start of the page's functions) and the second,
and the API calls it made (GET /v1/me is made once per sign-in, before these). Figures, never asserted.

| page | first visit (ms) | again (ms) | API calls |
|---|---:|---:|---:|
{rows}
<!-- bench.console_browser: end -->"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_browser", description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        print("bench.console_browser: needs chromium and chromium-driver (apt-get install)", file=sys.stderr)
        return 1
    with local_stack() as stack:
        section = render(*measure(stack.api_url))
    print(section)
    sections.write(args.output, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
