from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library():
    article = make_article(title="Glacier retreat measured", body="The ice sheet thinned again.")
    make_article(title="Harbour bridge widened")
    make_annotation(
        article=article, author=make_user(), exact="The ice sheet thinned", note="Glacier survey"
    )
    return article


def test_slash_focuses_the_header_box_and_quick_results_open_and_close(page, library):
    page.goto("/")
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search Gloss")
    expect(box).to_be_focused()
    page.keyboard.type("glacier")
    preview = page.locator("#site-search-preview")
    expect(preview).to_be_visible()
    expect(preview.get_by_role("link", name="Articles Glacier retreat measured")).to_be_visible()
    expect(preview).to_contain_text("Glacier survey")
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    box.press("Enter")
    expect(page).to_have_url("/search/?q=glacier")
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()


def test_the_search_page_updates_as_you_type(page, library):
    page.goto("/search/")
    page.evaluate("window.loadedOnce = true")
    page.keyboard.press("/")
    page.keyboard.type("harbour")
    hits = page.locator(".search-group-articles .search-hit")
    expect(hits).to_have_count(1)
    expect(hits).to_contain_text("Harbour bridge widened")
    assert page.evaluate("window.loadedOnce") is True
    expect(page).to_have_url("/search/?q=harbour")
    page.get_by_role("searchbox").fill("before:whenever")
    expect(page.get_by_role("alert")).to_contain_text("“whenever” is not a date")


def test_without_javascript_the_header_form_goes_to_the_results_page(browser, live_server, library):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("searchbox", name="Search Gloss").fill("glacier")
    page.get_by_role("searchbox", name="Search Gloss").press("Enter")
    expect(page).to_have_url("/search/?q=glacier")
    expect(page.locator(".search-group-notes")).to_contain_text("Glacier survey")
    context.close()


def test_on_a_phone_the_header_has_a_search_link_and_nothing_scrolls_sideways(context, library):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.get_by_role("searchbox", name="Search Gloss")).to_be_hidden()
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_role("searchbox").fill("glacier")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-group-articles")).to_contain_text("Glacier retreat measured")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
