"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every page a test visits is checked with axe-core (no serious or critical violations) and for
Content-Security-Policy violations reported by the browser. Without /usr/bin/chromium the tests
skip, unless REQUIRE_BROWSER=1 (as .ci/run sets), in which case they fail.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make between
# browser steps are ordinary synchronous code, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE_VIEWPORT = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


class CheckedPage:
    """A Playwright page that checks accessibility and CSP on every page it lands on."""

    def __init__(self, page, base_url: str):
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.base_url = base_url
        self.axe = Axe()
        self.csp_errors: list[str] = []
        self.checked_urls: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_errors.append(f"{self.page.url}: {message.text}")

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self):
        """Run axe on the current page; fail on serious/critical violations or CSP errors."""
        self.page.wait_for_load_state("load")
        results = self.axe.run(self.page)
        blocking = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation.get("impact") in BLOCKING_IMPACTS
        ]
        assert not blocking, f"Accessibility violations on {self.page.url}:\n" + "\n".join(blocking)
        assert not self.csp_errors, "CSP violations:\n" + "\n".join(self.csp_errors)
        self.checked_urls.append(self.page.url)


def _checked_page(browser, live_server, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    checked = CheckedPage(page, live_server.url)
    return context, checked


@pytest.fixture
def web(browser, live_server):
    context, checked = _checked_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield checked
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context, checked = _checked_page(
        browser, live_server, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
    )
    yield checked
    context.close()
