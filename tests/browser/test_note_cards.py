"""Note cards as a reader sees them: every kind is a card, delete is one step with Undo, an
edited note says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from newsapp.annotations.models import Annotation
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BODY = """\
The harbour board approved the dredging plan on Thursday after a four-hour meeting.

“Nobody wants another winter of grounded ferries,” the chair, Lotte Brink, said.

The work will cost 12 million crowns, twice the first estimate.
"""

CARD_STYLE = """card => {
  const style = getComputedStyle(card);
  return {
    padding: style.paddingLeft, border: style.borderTopWidth, fontStyle: style.fontStyle,
    background: style.backgroundColor,
  };
}"""


@pytest.fixture
def article():
    return make_article(title="Dredging approved", body=BODY)


def test_a_quote_kind_note_is_a_card_like_any_other(page, article):
    author = make_user("alice")
    claim = make_annotation(article=article, author=author, exact="twice", kind="claim", note="C")
    quote = make_annotation(
        article=article,
        author=author,
        exact="Nobody wants another winter of grounded ferries",
        kind="quote",
        note="Said twice that evening.",
    )
    page.goto(article.get_absolute_url())
    claim_card = page.locator(f"#note-{claim.public_id}")
    quote_card = page.locator(f"#note-{quote.public_id}")
    expect(quote_card).to_be_visible()
    assert quote_card.evaluate(CARD_STYLE) == claim_card.evaluate(CARD_STYLE)
    assert quote_card.evaluate(CARD_STYLE)["fontStyle"] == "normal"
    # Each kind keeps its own colour on the card's edge.
    edges = {
        card.evaluate("c => getComputedStyle(c).borderLeftColor")
        for card in (claim_card, quote_card)
    }
    assert len(edges) == 2


def test_delete_is_one_step_and_undo_brings_the_note_back(page, context, article, sign_in):
    author = make_user("alice")
    note = make_annotation(article=article, author=author, exact="twice", note="Check this")
    sign_in(context, author)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(article.get_absolute_url())
    page.locator(f"#note-{note.public_id}").get_by_role("button", name="Delete").click()
    expect(page.locator("mark.hl")).to_have_count(0)
    toast = page.locator("#toast")
    expect(toast).to_contain_text("Moved to trash")
    assert dialogs == []
    toast.get_by_role("button", name="Undo").click()
    expect(page.locator(f"#hl-{note.public_id}")).to_have_text("twice")
    expect(page.locator(f"#note-{note.public_id}")).to_contain_text("Check this")
    assert Annotation.objects.alive().count() == 1


def test_an_edited_note_says_edited_with_the_time(page, context, article, sign_in):
    author = make_user("alice")
    note = make_annotation(article=article, author=author, exact="twice", note="First words")
    sign_in(context, author)
    page.goto(article.get_absolute_url())
    card = page.locator(f"#note-{note.public_id}")
    expect(card).not_to_contain_text("edited")
    card.get_by_role("link", name="Edit").click()
    page.locator("form.is-editing").get_by_label("Your note").fill("Second words")
    page.get_by_role("button", name="Save changes").click()
    card = page.locator(f"#note-{note.public_id}")
    expect(card).to_contain_text("Second words")
    edited = card.locator("time.note-edited")
    expect(edited).to_contain_text("edited")
    note.refresh_from_db()
    assert edited.get_attribute("datetime") == note.edited_at.isoformat()
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2}", edited.get_attribute("title"))
