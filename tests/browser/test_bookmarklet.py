"""Annotate from anywhere: on a news page served under a strict Content-Security-Policy, a
reader selects words and presses the bookmarklet; Gloss imports the page and opens the
annotate form at those words; the saved note shows in the reader."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from newsapp.annotations.models import Annotation
from tests.factories import make_user
from tests.webserver import SAMPLE_ARTICLE, article_page

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = "ending a debate that has run for almost four years"
STRICT_CSP = "default-src 'none'; script-src 'none'; style-src 'none'"


@pytest.fixture(autouse=True)
def web_settings(settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True


def select(page, words: str) -> None:
    """Select ``words`` in the page the way a reader's mouse would."""
    page.evaluate(
        """(words) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(walker.currentNode, at);
                    range.setEnd(walker.currentNode, at + words.length);
                    getSelection().removeAllRanges();
                    getSelection().addRange(range);
                    return;
                }
            }
            throw new Error("words not on the page");
        }""",
        words,
    )


def test_the_bookmarklet_imports_the_page_and_opens_the_annotate_form(
    browser, live_server, local_site, sign_in
):
    context = browser.new_context(base_url=live_server.url, bypass_csp=False)
    context.set_default_timeout(15_000)
    sign_in(context, make_user("noor"))
    page = context.new_page()
    page.goto("/bookmarklet/")
    bookmarklet = page.locator("[data-bookmarklet]").get_attribute("href")
    assert bookmarklet.startswith("javascript:")

    news = local_site.add(
        "/news/ferry-terminal",
        article_page(**SAMPLE_ARTICLE),
        headers={"Content-Security-Policy": STRICT_CSP},
    )
    page.goto(news)
    select(page, WORDS)
    # What pressing a bookmark does: run its code as the page's URL (the page's CSP cannot
    # stop a bookmark; Playwright runs it from outside the page's scripts the same way).
    page.evaluate(unquote(bookmarklet.removeprefix("javascript:")))
    page.wait_for_url("**/bookmarklet/open/**")
    page.get_by_role("button", name="Add it and annotate").click()

    page.wait_for_url("**/annotate/**")
    expect(page.locator(".selected-quote")).to_have_text(WORDS)
    page.get_by_role("textbox", name="Your note").fill("Four years of **meetings**.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("mark.hl").first).to_contain_text("ending a debate")
    assert Annotation.objects.get().exact == WORDS
    context.close()
