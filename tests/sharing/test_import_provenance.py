"""Imported notes keep who wrote them and when: "imported from <creator>" on the card, the
importer as owner (issue 11, item 8)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.sharing.w3c.fields import CREATOR_CHARS
from newsapp.sharing.w3c.parser import parse_annotations
from tests.sharing.view_support import HTMX, annotate, article, author, parse

pytestmark = pytest.mark.django_db
__all__ = ["article", "author"]  # fixtures

EXACT = "the third pause"


def w3c_note(article, **fields) -> dict:
    start = article.body_text.index(EXACT)
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://elsewhere.example/anno/7",
        "type": "Annotation",
        "motivation": "commenting",
        "body": {"type": "TextualBody", "value": "Third in a row.", "format": "text/markdown"},
        "target": {
            "source": "https://elsewhere.example/page",
            "selector": [
                {"type": "TextQuoteSelector", "exact": EXACT},
                {"type": "TextPositionSelector", "start": start, "end": start + len(EXACT)},
            ],
        },
        **fields,
    }


def hypothesis_note(**fields) -> dict:
    return {
        "id": "hyp-1",
        "text": "Worth checking.",
        "target": [{"selector": [{"type": "TextQuoteSelector", "exact": EXACT}]}],
        **fields,
    }


def import_file(client, article, importer, data: dict) -> None:
    client.force_login(importer)
    upload = SimpleUploadedFile("notes.json", json.dumps(data).encode(), "application/json")
    response = client.post(
        reverse("sharing:import", args=[article.slug]),
        {"file": upload, "visibility": "private"},
    )
    assert response.status_code == 302


def card_header(client, article) -> str:
    html = client.get(article.get_absolute_url()).content.decode()
    header = parse(html).find(".//{*}article[@class='note-card']/{*}header")
    return " ".join("".join(header.itertext()).split())


def test_an_imported_note_says_who_wrote_it_and_when_and_belongs_to_the_importer(
    client, article, author
):
    creator = {"type": "Person", "name": "Ingrid Holm"}
    note = w3c_note(article, creator=creator, created="2025-03-04T09:30:00Z")
    import_file(client, article, author, note)
    annotation = Annotation.objects.get()
    assert annotation.author == author
    assert annotation.imported_creator == "Ingrid Holm"
    assert annotation.imported_created_at == datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    header = card_header(client, article)
    assert "imported from Ingrid Holm, written 4 Mar 2025" in header
    assert header.startswith("Note author")  # the importer owns it


def test_the_notes_fragment_and_the_permalink_say_so_too(client, article, author):
    import_file(client, article, author, w3c_note(article, creator="Ingrid Holm"))
    annotation = Annotation.objects.get()
    fragment = client.get(reverse("annotations:notes", args=[article.slug]), **HTMX)
    assert "imported from Ingrid Holm" in fragment.content.decode()
    permalink = client.get(annotation.get_absolute_url())
    assert "imported from Ingrid Holm" in permalink.content.decode()


def test_my_notes_say_where_an_imported_note_came_from(client, article, author):
    import_file(client, article, author, w3c_note(article, creator="Ingrid Holm"))
    html = client.get(reverse("annotations:mine")).content.decode()
    assert "imported from Ingrid Holm" in html


def test_a_note_written_here_claims_no_import(client, article, author):
    annotate(article, author, exact=EXACT)
    client.force_login(author)
    assert "imported from" not in card_header(client, article)


@pytest.mark.parametrize(
    ("fields", "creator"),
    [
        ({"user": "acct:tomas@hypothes.is"}, "tomas"),
        (
            {"user": "acct:tomas@hypothes.is", "user_info": {"display_name": "Tomás Vey"}},
            "Tomás Vey",
        ),
        ({"user_info": {"display_name": "  "}, "user": "acct:tomas@hypothes.is"}, "tomas"),
        ({}, ""),
    ],
)
def test_a_hypothesis_note_names_its_account_or_display_name(fields, creator):
    parsed = parse_annotations(json.dumps({"rows": [hypothesis_note(**fields)], "total": 1}))
    assert parsed.annotations[0].creator == creator


@pytest.mark.parametrize(
    ("value", "creator"),
    [
        ("Ingrid Holm", "Ingrid Holm"),
        ({"type": "Person", "nickname": "ingrid"}, "ingrid"),
        ({"id": "https://people.example/ingrid"}, "https://people.example/ingrid"),
        ([{"type": "Software"}, {"name": "Ingrid\n Holm"}], "Ingrid Holm"),
        (42, ""),  # an odd shape names nobody; the note is still imported
        ({"name": ["a list"]}, ""),
    ],
)
def test_a_w3c_creator_is_read_leniently(article, value, creator):
    parsed = parse_annotations(json.dumps(w3c_note(article, creator=value)))
    assert parsed.annotations[0].creator == creator


def test_a_long_creator_is_cut_to_what_is_stored(article):
    parsed = parse_annotations(json.dumps(w3c_note(article, creator="x" * 5000)))
    assert len(parsed.annotations[0].creator) == CREATOR_CHARS
