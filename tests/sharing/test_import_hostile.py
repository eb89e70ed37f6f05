"""Hostile uploads: a clear 400 with the JSON path (or a report row saying why an item was
skipped), never a server error, bounded work, and nothing written when the upload is refused.

Through the import page (full page and htmx) and ``manage.py import_annotations``. Work is
measured in this thread's CPU time: the machine running the tests is shared, so wall time
says more about the neighbours than about the import.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsapp.annotations.models import Annotation, ContextSource, Tag
from newsapp.sharing import imports
from newsapp.sharing.w3c.reading import MAX_DEPTH, MAX_IMPORT_BYTES
from tests.factories import make_article, make_user
from tests.sharing.hostile_files import (
    BODY,
    FIVE_MEGABYTE_FILES,
    annotation,
    orphans,
    with_body,
)
from tests.sharing.view_support import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="Harbour ferries", body=BODY)


@pytest.fixture
def reader(client):
    reader = make_user("hostile")
    client.force_login(reader)
    return reader


def upload(client, article, payload: bytes, **headers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("sharing:import", args=[article.slug]),
        {"file": SimpleUploadedFile("notes.json", payload), "visibility": "private"},
        **headers,
    )


def assert_refused(client, article, payload: bytes, path: str, problem: str) -> None:
    """400 on the full page and the fragment, with the path and the problem; nothing saved."""
    for headers in ({}, HTMX):
        response = upload(client, article, payload, **headers)
        html = response.content.decode()
        assert response.status_code == 400
        assert f"Nothing was imported. At {path}: " in html
        assert problem in html
    assert not Annotation.objects.exists()
    assert not Tag.objects.exists()


@contextmanager
def cpu_seconds():
    spent: list[float] = []
    began = time.thread_time()
    yield spent
    spent.append(time.thread_time() - began)


def dumps(document) -> bytes:
    return json.dumps(document).encode()


# --- lone surrogates and NUL ----------------------------------------------------------------


UNSTORABLE = {
    "$[1].body.value": {"body": {"type": "TextualBody", "value": "half an emoji \ud83c"}},
    "$[1].body[0].value": {"body": [{"value": "\udfff", "purpose": "tagging"}]},
    "$[1].body.source": {"body": {"source": "https://x.example/\ud800"}},
    "$[1].creator.name": {"creator": {"name": "nul \x00 name"}},
}


@pytest.mark.parametrize("path", UNSTORABLE)
def test_text_that_cannot_be_stored_is_refused_at_its_path(client, article, reader, path):
    unstorable = annotation("every forty minutes", **UNSTORABLE[path])
    payload = dumps([annotation("ferries leave"), unstorable])
    assert_refused(client, article, payload, path, "which is not text")


def test_utf8_encoded_surrogates_are_refused_as_not_utf8(client, article, reader):
    payload = dumps([annotation("ferries leave", body="PLACEHOLDER")]).replace(
        b"PLACEHOLDER", b"\xed\xb0\x80"
    )
    assert_refused(client, article, payload, "$", "input is not UTF-8 text (bad byte at offset")


# --- nesting --------------------------------------------------------------------------------


def test_deep_brackets_are_refused_before_parsing(client, article, reader):
    half = MAX_IMPORT_BYTES // 2
    with cpu_seconds() as spent:
        assert_refused(
            client, article, b"[" * half + b"]" * half, "$" + "[0]" * MAX_DEPTH, "nested more than"
        )
    assert spent[0] < 2.0


def test_a_deep_refinement_chain_is_refused_at_its_path(client, article, reader):
    chain = {"type": "TextQuoteSelector", "exact": "ferries leave"}
    for _ in range(100):
        chain = {"type": "TextQuoteSelector", "exact": "ferries leave", "refinedBy": chain}
    document = annotation("ferries leave")
    document["target"]["selector"] = chain
    # $ is level 1, the annotation's target 2, its selector 3, then one level per refinement.
    path = "$.target.selector" + ".refinedBy" * (MAX_DEPTH - 2)
    assert_refused(client, article, dumps(document), path, f"nested more than {MAX_DEPTH}")


# --- numbers of items -----------------------------------------------------------------------


def test_a_page_of_400_000_references_is_refused_unread(client, article, reader):
    page = {"type": "AnnotationPage", "items": ["urn:x:1"] * 400_000}
    document = {"type": "AnnotationCollection", "first": page}
    with cpu_seconds() as spent:
        assert_refused(client, article, dumps(document), "$.first.items", "holds 400,000 items")
    assert spent[0] < 2.0


def test_more_annotations_than_one_upload_takes_are_refused(client, article, reader):
    rows = {"total": 2001, "rows": [annotation("ferries leave", type=None)] * 2001}
    assert_refused(client, article, dumps(rows), "$.rows", "one upload takes at most 2,000")


# --- orphans ----------------------------------------------------------------------------------


def test_hundreds_of_orphans_are_kept_and_reported(client, article, reader):
    response = upload(client, article, dumps(orphans(300)), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>300</strong> orphaned" in html
    assert Annotation.objects.filter(anchor_state="orphaned").count() == 300


def test_an_upload_past_the_work_budget_is_refused_whole(client, article, reader, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_TIME_BUDGET", 0.0)
    assert_refused(client, article, dumps(orphans(5)), "$", "too much work to import at once")


def test_thousands_of_orphans_with_notes_cost_bounded_work(client, article, reader):
    payload = dumps(orphans(2000, notes=True))
    with cpu_seconds() as spent:
        response = upload(client, article, payload)
    assert spent[0] < 2.0
    # All or nothing: either every orphan is kept, or the upload is refused as too much work.
    kept = Annotation.objects.count()
    if response.status_code == 400:
        assert "too much work to import at once" in response.content.decode()
        assert kept == 0
    else:
        assert response.status_code == 302
        assert kept == 2000


# --- odd source links -----------------------------------------------------------------------


ODD_LINKS = {
    "http://[::1": "http://[::1 left out: the link is not a valid web address",
    "http://[harbour]/": "http://[harbour]/ left out: the link is not a valid web address",
    "http://harbour.example:99999/": "harbour.example:99999/ left out: the link is not a valid",
    "http://harbour.example/\u0001": "harbour.example/\ufffd left out: the link has spaces or",
    "http://harbour example/": "harbour example/ left out: the link has spaces or control",
    "https://harbour.example/" + "p" * 3000: "ppp… left out: the link is too long",
    "javascript:alert(1)": "alert(1) left out: the link must be a full http:// or https:// URL",
    "http://:80/": "http://:80/ left out: the link must be a full http:// or https:// URL",
}


def test_odd_source_links_are_left_out_with_the_reason(client, article, reader):
    links = [*ODD_LINKS, "https://port.example/timetable"]
    document = with_body(annotation("ferries leave"), links)
    response = upload(client, article, dumps(document), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    for warning in ODD_LINKS.values():
        assert warning in html
    assert list(ContextSource.objects.values_list("url", flat=True)) == [
        "https://port.example/timetable"
    ]


# --- five megabytes of each -------------------------------------------------------------------


@pytest.mark.parametrize("name", FIVE_MEGABYTE_FILES)
def test_five_megabytes_of_hostile_json_answer_within_two_seconds(client, article, reader, name):
    payload = FIVE_MEGABYTE_FILES[name]()
    assert 4_000_000 < len(payload) <= MAX_IMPORT_BYTES
    with cpu_seconds() as spent:
        response = upload(client, article, payload)
    assert spent[0] < 2.0
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not Annotation.objects.exists()


# --- the management command -------------------------------------------------------------------


def test_the_command_refuses_with_the_path_and_writes_nothing(article, tmp_path):
    make_user("cli")
    path = tmp_path / "hostile.json"
    path.write_bytes(dumps([annotation("ferries leave", body={"value": "nul \x00"})]))
    with pytest.raises(CommandError, match=r"Nothing imported\. At \$\[0\]\.body\.value: "):
        call_command("import_annotations", article.slug, str(path), "--user", "cli")
    assert not Annotation.objects.exists()
