"""Playwright driving Debian's Chromium against pytest-django's live server.

One browser for the whole session (starting Chromium is the slow part) and a fresh
context per test, so no cookie or session leaks from one journey into the next.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in the test thread, and Django refuses
# database access from a thread with a running loop. The loop here only drives the
# browser, so the tests' own database access is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("JOINEDUP_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{CHROMIUM} is missing and JOINEDUP_REQUIRE_BROWSER=1 requires the browser "
            "tests to run: install Debian's chromium package (apt-get install chromium)",
            pytrace=False,
        )
    pytest.skip(f"{CHROMIUM} is not installed (JOINEDUP_REQUIRE_BROWSER=1 makes this a failure)")


@pytest.fixture(scope="session")
def browser():
    _chromium_or_skip()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django's connections are context-local, and starting Playwright moves this thread
    # into a new context: without this, later tests would get fresh connection objects
    # that lack the test database's serialized contents, so serialized_rollback would
    # silently restore nothing once a browser test had flushed the tables.
    existing = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in existing.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _open_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    # What the browser refused under the Content Security Policy, so a test can check
    # that the pages really work without inline code.
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context, with relative URLs against the live server."""
    context, page = _open_page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser, live_server):
    """The same, with JavaScript switched off: every journey must work without it."""
    context, page = _open_page(browser, live_server, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def empty_audit_log_after(transactional_db):
    """The audit log refuses deletes, so the flush that ends a transactional test would
    fail; empty it first, as the audit tests do (`pytest.mark.usefixtures` it)."""
    from tests.audit import tampering

    yield
    tampering.erase_audit_log()
