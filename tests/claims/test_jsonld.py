"""schema.org JSON-LD in the article page head: Quotation with creator, ClaimReview."""

from __future__ import annotations

import json
import re

import pytest

from newsapp.annotations.services import SourceInput
from newsapp.claims.jsonld import script_json
from newsapp.claims.models import Quote
from newsapp.claims.ratings import notes_rescore
from tests.claims.factories import make_context_note, make_quoted_article, rate, seed_camps

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def graph_of(client, article) -> list[dict]:
    page = client.get(article.get_absolute_url()).content.decode()
    head = page[: page.index("</head>")]
    scripts = SCRIPT.findall(head)
    assert len(scripts) == 1, "one JSON-LD block in the head"
    document = json.loads(scripts[0])
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def of_type(graph: list[dict], kind: str) -> list[dict]:
    return [node for node in graph if node["@type"] == kind]


def test_quotes_with_speakers_become_quotations_with_a_creator(client):
    article = make_quoted_article(title="Talks")
    graph = graph_of(client, article)
    quotations = of_type(graph, "Quotation")
    first = Quote.objects.in_article(article).first()
    assert [node["creator"]["name"] for node in quotations] == [
        "Adaeze Okafor",
        "Radomír Šťastný",
    ]
    assert quotations[0]["text"] == first.text
    assert quotations[0]["@id"] == f"http://testserver{article.get_absolute_url()}#q-{first.pk}"
    assert quotations[0]["creator"]["url"] == "http://testserver/speakers/adaeze-okafor/"
    assert of_type(graph, "NewsArticle")[0]["headline"] == "Talks"
    assert not of_type(graph, "ClaimReview")


def test_claims_with_shown_context_become_claim_reviews(client):
    article = make_quoted_article(title="Talks")
    note = make_context_note(article=article, note="Never **ratified**, see the register.")
    graph = graph_of(client, article)
    assert not of_type(graph, "ClaimReview"), "proposed context is not a review yet"
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    notes_rescore()
    (review,) = of_type(graph_of(client, article), "ClaimReview")
    assert review["claimReviewed"] == note.exact
    assert review["reviewBody"] == "Never ratified, see the register."
    assert review["reviewRating"]["alternateName"] == "Disputed by the sources readers cited"
    assert review["itemReviewed"]["author"]["name"] == "Adaeze Okafor"
    assert review["citation"] == [
        {"@type": "CreativeWork", "url": "https://treaties.example/2019", "name": "Treaty register"}
    ]
    assert review["url"] == f"http://testserver/a/{note.public_id}/"
    assert review["datePublished"] == note.created_at.date().isoformat()


def test_hostile_text_cannot_close_the_script_and_still_round_trips(client):
    article = make_quoted_article(
        title="Escapes",
        body="“Close it </script><script>alert(1)</script> & run,” said Mallory Quinn.",
        body_format="text",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    head = page[: page.index("</head>")]
    (raw,) = SCRIPT.findall(head)
    assert "<" not in raw
    assert ">" not in raw
    assert "&" not in raw
    (quotation,) = of_type(json.loads(raw)["@graph"], "Quotation")
    assert quotation["text"] == Quote.objects.get(article=article).text
    assert "</script>" in quotation["text"]


def test_script_json_escapes_markup_characters():
    escaped = script_json({"text": "</script><!-- & -->"})
    assert escaped == '{"text": "\\u003C/script\\u003E\\u003C!-- \\u0026 --\\u003E"}'
    assert json.loads(escaped) == {"text": "</script><!-- & -->"}


def test_an_article_without_quotes_or_context_has_no_json_ld(client):
    article = make_quoted_article(title="Numbers", body="Inflation fell to 3.1 percent.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "application/ld+json" not in page[: page.index("</head>")]


def test_mixed_stances_give_a_neutral_rating(client):
    article = make_quoted_article(title="Talks")
    note = make_context_note(
        article=article,
        sources=[
            SourceInput(url="https://a.example/", title="A", stance="supports"),
            SourceInput(url="https://b.example/", title="B", stance="disputes"),
        ],
    )
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    notes_rescore()
    (review,) = of_type(graph_of(client, article), "ClaimReview")
    assert review["reviewRating"]["alternateName"] == "Sources readers cited disagree"
