"""The accessibility gate: axe-core (pinned in requirements-dev.txt through axe-playwright-python,
never copied into the repository) finds no serious or critical violation on the pages a reader
uses, light and dark, nor on the reader in use (notes open, toolbar open, a form open, the
phone's menu and drawer open)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import drag_select
from tests.scenes import build_scene, pages

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.gate]

AXE = Axe()
BLOCKING = {"serious", "critical"}
CHECKED_PAGES = {
    "library",
    "reader",
    "reader-signed-in",
    "permalink",
    "add-article",
    "my-notes",
    "claims",
    "speaker",
    "feeds",
    "sign-up",
    "annotate-by-pasting",
    "quote",
    "trash",
    "sign-in",
}


def blocking_violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.fixture
def scene():
    return build_scene()


def visit(browser, live_server, sign_in, scene, *, signed_in, theme, viewport=DESKTOP):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, color_scheme=theme)
    context.set_default_timeout(10_000)
    if signed_in:
        sign_in(context, scene.alice)
    return context, context.new_page()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_pages_have_no_serious_accessibility_violations(
    browser, live_server, sign_in, scene, theme
):
    found: dict[str, list[str]] = {}
    for signed_in in (False, True):
        context, page = visit(
            browser, live_server, sign_in, scene, signed_in=signed_in, theme=theme
        )
        for place in pages(scene):
            if place.signed_in != signed_in or place.name not in CHECKED_PAGES:
                continue
            page.goto(place.path)
            page.wait_for_load_state("networkidle")
            if violations := blocking_violations(page):
                found[place.name] = violations
        context.close()
    assert found == {}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_reader_in_use_has_no_serious_accessibility_violations(
    browser, live_server, sign_in, scene, theme
):
    found: dict[str, list[str]] = {}
    context, page = visit(browser, live_server, sign_in, scene, signed_in=True, theme=theme)
    page.goto(scene.article.get_absolute_url())
    page.locator(f"#hl-{scene.claim.public_id}").click()
    page.locator(f"#note-{scene.claim.public_id} summary", has_text="Share").click()
    page.locator("summary", has_text="Reading tools").click()
    found["notes and tools open"] = blocking_violations(page)
    drag_select(page, "halt artillery fire")
    page.get_by_role("toolbar").wait_for()
    found["toolbar open"] = blocking_violations(page)
    page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()
    page.locator("#annotate-panel form").wait_for()
    found["annotate form open"] = blocking_violations(page)
    context.close()

    context, page = visit(
        browser, live_server, sign_in, scene, signed_in=True, theme=theme, viewport=PHONE
    )
    page.goto(scene.article.get_absolute_url())
    page.locator("summary", has_text="Menu").click()
    found["phone menu open"] = blocking_violations(page)
    page.keyboard.press("Escape")
    page.locator("[data-open-drawer]").click()
    page.wait_for_timeout(300)
    found["phone drawer open"] = blocking_violations(page)
    page.goto(scene.claim.get_absolute_url())
    page.wait_for_timeout(300)
    found["phone permalink"] = blocking_violations(page)
    context.close()
    assert {state: violations for state, violations in found.items() if violations} == {}
