"""Browser fixtures for tests marked `browser`: Playwright driving Debian's headless Chromium."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an event loop in the test thread, which Django's ORM would refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root, and no calls home: this machine's network is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    """One browser for the whole run; CI fails rather than skip when Chromium is missing."""
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} not found: browser tests need Debian's chromium (apt-get install chromium)"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh page in its own context (no cookies shared between tests).

    Every page it opens must keep to the Content-Security-Policy: a violation Chromium
    reports in the console fails the test.
    """
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not refused, f"Content-Security-Policy violations: {refused}"


AXE = Path(__file__).resolve().parent / "workplans" / "tests" / "vendor" / "axe-4.14.1.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """axe(page) → the serious and critical accessibility violations of the page as it is."""

    def run(page) -> list[str]:
        # Injected through the DevTools protocol: the page's CSP does not apply to it.
        page.evaluate(axe_source)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))"
        )
        return result

    return run


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
