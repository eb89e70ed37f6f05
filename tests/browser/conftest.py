"""Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.test import Client

# Playwright's sync API runs an event loop in this thread; the ORM calls our
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("GLOSS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class RequestsInFlight:
    """Counts the live server's requests between Django's request_started and
    request_finished signals."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs) -> None:
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def finished(self, **kwargs) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_idle(self, *, quiet: float = 0.2, timeout: float = 15.0) -> None:
        """Until no request has run for `quiet` seconds (one the browser sent just before its
        context closed may not have started yet), or `timeout`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while time.monotonic() < deadline:
                self.changed.wait_for(lambda: self.count <= 0, deadline - time.monotonic())
                if not self.changed.wait(quiet) and self.count <= 0:
                    return


@pytest.fixture(autouse=True)
def requests_finish_before_the_database_is_emptied():
    """A request still running on the live server (a debounced reading-progress post, say)
    when the test ends would hold the database while pytest-django empties it, and the next
    test would start on the last one's rows. Teardown waits for the server to go quiet: this
    fixture is set up before the test's browser contexts, so it is torn down after they
    close, and before the database is emptied."""
    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    yield
    try:
        in_flight.wait_until_idle()
    finally:
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run scripts/ensure-test-system-deps "
            "(make test does) or set GLOSS_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Whatever the Content-Security-Policy refuses (an inline script or style without the
    # nonce, eval) Chromium reports on the console: any such refusal fails the test.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert not errors, f"JavaScript errors or CSP violations on the page: {errors}"


@pytest.fixture
def sign_in(live_server):
    """Signs a user in to a browser context by handing it a real session cookie."""

    def sign_in(context, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return sign_in
