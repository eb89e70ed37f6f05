"""The selection toolbar: what it offers, where it sits, what one click does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import annotation_delete
from newsapp.articles.revisions import article_revise
from tests.browser.conftest import PHONE
from tests.browser.helpers import Traffic, drag_select, touch_select
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BODY = """\
The ferry company cut the winter timetable on Monday, blaming fuel costs and a shortage of crew.

“We cannot run empty boats across the sound all winter,” the operations chief, Ilse Marr, said.

Crossings will run twice a day from December, and the islands’ council has asked for a review.

Residents of the outer islands say the early sailing is the only one that reaches the \
mainland before the clinics open.
"""
ACTIONS = ["Highlight", "Annotate", "Quote", "Claim"]


@pytest.fixture
def article():
    return make_article(title="Ferry timetable cut", body=BODY)


@pytest.fixture
def reader(context, sign_in):
    user = make_user("maria")
    sign_in(context, user)
    return user


def toolbar_of(page):
    return page.get_by_role("toolbar", name="Annotate the selected words")


def visible_buttons(page) -> list[str]:
    toolbar = toolbar_of(page)
    expect(toolbar).to_be_visible()
    return [button.inner_text().strip() for button in toolbar.get_by_role("button").all()]


def test_a_selection_offers_the_four_actions_and_nothing_else(page, article, reader):
    page.goto(article.get_absolute_url())
    drag_select(page, "blaming fuel costs")
    assert visible_buttons(page) == ACTIONS


def orphaned_note(author):
    article = make_article(title="Bridge", body="The plan is reckless and costly.\n\nA vote.\n")
    note = make_annotation(article=article, author=author, exact="reckless and costly", note="O")
    article_revise(
        article=article,
        title="Bridge",
        body="The plan is bold.\n\nA public inquiry opens.\n",
        body_format="markdown",
    )
    return article, note


def test_reattach_mode_offers_only_reattach(page, reader):
    article, note = orphaned_note(reader)
    page.goto(article.get_absolute_url())
    page.locator(f"#note-{note.public_id}").get_by_role("link", name="Re-attach…").click()
    drag_select(page, "A public inquiry")
    assert visible_buttons(page) == ["Re-attach the note here"]
    expect(toolbar_of(page).get_by_label("Highlight as")).to_be_hidden()


def press_each_visible_button(
    browser, live_server, sign_in, user, path, words, before=None, after=None
):
    """Each visible toolbar button, pressed in a fresh page: every request it makes."""
    names: list[str] | None = None
    made: dict[str, list[tuple[str, int]]] = {}
    index = 0
    while names is None or index < len(names):
        context = browser.new_context(base_url=live_server.url)
        sign_in(context, user)
        page = context.new_page()
        page.goto(path)
        if before:
            before(page)
        drag_select(page, words)
        names = names or visible_buttons(page)
        traffic = Traffic(page)
        toolbar_of(page).get_by_role("button", name=names[index], exact=True).click()
        traffic.wait_quiet()
        made[names[index]] = [(url, status) for _, url, status in traffic.answers]
        context.close()
        if after:
            after()
        index += 1
    return made


def test_no_toolbar_button_posts_to_a_missing_note(browser, live_server, sign_in, article):
    user = make_user("maria")
    highlights: list[str] = []

    def forget_the_highlight():  # a selection cannot start inside a highlight's mark
        for annotation in Annotation.objects.alive():
            highlights.append(annotation.exact)
            annotation_delete(annotation=annotation, user=annotation.author)

    made = press_each_visible_button(
        browser,
        live_server,
        sign_in,
        user,
        article.get_absolute_url(),
        "blaming fuel costs",
        after=forget_the_highlight,
    )
    assert sorted(made) == sorted(ACTIONS)
    assert [url for answers in made.values() for url, _ in answers if "null" in url] == []
    assert [answer for answers in made.values() for answer in answers if answer[1] >= 400] == []
    assert highlights == ["blaming fuel costs"]  # the one-click highlight; the rest open forms

    orphan_article, note = orphaned_note(user)
    made = press_each_visible_button(
        browser,
        live_server,
        sign_in,
        user,
        orphan_article.get_absolute_url(),
        "A public inquiry",
        before=lambda page: (
            page.locator(f"#note-{note.public_id}").get_by_role("link", name="Re-attach…").click()
        ),
    )
    reattached = [url for url, _ in made["Re-attach the note here"] if "/reattach/" in url]
    assert reattached == [f"{live_server.url}/a/{note.public_id}/reattach/"]
    assert [url for answers in made.values() for url, _ in answers if "null" in url] == []
    note.refresh_from_db()
    assert note.exact == "A public inquiry"


# ---- One-click highlights use the toolbar's own default, shown in it ----


def test_a_one_click_highlight_uses_the_visibility_the_toolbar_shows(page, article, reader):
    page.goto(article.get_absolute_url())
    # A private note made through the annotate form does not change the toolbar's default.
    drag_select(page, "shortage of crew")
    toolbar_of(page).get_by_role("button", name="Annotate").click()
    panel = page.locator("#annotate-panel")
    panel.get_by_label("Visibility").select_option("private")
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("mark.hl")).to_have_count(1)

    drag_select(page, "blaming fuel costs")
    choice = toolbar_of(page).get_by_label("Highlight as")
    expect(choice).to_have_value("public")
    choice.select_option("unlisted")
    toolbar_of(page).get_by_role("button", name="Highlight").click()
    expect(page.locator("mark.hl")).to_have_count(2)
    assert Annotation.objects.get(exact="blaming fuel costs").visibility == "unlisted"

    page.reload()
    drag_select(page, "twice a day")
    expect(toolbar_of(page).get_by_label("Highlight as")).to_have_value("unlisted")
    page.keyboard.press("h")
    expect(page.locator("mark.hl")).to_have_count(3)
    assert Annotation.objects.get(exact="twice a day").visibility == "unlisted"
    # ... and the annotate form still offers its own last choice.
    drag_select(page, "the islands’ council")
    toolbar_of(page).get_by_role("button", name="Annotate").click()
    expect(page.locator("#annotate-panel").get_by_label("Visibility")).to_have_value("private")


# ---- Where the toolbar sits ----


def boxes(page, words: str) -> dict:
    return page.evaluate(
        """() => {
          const range = window.getSelection().getRangeAt(0).getBoundingClientRect();
          const bar = document.querySelector('[data-selection-toolbar]').getBoundingClientRect();
          const header = document.querySelector('.site-header').getBoundingClientRect();
          return {
            selection: {top: range.top, bottom: range.bottom},
            toolbar: {top: bar.top, bottom: bar.bottom, left: bar.left, right: bar.right},
            header: header.bottom,
            width: document.documentElement.clientWidth,
            overflow: document.documentElement.scrollWidth - window.innerWidth,
          };
        }"""
    )


@pytest.mark.parametrize("width", [320, 360])
def test_on_a_touch_screen_the_toolbar_fits_and_sits_below_the_selection(
    browser, live_server, sign_in, article, width
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": PHONE["height"]},
        has_touch=True,
        is_mobile=True,
    )
    sign_in(context, make_user("maria"))
    page = context.new_page()
    page.goto(article.get_absolute_url())
    touch_select(page, "the only one that reaches the mainland")
    toolbar = toolbar_of(page)
    expect(toolbar).to_be_visible()
    where = boxes(page, "the only one that reaches the mainland")
    # Below the words (Android and iOS put their own menu above them), and near them.
    assert where["toolbar"]["top"] >= where["selection"]["bottom"]
    assert where["toolbar"]["top"] - where["selection"]["bottom"] < 60
    assert where["toolbar"]["left"] >= 0
    assert where["toolbar"]["right"] <= where["width"]
    assert where["overflow"] <= 0
    for name in ACTIONS:
        button = toolbar.get_by_role("button", name=name, exact=True)
        expect(button).to_be_in_viewport(ratio=1)
        expect(button).to_have_text(name)
    box = toolbar.get_by_role("button", name="Claim").bounding_box()
    assert box["height"] >= 40  # a finger's size
    toolbar.get_by_role("button", name="Claim").tap()
    expect(page.locator("#annotate-panel form")).to_be_visible()
    context.close()


def test_with_a_mouse_the_toolbar_sits_above_the_selection(page, article, reader):
    page.goto(article.get_absolute_url())
    drag_select(page, "the only one that reaches the mainland")
    expect(toolbar_of(page)).to_be_visible()
    where = boxes(page, "the only one that reaches the mainland")
    assert where["toolbar"]["bottom"] <= where["selection"]["top"]
    assert where["selection"]["top"] - where["toolbar"]["bottom"] < 30


SPEAKER_LABEL = "mark => getComputedStyle(mark, '::before').content"


def test_the_toolbar_never_shares_the_space_of_a_quotes_speaker_label(page, article, reader):
    page.goto(article.get_absolute_url())
    quote = page.locator("mark[data-speaker]").first
    quote.hover()
    assert "Ilse Marr" in quote.evaluate(SPEAKER_LABEL)  # the label shows on hover ...
    drag_select(page, "run empty boats across the sound")
    expect(toolbar_of(page)).to_be_visible()
    quote.hover()
    # ... but not while the toolbar sits over the words.
    assert quote.evaluate(SPEAKER_LABEL) in ("none", "normal")
    page.keyboard.press("Escape")
    expect(toolbar_of(page)).to_be_hidden()
    # The pointer leaves and comes back, as a hand would (a hover straight after the drag is
    # refused by Playwright's hit check, which blames the article's body).
    page.mouse.move(0, 0)
    quote.hover()
    assert "Ilse Marr" in quote.evaluate(SPEAKER_LABEL)
