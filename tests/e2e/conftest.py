"""Browser fixtures: Playwright (sync API) driving Debian's chromium against the live server.

The browser tests skip when chromium is missing, unless MELDPUNT_REQUIRE_BROWSER=1
(CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path(os.environ.get("MELDPUNT_CHROMIUM", "/usr/bin/chromium"))

# Headless, as root, on a machine without a GPU or outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Screenshots of failed browser tests land here (ignored by git).
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 360, "height": 740},
}


def browser_required() -> bool:
    return os.environ.get("MELDPUNT_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Let the tests use the ORM while Playwright's event loop runs in this thread.

    The sync API keeps an asyncio loop running for as long as Playwright is
    started, and Django refuses ORM calls while a loop runs. The ORM calls
    here (factories, database flushes) are plain synchronous code, so the
    guard is lifted for the browser tests only and restored afterwards.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_allow_orm_beside_playwright: None) -> Iterator[Browser]:
    """One headless chromium for all browser tests in this package."""
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} not found: install Debian's chromium package "
            "(apt-get install chromium) to run the browser tests"
        )
        if browser_required():
            pytest.fail(f"MELDPUNT_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return VIEWPORTS[request.param]


def _new_context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    # A Dutch visitor: Dutch is the default language, so pages start in nl.
    context = browser.new_context(viewport=viewport, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(10_000)
    return context


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


def _tab(request: pytest.FixtureRequest, browser: Browser, size: dict[str, int]) -> Iterator[Page]:
    context = _new_context(browser, size)
    tab = context.new_page()
    yield tab
    if request.node.stash.get(_CALL_FAILED, False):
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        path = RESULTS_DIR / f"{name}.png"
        tab.screenshot(path=path, full_page=True)
        print(f"\nScreenshot of the failed page: {path}")
    context.close()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, viewport: dict[str, int]
) -> Iterator[Page]:
    """A fresh browser tab (own cookies) at the viewport of this test run."""
    yield from _tab(request, browser, viewport)


@pytest.fixture
def desktop_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A fresh browser tab at desktop size, for tests that need only one size."""
    yield from _tab(request, browser, VIEWPORTS["desktop"])
