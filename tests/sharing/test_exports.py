"""Exports through the models: JSON-LD and Markdown, round trips, the export command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.annotations.models import AnchorState, Annotation
from newsapp.sharing.exports import article_jsonld, article_markdown, reader_markdown
from newsapp.sharing.imports import annotations_import
from newsapp.sharing.w3c.model import ANNOTATION_CONTEXT
from tests.factories import make_annotation, make_article, make_user
from tests.sharing.annotation_files import (
    BASE,
    BODY,
    annotate_variety,
    article,
    author,
    export_bytes,
    fingerprint,
)
from tests.sharing.w3c_support import assertions, failures

pytestmark = pytest.mark.django_db

__all__ = ["article", "assertions", "author"]  # fixtures


def test_export_then_import_into_a_copy_gives_the_same_anchors(article, author):
    originals = annotate_variety(article, author)
    copy = make_article(title="Flood basins (copy)", body=BODY)
    assert copy.body_text == article.body_text
    assert copy.slug != article.slug
    reader = make_user("importer")

    report = annotations_import(article=copy, author=reader, data=export_bytes(article, author))

    assert report.counts == {"exact": 4, "fuzzy": 0, "orphaned": 0, "skipped": 0}
    imported = list(Annotation.objects.filter(article=copy))
    assert {fingerprint(a) for a in imported} == {fingerprint(a) for a in originals}
    for annotation in imported:
        assert annotation.author == reader
        assert annotation.visibility == "private"
        assert annotation.anchor_method == "position"
        assert annotation.anchor_state == AnchorState.ANCHORED
        assert copy.body_text[annotation.start : annotation.end] == annotation.exact
        assert annotation.revision == copy.revisions.get()
    assert {row.public_id for row in report.exact} == {a.public_id for a in imported}


def test_orphan_without_a_position_exports_a_valid_annotation(article, author, assertions):
    document = {
        "@context": ANNOTATION_CONTEXT,
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Lost words"},
        "target": {
            "source": "https://elsewhere.example/",
            "selector": {"type": "TextQuoteSelector", "exact": "not in this article"},
        },
    }
    annotations_import(article=article, author=author, data=json.dumps(document))
    (orphan,) = Annotation.objects.filter(anchor_state=AnchorState.ORPHANED)
    assert orphan.start is None
    exported = article_jsonld(article, author, base_url=BASE, id_url=f"{BASE}/export")
    (item,) = exported["first"]["items"]
    assert [s["type"] for s in item["target"]["selector"]] == ["TextQuoteSelector"]
    musts = assertions("annotations/annotationMusts.test")
    assert failures(musts, {"@context": ANNOTATION_CONTEXT, **item}) == []


def test_jsonld_export_satisfies_the_w3c_must_assertions(article, author, assertions):
    annotate_variety(article, author)
    document = article_jsonld(article, author, base_url=BASE, id_url=f"{BASE}/export")
    assert failures(assertions("collections/collectionMusts.test"), document) == []
    musts = assertions("annotations/annotationMusts.test")
    items = document["first"]["items"]
    assert len(items) == 4
    for item in items:
        assert failures(musts, {"@context": ANNOTATION_CONTEXT, **item}) == []
        assert item["id"].startswith(f"{BASE}/a/")
        assert item["target"]["state"]["type"] == "TimeState"


def test_markdown_export_of_an_article(article, author):
    annotate_variety(article, author)
    public_only = article_markdown(article, None, base_url=BASE)
    assert public_only.startswith("# Flood basins\n\n[Read it on Gloss](https://gloss.example/")
    assert "> turn two car parks into flood basins" in public_only
    assert "Which quay?" not in public_only  # private
    assert "wetter century" not in public_only  # unlisted: never listed
    mine = article_markdown(article, author, base_url=BASE)
    assert "Which quay?" in mine
    assert "wetter century" in mine
    assert "[Plan 2029](https://archive.example/2029) (disputes)" in mine


def test_markdown_export_of_a_reader_has_a_section_per_article(article, author):
    annotate_variety(article, author)
    other = make_article(title="Second story", body=BODY)
    make_annotation(article=other, author=author, exact="9,000 cubic metres", note="Olympic pools?")
    text = reader_markdown(author, base_url=BASE)
    assert text.startswith("# Annotations by marta\n")
    assert "\n## Flood basins\n" in text
    assert "\n## Second story\n" in text
    assert "\n### Claim\n" in text
    assert "Olympic pools?" in text
    assert "\n## Claim\n" not in text


def test_export_and_import_commands_round_trip(article, author, tmp_path):
    annotate_variety(article, author)
    output = tmp_path / "notes.jsonld"
    call_command(
        "export_annotations",
        "--article",
        article.slug,
        "--as-user",
        author.username,
        "--format",
        "jsonld",
        "--output",
        str(output),
        "--base-url",
        BASE,
        stderr=StringIO(),
    )
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["first"]["items"][0]["id"].startswith(f"{BASE}/a/")
    assert document["total"] == 4

    copy = make_article(title="Copy", body=BODY)
    make_user("ana")
    stdout = StringIO()
    call_command(
        "import_annotations",
        copy.slug,
        str(output),
        "--user",
        "ana",
        "--visibility",
        "public",
        stdout=stdout,
    )
    lines = stdout.getvalue().splitlines()
    assert lines[0] == (
        "Imported 4: 4 anchored exactly, 0 anchored fuzzily, 0 orphaned; 0 skipped."
    )
    assert sum(line.startswith("exact ") for line in lines) == 4
    assert Annotation.objects.filter(article=copy, visibility="public").count() == 4


def test_export_command_writes_markdown_to_stdout(article, author):
    annotate_variety(article, author)
    stdout = StringIO()
    call_command("export_annotations", "--user", author.username, "--format", "md", stdout=stdout)
    assert stdout.getvalue().startswith("# Annotations by marta")
    public = StringIO()
    call_command("export_annotations", "--article", article.slug, stdout=public)
    assert "Which quay?" not in public.getvalue()


@pytest.mark.parametrize("fmt", ["md", "jsonld"])
def test_a_readers_export_never_loads_article_bodies_and_its_queries_do_not_grow(client, fmt):
    reader = make_user()
    client.force_login(reader)
    url = reverse("sharing:reader_export", kwargs={"fmt": fmt})

    def export_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    make_annotation(article=make_article(), author=reader, visibility="private")
    few = export_queries()
    for _ in range(4):
        make_annotation(article=make_article(), author=reader, visibility="public")
    many = export_queries()
    assert len(many) == len(few)
    assert [sql for sql in many if "body_html" in sql or "body_text" in sql] == []


@pytest.mark.parametrize("fmt", ["md", "jsonld"])
def test_a_signed_out_export_is_kept_until_the_articles_notes_change(
    article, author, fmt, client, django_assert_num_queries
):
    url = reverse("sharing:article_export", args=[article.slug, fmt])
    make_annotation(article=article, author=author, exact="basins", note="First note.")
    first = client.get(url)
    with django_assert_num_queries(1):  # the article, for the key
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    make_annotation(article=article, author=author, exact="basins", note="A second note.")
    make_annotation(
        article=article, author=author, exact="basins", visibility="private", note="Mine only."
    )
    public = client.get(url).content.decode()
    assert "A second note." in public
    assert "Mine only." not in public
    client.force_login(author)
    assert "Mine only." in client.get(url).content.decode()
