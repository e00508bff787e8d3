"""Browser fixtures for the journeys: Debian's Chromium driven by Playwright, plus axe-core.

Playwright cannot download its own browser here, so it drives /usr/bin/chromium (R59 notes).
Each test gets a fresh browser context (cookies, storage) and a `Journey` helper that records
every URL the browser asked for, every console message and every CSP report, so a journey can
assert that nothing leaked into a URL (R4), nothing broke the CSP (R2) and axe found no serious
or critical accessibility problem (R59).
"""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module: while Playwright runs, this thread has a live event loop,
    so it must not outlive the journeys (tests/journeys/conftest.py explains)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Journey:
    """One browser context and what it saw."""

    context: Any
    page: Any
    base_url: str
    requested_urls: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    axe_checked: list[str] = field(default_factory=list)

    def go(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    @property
    def csp_violations(self) -> list[str]:
        reports = [u for u in self.requested_urls if u.removeprefix(self.base_url).startswith("/csp-report/")]
        refused = [m for m in self.console if "Content Security Policy" in m or "Refused to" in m]
        return reports + refused

    def check_accessibility(self, label: str) -> None:
        """Run axe-core on the current page; fail on any serious or critical violation (R59)."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}" for v in blocking
        )
        assert not blocking, f"axe found serious/critical problems on {label} ({self.page.url}):\n{details}"
        self.axe_checked.append(label)


@pytest.fixture
def journey(browser: Any, live_server: Any) -> Iterator[Journey]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    page = context.new_page()
    trip = Journey(context=context, page=page, base_url=live_server.url)
    # Context-wide, so requests the browser makes by itself (CSP reports) are seen too.
    context.on("request", lambda request: trip.requested_urls.append(request.url))
    page.on("console", lambda message: trip.console.append(f"{message.type}: {message.text}"))
    try:
        yield trip
    finally:
        context.close()
