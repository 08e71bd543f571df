"""Fixtures for the browser tests (test_browser.py): a demo world behind a live server, and Chromium.

The browser is always Debian's /usr/bin/chromium (the `chromium` package, installed by .ci/run), never one
downloaded by `playwright install`. Playwright's sync API runs an event loop while it is started, and Django
refuses ORM calls from a thread with a running loop; so the fixtures touch the database only before the
browser starts (`browser_world`) and after it has stopped, and the test itself only drives the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.core.management import call_command

from duikou.browser import VIEWPORT, launch_chromium

TIMEOUT_MS = 15_000
DATASET_SCALE = 0.02  # ~770 projects, ~8,000 ledger entries: every chart has data, set up in a few seconds


@dataclass
class BrowserWorld:
    """What the browser test needs to know about the data, read before the browser starts."""

    username: str
    password: str
    county_code: str
    county_id: int
    county_name: str


@pytest.fixture
def browser_world(transactional_db, live_server) -> BrowserWorld:
    """Reference data, a small generated data set and the demo accounts, committed for the live server.

    At teardown the data set is wiped *before* pytest-django flushes the database: on SQLite the flush
    deletes row by row, which the ledger's append-only trigger refuses; `wipe_dataset` lifts it safely.
    """
    from duikou.core.context import change_context
    from duikou.demo.generator import generate_dataset
    from duikou.demo.management.commands.demo_accounts import DEMO_ACCOUNTS
    from duikou.demo.wipe import wipe_dataset
    from duikou.geo.models import Division
    from duikou.reference.loader import load_reference

    load_reference()
    with change_context(source="test", note="browser tests"):
        generate_dataset(scale=DATASET_SCALE, seed=1, progress=lambda message: None)
    # The command refuses with DEBUG off (tests run with DEBUG off); this is a throw-away test database.
    call_command("demo_accounts", force=True, stdout=StringIO())
    username, password, role, _organization, _is_staff = DEMO_ACCOUNTS[0]
    assert role == "platform_admin", "the first demo account is expected to be the administrator"
    county = Division.objects.get(code="653125")  # 莎车县, the largest county by aid in the data set
    try:
        yield BrowserWorld(
            username=username,
            password=password,
            county_code=county.code,
            county_id=county.pk,
            county_name=county.name,
        )
    finally:
        wipe_dataset()


@dataclass
class PageProblems:
    """JavaScript errors and failed static files seen by a page; a test asserts there are none."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        page.on(
            "response",
            lambda response: (
                self.errors.append(f"HTTP {response.status} for {response.url}")
                if response.status >= 400 and re.search(r"/static/", response.url)
                else None
            ),
        )
        # What the Content Security Policy refuses (an inline script or style, a foreign source) is reported
        # on the console only; a page that needs 'unsafe-inline' fails here (docs/security.md).
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"CSP: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.on(
            "requestfailed",
            lambda request: (
                # A request cut short by leaving the page (a click that navigates) is not a problem.
                None
                if "ERR_ABORTED" in (request.failure or "")
                else self.errors.append(f"request failed: {request.url} ({request.failure})")
            ),
        )


@pytest.fixture
def page(browser_world):
    """A fresh Chromium page (1440×900, Chinese locale): opened after the data, closed before the flush."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
            context.set_default_timeout(TIMEOUT_MS)
            yield context.new_page()
            context.close()
        finally:
            browser.close()


@pytest.fixture
def page_problems(page) -> PageProblems:
    """Collects the page's JavaScript errors and failed static files from now on."""
    problems = PageProblems()
    problems.watch(page)
    return problems
