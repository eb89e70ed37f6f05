"""Quotes and claims in a real browser: the claim-and-context loop, the Quotes panel."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from newsapp.annotations.models import Annotation
from newsapp.claims.models import NoteScore, Quote
from newsapp.claims.ratings import notes_rescore
from tests.browser.conftest import PHONE
from tests.browser.helpers import drag_select
from tests.claims.factories import OKAFOR_CLAIM, make_quoted_article, rate, seed_camps
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def body_text_in_browser(page) -> str:
    return page.locator("[data-article-body]").evaluate("element => element.textContent")


def rate_in_browser(browser, live_server, sign_in, user, article) -> None:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    sign_in(context, user)
    page = context.new_page()
    page.goto(article.get_absolute_url())
    card = page.locator('.note-card[data-kind="claim"]')
    card.get_by_role("button", name="Helpful", exact=True).click()
    expect(card.get_by_text("your rating is counted")).to_be_visible()
    expect(card.get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    context.close()


def test_a_claim_with_context_rated_across_camps_shows_readers_added_context(
    browser, live_server, page, context, sign_in
):
    article = make_quoted_article(title="Pause agreed")
    bea, cal = make_user("bea"), make_user("cal")
    camp_a, camp_b = seed_camps(side_a=[bea], side_b=[cal])

    # Reader A marks the claim and adds context with a source.
    sign_in(context, make_user("ada"))
    page.goto(article.get_absolute_url())
    drag_select(page, OKAFOR_CLAIM)
    page.get_by_role("toolbar", name="Annotate the selected words").get_by_role(
        "button", name="Claim"
    ).click()
    panel = page.locator("#annotate-panel")
    panel.get_by_label("Your note").fill("The 2019 line was agreed but **never ratified**.")
    panel.get_by_label("Source link").first.fill("https://treaties.example/2019-line")
    panel.get_by_label("Source title").first.fill("Treaty register")
    panel.get_by_label("Stance").first.select_option("disputes")
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("mark.hl-claim").first).to_be_visible()
    note = Annotation.objects.get(kind="claim", author__username="ada")
    assert note.exact == OKAFOR_CLAIM
    card = page.locator(f"#note-{note.public_id}")
    expect(card).to_contain_text("Said by Adaeze Okafor")
    expect(card).to_contain_text("Needs more ratings")
    expect(card.get_by_role("button", name="Helpful", exact=True)).to_have_count(0)

    # Earlier raters from both camps; then B (camp a) and C (camp b) rate in their browsers.
    for rater in (camp_a[0], camp_a[1], camp_b[0]):
        rate(note, rater)
    notes_rescore()
    rate_in_browser(browser, live_server, sign_in, bea, article)
    assert NoteScore.objects.get(annotation=note).status == "needs_ratings"
    rate_in_browser(browser, live_server, sign_in, cal, article)
    assert NoteScore.objects.get(annotation=note).status == "helpful"

    # An anonymous visitor sees the box, with the note and its source, and the badged claim.
    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    anonymous = visitor.new_page()
    anonymous.goto(article.get_absolute_url())
    box = anonymous.locator(".context-box")
    expect(box.get_by_role("heading", name="Readers added context")).to_be_visible()
    expect(box).to_contain_text("never ratified")
    expect(box.get_by_role("link", name="Treaty register")).to_be_visible()
    expect(box).to_contain_text("Disputes")
    badge = anonymous.locator("mark.hl-context-end")
    expect(badge).to_have_count(1)
    badge_text = badge.evaluate("m => getComputedStyle(m, '::after').content")
    assert badge_text == '"Context"'
    assert body_text_in_browser(anonymous) == article.body_text
    anonymous.locator("mark.hl-context").first.click()
    context_item = anonymous.locator(f"#context-{note.public_id}")
    expect(context_item).to_have_class("context-item context-active")
    expect(context_item).to_be_in_viewport()
    visitor.close()


def test_quotes_panel_jumps_to_the_quote_and_hover_shows_the_speaker(page):
    article = make_quoted_article(title="Pause agreed")
    envoy = Quote.objects.in_article(article).last()
    page.goto(article.get_absolute_url())
    assert body_text_in_browser(page) == article.body_text
    panel = page.locator(".quotes-panel")
    expect(panel.locator(".quote-item")).to_have_count(2)
    expect(panel.locator(f"#quote-item-{envoy.pk}")).to_contain_text("Radomír Šťastný")
    mark = page.locator(f"#q-{envoy.pk}")
    page.mouse.move(0, 0)
    assert mark.evaluate("m => getComputedStyle(m, '::before').content") == "none"
    panel.locator(f"#quote-item-{envoy.pk} .quote-text").click()
    expect(mark).to_be_in_viewport()
    expect(mark).to_have_class(re.compile(r"\bshow-speaker\b"))
    assert mark.evaluate("m => getComputedStyle(m, '::before').content") == '"— Radomír Šťastný"'
    okafor = page.locator("mark.q").first
    okafor.hover()
    tooltip = okafor.evaluate("m => getComputedStyle(m, '::before').content")
    assert tooltip == '"— Adaeze Okafor"'
    assert page.url.endswith(article.get_absolute_url())  # no navigation, no reload


def test_correcting_a_speaker_from_the_panel(page, context, sign_in):
    article = make_quoted_article(title="Pause agreed")
    quote = Quote.objects.in_article(article).first()
    sign_in(context, make_user("ines"))
    page.goto(article.get_absolute_url())
    item = page.locator(f"#quote-item-{quote.pk}")
    item.get_by_text("Wrong speaker?").click()
    item.get_by_label("Who said it?").fill("<b>Priyanka</b> Raman")
    item.get_by_role("button", name="Send").click()
    expect(item).to_contain_text("your answer is counted")
    expect(item.get_by_label("Who said it?")).to_have_value("Priyanka Raman")
    expect(item).to_contain_text("Adaeze Okafor")  # one reader does not overturn the machine
    item.get_by_text("Wrong speaker?").click()
    item.get_by_label("Who said it?").fill("")
    item.get_by_role("button", name="Send").click()  # the browser refuses an empty required field
    expect(item.get_by_label("Who said it?")).to_be_focused()


def test_reader_with_quotes_fits_a_phone(context):
    article = make_quoted_article(title="Pause agreed")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(article.get_absolute_url())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert body_text_in_browser(page) == article.body_text
