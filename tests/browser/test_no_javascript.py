"""Without JavaScript every control shown works: a button that needs a script is not shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.scenes import build_scene, pages

pytestmark = pytest.mark.django_db(transaction=True)

# Buttons that do something without a script: they submit a form, or open a details element.
DEAD_BUTTONS = """() => Array.from(document.querySelectorAll('button[type=button], [role=button]'))
  .filter(button => button.checkVisibility())
  .map(button => `${button.outerHTML.slice(0, 120)}`)"""


@pytest.fixture
def no_script(browser, live_server):
    def open_context(viewport):
        return browser.new_context(
            base_url=live_server.url, viewport=viewport, java_script_enabled=False
        )

    return open_context


def test_no_page_shows_a_button_that_needs_javascript(no_script, sign_in):
    scene = build_scene()
    dead: dict[str, list[str]] = {}
    for signed_in in (False, True):
        context = no_script({"width": 1280, "height": 900})
        if signed_in:
            sign_in(context, scene.alice)
        page = context.new_page()
        for visit in pages(scene):
            if visit.signed_in != signed_in:
                continue
            page.goto(visit.path)
            page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")
            found = page.evaluate(DEAD_BUTTONS)
            if found:
                dead[visit.name] = found
        context.close()
    assert dead == {}


def test_without_javascript_the_menu_and_the_reading_tools_still_open(
    no_script, sign_in, live_server
):
    from tests.factories import make_article, make_user

    article = make_article(title="Ferry fares rise in March")
    context = no_script(PHONE)
    sign_in(context, make_user("alice"))
    page = context.new_page()
    page.goto(article.get_absolute_url())
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("banner").get_by_role("link", name="My notes").click()
    expect(page).to_have_url(f"{live_server.url}/notes/")
    page.go_back()
    page.locator("summary", has_text="Reading tools").click()
    page.get_by_label("Kind").select_option("claim")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(
        f"{live_server.url}{article.get_absolute_url()}?in=&show=&kind=claim&tag="
    )
    # The tools stay open while a filter is in use.
    expect(page.get_by_label("Kind")).to_have_value("claim")
    context.close()
