"""Your reading in a real browser: the reading list, resuming where you left off, following
a claim and hearing (in the inbox and by email) when another reader adds context."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from newsapp.annotations.models import Kind
from newsapp.reading.models import ReadingEntry, Status
from tests.browser.helpers import drag_select
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

CLAIM = "the ferry timetable will double by next spring"

PARAGRAPHS = [
    f"Paragraph {number}: the harbour board met again on a grey morning, and the members "
    f"argued for an hour about berths, tides and the cost of dredging channel {number}. "
    "Nobody agreed on the figures, but everyone agreed the old quay could not wait."
    for number in range(1, 31)
]
PARAGRAPHS[11] = f"The board chair said {CLAIM}, a promise the union doubted openly."


def add_context_in_browser(browser, live_server, sign_in, user, article) -> None:
    """Another reader marks the same claim with a note, in their own browser."""
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    other.set_default_timeout(10_000)
    sign_in(other, user)
    page = other.new_page()
    page.goto(f"{article.get_absolute_url()}#main")
    # From outside Bo's mark (a selection cannot start in a focusable mark) over the claim.
    drag_select(page, f"The board chair said {CLAIM}")
    page.get_by_role("toolbar", name="Annotate the selected words").get_by_role(
        "button", name="Claim"
    ).click()
    panel = page.locator("#annotate-panel")
    panel.get_by_label("Your note").fill("The published schedule only adds **four** sailings.")
    panel.get_by_role("button", name="Save").click()
    expect(page.locator(".note-card[data-kind=claim]")).to_have_count(2)
    other.close()


def test_reading_list_resume_and_hearing_about_new_context(
    browser, live_server, page, context, sign_in
):
    article = make_article(title="Harbour board meets", body="\n\n".join(PARAGRAPHS))
    make_article(title="Another story")
    ana = make_user("ana")
    ana.email = "ana@readers.example"
    ana.save()
    claim = make_annotation(
        article=article, author=make_user("bo"), exact=CLAIM, kind=Kind.CLAIM, note="Is it?"
    )
    sign_in(context, ana)

    # Gloss opens on Ana's reading list, empty for now; she saves an article from the Library.
    page.goto("/")
    tabs = page.get_by_role("navigation", name="Your library")
    expect(tabs.locator('[aria-current="page"]')).to_contain_text("My reading list")
    expect(page.get_by_text("Your reading list is empty")).to_be_visible()
    page.keyboard.press("2")
    expect(tabs.locator('[aria-current="page"]')).to_contain_text("Library")
    card = page.locator(".article-card", has_text="Harbour board meets")
    card.get_by_role("button", name=re.compile("Save for later")).click()
    expect(card.get_by_role("button", name=re.compile("Saved"))).to_have_attribute(
        "aria-pressed", "true"
    )
    page.keyboard.press("1")
    expect(page.locator(".card-title")).to_have_text(["Harbour board meets"])

    # She reads half of it; the page reports her place as she scrolls.
    page.get_by_role("link", name="Harbour board meets").click()
    expect(page.locator("[data-reading-progress][data-listening]")).to_be_attached()
    with page.expect_response(re.compile(r"/reading/.+/progress/")) as reported:
        page.locator("[data-article-body] p").nth(15).scroll_into_view_if_needed()
        page.mouse.wheel(0, 200)
    assert reported.value.status == 204
    scrolled = page.evaluate("window.scrollY")
    entry = ReadingEntry.objects.get(reader=ana, article=article)
    assert entry.status == Status.READING
    assert 0.3 < entry.progress < 0.8

    # Back later, the article opens where she left off.
    page.goto("/")
    expect(page.locator(".card-left")).to_contain_text("min left")
    page.get_by_role("link", name="Harbour board meets").click()
    expect(page.get_by_text("Back where you left off.")).to_be_visible()
    assert abs(page.evaluate("window.scrollY") - scrolled) < 120

    # She follows Bo's claim; when Cy adds context to it, she hears of it.
    card = page.locator(f"#note-{claim.public_id}")
    card.get_by_role("button", name=re.compile("Follow claim")).click()
    expect(card.get_by_role("button", name=re.compile("Following"))).to_be_visible()
    add_context_in_browser(browser, live_server, sign_in, make_user("cy"), article)
    page.goto("/notifications/")
    expect(page.locator("#inbox-link .unread-badge")).to_have_text("1")
    expect(
        page.get_by_role("link", name=re.compile("cy added context to a claim you follow"))
    ).to_be_visible()
    expect(page.get_by_text("The published schedule only adds four sailings.")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["ana@readers.example"]]
    assert "four" in mail.outbox[0].body
