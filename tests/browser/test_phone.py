"""Reading on a phone: the article first, the chrome folded away; a shared link arrives with
the words and the note both on screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPH = (
    "The regional council met for six hours on Wednesday to settle the budget for the coming"
    " year, and most of that time went on the question of the northern ferry route."
)
KEY = "The subsidy for the northern route will rise by a third, to 18 million crowns."
BODY = "\n\n".join([PARAGRAPH] * 9 + [KEY] + [PARAGRAPH] * 6)


@pytest.fixture
def article():
    return make_article(
        title="Council doubles down on the northern ferry route despite the cost",
        body=BODY,
        byline="By Henrik Aas",
        source_name="The Fjord Courier",
        source_url="https://fjordcourier.example/council/ferry-budget",
    )


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


VISIBLE_AT = """([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  return hit ? hit.closest('[id]')?.id || hit.tagName : null;
}"""


def uncovered(page, locator) -> bool:
    """True when the middle of the element's first line is what a finger would touch there
    (not the header, a drawer or a button on top of it)."""
    box = locator.evaluate(
        """element => {
          const first = element.getClientRects()[0];
          return {x: first.left + Math.min(first.width, 40) / 2, y: first.top + first.height / 2};
        }"""
    )
    return locator.evaluate(
        "(element, [x, y]) => element.contains(document.elementFromPoint(x, y))",
        [box["x"], box["y"]],
    )


def header_box(page) -> dict:
    return page.locator(".site-header").bounding_box()


# ---- Defect 4: a phone shows the article, not chrome ----


def test_signed_in_on_a_phone_the_header_is_one_opaque_row_and_the_article_comes_first(
    phone, sign_in, article
):
    sign_in(phone, make_user("alice"))
    page = phone.new_page()
    page.goto(article.get_absolute_url())
    header = header_box(page)
    assert header["height"] <= 60  # one row
    background = page.locator(".site-header").evaluate("h => getComputedStyle(h).backgroundColor")
    assert background.startswith("rgb(")  # no alpha: nothing shows through
    first_paragraph = page.locator("[data-article-body] p").first
    expect(first_paragraph).to_be_in_viewport()
    assert first_paragraph.bounding_box()["y"] < PHONE["height"] - 3 * 28  # three lines at least
    banner = page.get_by_role("banner")
    for hidden in ("Add article", "My notes", "Feeds"):
        expect(banner.get_by_role("link", name=hidden)).to_be_hidden()
    expect(banner.get_by_role("button", name="Sign out")).to_be_hidden()


def test_the_phone_menu_holds_the_links_the_account_and_the_theme(
    phone, sign_in, article, live_server
):
    sign_in(phone, make_user("alice"))
    page = phone.new_page()
    page.goto(article.get_absolute_url())
    page.locator("summary", has_text="Menu").click()
    menu = page.locator(".site-menu-panel")
    for name in ("Library", "Add article", "My notes", "Feeds"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    theme = menu.get_by_role("button", name="Switch between light and dark theme")
    before = page.evaluate("getComputedStyle(document.body).backgroundColor")
    theme.click()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != before
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    menu.get_by_role("link", name="My notes").click()
    expect(page).to_have_url(f"{live_server.url}/notes/")


def test_reader_tools_sit_behind_one_control(phone, sign_in, article):
    sign_in(phone, make_user("alice"))
    page = phone.new_page()
    page.goto(article.get_absolute_url())
    tools = page.locator("[data-reader-tools]")
    for control in (
        page.get_by_label("Kind"),
        page.get_by_role("button", name="Hide highlights"),
        page.get_by_role("list", name="Highlight colours"),
        page.get_by_role("link", name="Markdown"),
    ):
        expect(control).to_be_hidden()
    tools.locator("summary", has_text="Reading tools").click()
    expect(page.get_by_label("Kind")).to_be_visible()
    expect(page.get_by_role("button", name="Hide highlights")).to_be_visible()
    expect(page.get_by_role("list", name="Highlight colours")).to_be_visible()
    expect(page.get_by_role("link", name="Markdown")).to_be_visible()


def test_the_notes_drawer_shows_no_keyboard_hints_on_a_touch_screen(phone, sign_in, article):
    sign_in(phone, make_user("alice"))
    page = phone.new_page()
    page.goto(article.get_absolute_url())
    page.locator("[data-open-drawer]").click()
    drawer = page.locator("#notes-panel")
    expect(drawer.locator(".notes-hint")).to_be_in_viewport()
    expect(drawer.locator("kbd").first).to_be_hidden()


def test_with_a_keyboard_the_notes_keep_their_keyboard_hints(page, context, sign_in, article):
    sign_in(context, make_user("alice"))
    page.goto(article.get_absolute_url())
    expect(page.locator("#notes-panel kbd").first).to_be_visible()


def test_on_a_desktop_the_header_is_one_row_with_its_links(page, context, sign_in, article):
    sign_in(context, make_user("alice"))
    page.goto(article.get_absolute_url())
    assert header_box(page)["height"] <= 64
    navigation = page.get_by_role("navigation", name="Main")
    for name in ("Library", "Add article", "My notes", "Feeds"):
        expect(navigation.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()


# ---- Defect 5: a shared link shows the words and the note ----


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_shared_link_arrives_with_the_words_and_the_start_of_the_note_in_view(
    browser, live_server, article, viewport
):
    note = make_annotation(
        article=article,
        author=make_user("alice"),
        exact=KEY,
        kind="claim",
        note="The council's own minutes put the rise at a quarter, not a third.",
    )
    phone = viewport is PHONE
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, has_touch=phone, is_mobile=phone
    )
    page = context.new_page()
    page.goto(note.get_absolute_url())
    words = page.locator(f"#hl-{note.public_id}")
    card = page.locator(f"#note-{note.public_id}")
    start_of_note = card.locator(".note-body p").first
    expect(words).to_be_in_viewport()
    expect(start_of_note).to_be_in_viewport()
    page.wait_for_timeout(400)  # the drawer's slide and the smooth scroll have ended
    assert uncovered(page, words)
    assert uncovered(page, start_of_note)
    header = header_box(page)
    assert words.bounding_box()["y"] >= header["y"] + header["height"]
    context.close()
