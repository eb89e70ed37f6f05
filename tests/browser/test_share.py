from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from newsapp.annotations.models import Annotation
from tests.browser.conftest import PHONE
from tests.browser.helpers import drag_select
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

FILLER = [
    "The harbour board met for four hours on Thursday and heard from eleven residents.",
    "Most of them asked about the timetable for the works on the north quay.",
    "A spokesperson said the contractor would publish a schedule by the end of the month.",
    "The board also approved a small grant for the sailing club’s new boathouse.",
]
KEY_SENTENCE = "Dredging the channel will cost 12 million crowns, twice the first estimate."
BODY = "\n\n".join([*(" ".join(FILLER) for _ in range(14)), KEY_SENTENCE, " ".join(FILLER)])


@pytest.fixture
def article():
    return make_article(
        title="Harbour board approves dredging",
        body=BODY,
        source_url="https://ledger.example/harbour/dredging",
        source_name="Harbour Ledger",
    )


def card_of(page, annotation: Annotation):
    return page.locator(f"#note-{annotation.public_id}")


def test_copied_link_opens_at_the_highlight_for_a_signed_out_reader(
    browser, context, page, live_server, article, sign_in
):
    sign_in(context, make_user("maria"))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(article.get_absolute_url())

    drag_select(page, "twice the first estimate")
    page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()
    panel = page.locator("#annotate-panel")
    panel.get_by_label("Your note").fill("The 2024 estimate was 6 million.")
    panel.get_by_label("Visibility").select_option("unlisted")
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("mark.hl")).to_have_text("twice the first estimate")
    annotation = Annotation.objects.get()
    assert annotation.visibility == "unlisted"

    # The note's own page (its date links there) is where its author shares it from.
    card_of(page, annotation).locator("a.note-time").click()
    expect(page).to_have_url(re.compile(re.escape(annotation.get_absolute_url()) + "$"))
    card = card_of(page, annotation)
    card.locator("summary", has_text="Share").click()
    card.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Copied"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + annotation.get_absolute_url()

    stranger = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        fresh = stranger.new_page()
        fresh.goto(copied)
        expect(fresh.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
        mark = fresh.locator(f"#hl-{annotation.public_id}")
        expect(mark).to_have_text("twice the first estimate")
        expect(mark).to_be_in_viewport()
        note = card_of(fresh, annotation)
        expect(note).to_have_class(re.compile(r"\bis-active\b"))
        expect(note).to_contain_text("The 2024 estimate was 6 million.")
        expect(note).to_be_in_viewport()
    finally:
        stranger.close()


def test_share_works_without_javascript_except_copying(browser, live_server, article):
    annotation = make_annotation(
        article=article, author=make_user(), exact="twice the first estimate", note="Context"
    )
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(article.get_absolute_url())
        card = card_of(page, annotation)
        card.locator("summary", has_text="Share").click()
        field = card.get_by_label("Link to this note")
        expect(field).to_have_value(live_server.url + annotation.get_absolute_url())
        expect(card.get_by_role("button", name="Copy link")).to_be_hidden()
        expect(card.get_by_role("button", name="Share…")).to_be_hidden()
        card.locator("summary", has_text="QR code").click()
        show = card.get_by_role("link", name="Show the QR code")
        expect(show).to_be_visible()
        qr = page.request.get(show.get_attribute("href"))
        assert qr.ok
        assert qr.headers["content-type"] == "image/svg+xml"
        original = card.get_by_role("link", name=re.compile("Open at these words"))
        expect(original).to_have_attribute("target", "_blank")
    finally:
        context.close()


def test_qr_code_is_fetched_only_when_asked_for(page, article):
    author = make_user()
    for exact in ("twice the first estimate", "Dredging the channel", "12 million crowns"):
        make_annotation(article=article, author=author, exact=exact)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "qr.svg" in url]
    card = page.locator(".note-card").first
    card.locator("summary", has_text="Share").click()
    card.locator("summary", has_text="QR code").click()
    expect(card.get_by_role("img", name="QR code for the link to this note")).to_be_visible()
    assert len([url for url in requested if "qr.svg" in url]) == 1


def test_copy_link_on_a_phone(context, article):
    annotation = make_annotation(
        article=article, author=make_user(), exact="twice the first estimate", note="On a phone"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(annotation.get_absolute_url())
    # On a phone the link opens at the words with the note above them; a tap opens its card.
    mark = page.locator(f"#hl-{annotation.public_id}")
    expect(mark).to_be_in_viewport()
    expect(page.locator(".permalink-banner")).to_contain_text("On a phone")
    mark.click()
    card = card_of(page, annotation)
    expect(card).to_be_in_viewport()
    card.locator("summary", has_text="Share").click()
    copy = card.get_by_role("button", name="Copy link")
    copy.click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Copied"))
    assert page.evaluate("navigator.clipboard.readText()").endswith(annotation.get_absolute_url())
    # Nothing in the control is wider than the phone.
    overflow = card.evaluate("card => card.scrollWidth - card.clientWidth")
    assert overflow <= 0


def test_original_link_opens_the_source_page_at_the_annotated_words(
    page, context, local_site, live_server
):
    filler = "".join(f"<p>{' '.join(FILLER)}</p>" for _ in range(30))
    source = local_site.add(
        "/harbour/dredging",
        f"<!doctype html><html><body><h1>Dredging</h1>{filler}<p>{KEY_SENTENCE}</p>"
        f"{filler}</body></html>",
    )
    article = make_article(title="Harbour board", body=BODY, source_url=source)
    annotation = make_annotation(
        article=article, author=make_user(), exact="twice the first estimate"
    )
    page.goto(article.get_absolute_url())
    card = card_of(page, annotation)
    card.locator("summary", has_text="Share").click()
    with context.expect_page() as opened:
        card.get_by_role("link", name=re.compile("Open at these words")).click()
    original = opened.value
    original.wait_for_load_state()
    assert original.url == source + "#:~:text=twice%20the%20first%20estimate"
    # Gloss answered with a redirect; the browser kept the text fragment and scrolled to it.
    expect(original.get_by_text(KEY_SENTENCE)).to_be_in_viewport()
    assert original.evaluate("window.scrollY") > 500
