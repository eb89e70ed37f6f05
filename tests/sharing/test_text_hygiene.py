"""What a page says about a note outside its body is plain text: the meta description, the
ClaimReview's reviewBody. No Markdown syntax, no entity shown as text (`&amp;`). And the
embed card shows a note's sources with their stance, as the note card does."""

from __future__ import annotations

import json

import html5lib
import pytest
from django.urls import reverse

from newsapp.annotations.services import SourceInput
from newsapp.claims.ratings import notes_rescore
from newsapp.text.extract import plain_text
from tests.claims.factories import make_context_note, make_quoted_article, rate, seed_camps
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

NS = {"h": "http://www.w3.org/1999/xhtml"}
NOTE = "Costs **rose** & the *audit* says <so>: see [the report](https://audit.example/r)."
PLAIN = "Costs rose & the audit says <so>: see the report."


def description(html: str) -> str:
    document = html5lib.parse(html, namespaceHTMLElements=True)
    for meta in document.iterfind(".//h:meta", NS):
        if meta.get("name") == "description":
            return meta.get("content")
    raise AssertionError("no meta description")


def test_plain_text_decodes_entities_and_separates_blocks():
    assert plain_text("<p>Fish &amp; chips</p><p>&lt;3 &#x27;em</p>") == "Fish & chips <3 'em"


def test_plain_text_keeps_words_apart_at_line_breaks_and_list_items():
    assert plain_text("<ul><li>one</li><li>two<br>three</li></ul>") == "one two three"


def test_a_permalink_describes_its_note_in_plain_text(client):
    article = make_article()
    note = make_annotation(
        article=article, author=make_user(), exact="We cannot keep patching", note=NOTE
    )
    content = description(client.get(note.get_absolute_url()).content.decode())
    assert content == f"“We cannot keep patching” — {PLAIN}"


def test_the_claim_review_body_is_plain_text(client):
    article = make_quoted_article(title="Talks")
    note = make_context_note(article=article, note="Tolls & fees were **never** “raised”.")
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    notes_rescore()
    page = client.get(article.get_absolute_url()).content.decode()
    start = page.index('<script type="application/ld+json">')
    raw = page[page.index(">", start) + 1 : page.index("</script>", start)]
    (review,) = [node for node in json.loads(raw)["@graph"] if node["@type"] == "ClaimReview"]
    assert review["reviewBody"] == "Tolls & fees were never “raised”."


def test_the_embed_card_lists_sources_with_their_stance(client):
    article = make_article()
    note = make_annotation(
        article=article,
        author=make_user(),
        exact="We cannot keep patching",
        note="Inspections disagree.",
        sources=[
            SourceInput(url="https://audit.example/b", title="Bridge audit", stance="disputes"),
            SourceInput(url="https://minutes.example/c", title="", stance="supports"),
        ],
    )
    html = client.get(reverse("sharing:embed", args=[note.public_id])).content.decode()
    document = html5lib.parse(html, namespaceHTMLElements=True)
    items = document.findall(".//h:ul[@class='embed-sources']/h:li", NS)
    assert [" ".join("".join(item.itertext()).split()) for item in items] == [
        "Disputes Bridge audit",
        "Supports https://minutes.example/c",
    ]
    links = [item.find(".//h:a", NS).get("href") for item in items]
    assert links == ["https://audit.example/b", "https://minutes.example/c"]
