"""Browser tests: Playwright driving Debian's Chromium against the e2e stack's gateway, which
serves the built web faces.

- The browser is /usr/bin/chromium (``make install`` installs it); Playwright's own browser
  download is never used. A missing Chromium fails the session (CI must not skip these).
- Each test gets fresh contexts (no shared storage); ``open_page(locale=..., phone=...)`` makes one.
- Any console error or failed same-origin request (other than one the page itself abandoned by
  navigating on) fails the test: a page that "looks fine" while a script broke is a broken page.
- ``screenshot(page, name)`` keeps a full-page PNG in ``test-artifacts/screenshots/`` (or
  ``$ARTIFACTS_DIR/screenshots``), for people to look at after the run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", Path(__file__).parents[3] / "test-artifacts")) / "screenshots"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium is not at {CHROMIUM}: run 'make install' (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems:
    """Console errors and failed requests seen by the pages of one test."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page, base_url: str) -> None:
        page.on("console", lambda message: message.type == "error" and self.errors.append(
            f"console: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        # ERR_ABORTED is the browser dropping a request the page no longer wants (it navigated on
        # before the answer came): not a failure of the platform. Refused or reset connections are.
        page.on("requestfailed", lambda request: request.url.startswith(base_url)
                and "ERR_ABORTED" not in (request.failure or "") and self.errors.append(
                    f"request failed: {request.method} {request.url} {request.failure}"))


@pytest.fixture
def open_page(browser, stack, request):
    """open_page(locale="fr", phone=False, allowed=(regex, ...)) -> a Page on the gateway."""
    contexts = []
    allowed_errors: list[str] = []
    problems = PageProblems()

    def open_(locale: str = "fr", phone: bool = False, allowed: tuple[str, ...] = ()) -> Page:
        context = browser.new_context(base_url=stack.gateway, locale="fr-FR" if locale == "fr" else "en-GB",
                                      viewport=PHONE if phone else DESKTOP, timezone_id="Europe/Paris")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page, stack.gateway)
        # The language is chosen as a user would once, then kept by the face in localStorage.
        page.add_init_script(f"localStorage.getItem('skills.locale') || localStorage.setItem('skills.locale', '{locale}')")
        allowed_errors.extend(allowed)
        return page

    yield open_
    for context in contexts:
        context.close()
    unexpected = [error for error in problems.errors
                  if not any(re.search(pattern, error) for pattern in allowed_errors)]
    assert not unexpected, f"{request.node.name}: problems in the page:\n" + "\n".join(unexpected)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot():
    return screenshot
