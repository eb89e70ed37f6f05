"""Imports through the models: re-anchoring, corpora, refusals, leniency, the report, commands."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsapp.annotations.models import AnchorState, Annotation, Tag
from newsapp.sharing import imports
from newsapp.sharing.import_report import ImportReport
from newsapp.sharing.imports import annotations_import
from newsapp.sharing.w3c.model import AnnotationImportError
from newsapp.sharing.w3c.parser import parse_annotations
from tests.factories import make_annotation, make_article
from tests.sharing.annotation_files import (
    EDITED_BODY,
    annotate_variety,
    article,
    author,
    export_bytes,
    w3c,
)
from tests.sharing.w3c_support import CORRECT_DIRS, sample_files

pytestmark = pytest.mark.django_db

__all__ = ["article", "author"]  # fixtures


def test_import_onto_an_edited_article_moves_fuzzes_and_orphans(article, author):
    annotate_variety(article, author)
    edited = make_article(title="Flood basins, edited", body=EDITED_BODY)
    report = annotations_import(
        article=edited,
        author=author,
        data=export_bytes(article, author),
        visibility="public",
    )
    # Moved down by the new first paragraph: found by quote. Words edited: fuzzy. Gone: orphan.
    assert report.counts == {"exact": 3, "fuzzy": 0, "orphaned": 1, "skipped": 0}
    by_kind = {a.kind: a for a in Annotation.objects.filter(article=edited)}
    assert by_kind["claim"].anchor_method == "quote"
    orphan = by_kind["question"]
    assert orphan.anchor_state == AnchorState.ORPHANED
    assert orphan.anchor_method == ""
    assert orphan.exact == "Residents 🌊 near the quay"
    assert orphan.note == "Which quay?"
    assert orphan.visibility == "public"
    anchored = [a for a in by_kind.values() if a.anchor_state == AnchorState.ANCHORED]
    assert len(anchored) == 3
    for annotation in anchored:
        assert edited.body_text[annotation.start : annotation.end] == annotation.exact


def test_an_edited_quote_anchors_fuzzily(article, author):
    make_annotation(
        article=article,
        author=author,
        exact="said Mayor Ines Duarte, who backed the plan",
        note="She campaigned on it.",
    )
    edited = make_article(title="Edited", body=EDITED_BODY)
    report = annotations_import(article=edited, author=author, data=export_bytes(article, author))
    assert report.counts["fuzzy"] == 1
    (annotation,) = Annotation.objects.filter(article=edited)
    assert annotation.anchor_method == "fuzzy"
    assert annotation.exact == "said Mayor Ines Duarte, who supported the plan"
    assert report.fuzzy[0].quote == annotation.exact


def test_w3c_samples_that_target_text_import_cleanly(corpora, author):
    samples = [
        (path, parse_annotations(path.read_bytes()))
        for path in sample_files(corpora, CORRECT_DIRS)
        if b"TextQuoteSelector" in path.read_bytes()
    ]
    assert len(samples) >= 4
    # An article holding each sample's words in their context, so every one can anchor.
    sentences = {
        f"{item.prefix}{item.exact}{item.suffix}."
        for _, parsed in samples
        for item in parsed.annotations
    }
    body = "\n\n".join(sorted(sentences))
    for path, parsed in samples:
        article = make_article(title=f"Samples {path.name}", body=body, body_format="text")
        report = annotations_import(article=article, author=author, data=path.read_bytes())
        assert report.created == len(parsed.annotations), path.name
        assert report.counts["orphaned"] == 0, path.name
        assert report.counts["fuzzy"] == 0, path.name
        assert len(report.skipped) == len(parsed.skipped), path.name
        for annotation in Annotation.objects.filter(article=article):
            assert article.body_text[annotation.start : annotation.end] == annotation.exact
            assert annotation.sources.exists()  # their bodies are links to comments


def test_hypothesis_export_imports_onto_the_page_it_annotated(corpora, author):
    folder = corpora / "hypothesis-anchoring" / "html-baselines"
    html = (folder / "wikipedia-regression-testing.html").read_text(encoding="utf-8")
    article = make_article(title="Regression testing", body=html, body_format="html")
    raw = (folder / "wikipedia-regression-testing.json").read_bytes()
    rows = json.loads(raw)["rows"]

    report = annotations_import(article=article, author=author, data=raw)

    assert report.created == len(rows) == 5
    assert report.counts["orphaned"] == 0
    imported = {a.note: a for a in Annotation.objects.filter(article=article)}
    for row in rows:
        (quote,) = [s for s in row["target"][0]["selector"] if s["type"] == "TextQuoteSelector"]
        annotation = imported[row["text"]]
        assert annotation.exact == " ".join(quote["exact"].split())
        # "Regression testing" is on the page nine times: its context picks the heading.
        following = " ".join(quote["suffix"].split())[:8]
        assert " ".join(annotation.suffix.split()).startswith(following), row["text"]


def test_a_late_bad_field_refuses_the_whole_upload(article, author):
    bad = w3c("flood basins")
    bad["target"]["selector"]["prefix"] = 7
    upload = json.dumps([w3c("two car parks"), w3c("Monday"), bad])
    with pytest.raises(AnnotationImportError) as caught:
        annotations_import(article=article, author=author, data=upload)
    assert caught.value.path == "$[2].target.selector.prefix"
    assert not Annotation.objects.exists()
    assert not Tag.objects.exists()


def test_unknown_visibility_is_refused(article, author):
    with pytest.raises(ValidationError):
        annotations_import(
            article=article, author=author, data=json.dumps(w3c("Monday")), visibility="secret"
        )
    assert not Annotation.objects.exists()


def test_too_many_annotations_are_refused(article, author, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_ANNOTATIONS", 2)
    upload = json.dumps([w3c("two"), w3c("car"), w3c("parks")])
    with pytest.raises(AnnotationImportError, match="at most 2"):
        annotations_import(article=article, author=author, data=upload)
    assert not Annotation.objects.exists()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(article, author):
    upload = json.dumps([w3c("two car parks"), w3c("not in the article")])
    first = annotations_import(article=article, author=author, data=upload)
    second = annotations_import(article=article, author=author, data=upload)
    assert first.created == 2
    assert second.created == 0
    assert [row.reason for row in second.skipped] == [
        "already on this article (same words and note)"
    ] * 2
    assert Annotation.objects.count() == 2


def test_fields_gloss_cannot_keep_are_reported_not_fatal(article, author):
    generous = w3c("two car parks")
    generous["body"] = [
        {"type": "TextualBody", "value": "Kept note"},
        {"type": "SpecificResource", "source": "urn:isbn:9780000000000", "purpose": "linking"},
        {"type": "SpecificResource", "source": "https://ok.example/", "purpose": "linking"},
        *({"type": "TextualBody", "value": f"tag{n}", "purpose": "tagging"} for n in range(12)),
    ]
    too_long = w3c("Monday", body={"type": "TextualBody", "value": "x" * 10_001})
    report = annotations_import(
        article=article, author=author, data=json.dumps([generous, too_long])
    )
    assert report.created == 1
    (row,) = report.exact
    assert any("urn:isbn" in warning for warning in row.warnings)
    assert any("first 10 of 12 tags" in warning for warning in row.warnings)
    (skipped,) = report.skipped
    assert skipped.path == "$[1]"
    assert "10,001 characters" in skipped.reason
    annotation = Annotation.objects.get()
    assert annotation.note == "Kept note"
    assert annotation.note_html == "<p>Kept note</p>"
    assert list(annotation.sources.values_list("url", flat=True)) == ["https://ok.example/"]
    assert annotation.tags.count() == 10


def varied_upload(count: int, label: str) -> str:
    """``count`` annotations, anchored and orphaned, each with a note, a new tag and a source."""
    words = ["two car parks", "flood basins", "Monday", "buses", "words not in the article"]
    items = []
    for n in range(count):
        item = w3c(words[n % len(words)])
        item["body"] = [
            {"type": "TextualBody", "value": f"{label} note {n}"},
            {"type": "TextualBody", "value": f"{label} tag {n % 4}", "purpose": "tagging"},
            {"type": "SpecificResource", "source": f"https://ok.example/{n}", "purpose": "linking"},
        ]
        items.append(item)
    return json.dumps(items)


def test_queries_of_an_import_do_not_grow_with_its_size(article, author):
    counts = []
    for size in (5, 60):
        with CaptureQueriesContext(connection) as captured:
            report = annotations_import(
                article=article, author=author, data=varied_upload(size, f"Upload {size}")
            )
        assert report.created == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_imports_bump_the_readers_cache_stamp(article, author):
    before = article.annotations_changed_at
    annotations_import(article=article, author=author, data=json.dumps(w3c("two car parks")))
    article.refresh_from_db()
    assert article.annotations_changed_at is not None
    assert article.annotations_changed_at != before


def test_report_survives_a_session_round_trip_even_shortened(article, author):
    upload = json.dumps([w3c("two"), w3c("car"), w3c("parks"), w3c("words not there")])
    report = annotations_import(article=article, author=author, data=upload)
    full = ImportReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert full.counts == report.counts
    assert full.exact == report.exact
    assert not full.shortened
    short = ImportReport.from_dict(json.loads(json.dumps(report.to_dict(rows_per_group=1))))
    assert short.counts == {"exact": 3, "fuzzy": 0, "orphaned": 1, "skipped": 0}
    assert len(short.exact) == 1
    assert short.shortened
    assert short.summary() == report.summary()


def test_commands_refuse_bad_input_and_write_nothing(article, author, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "Annotation", "target": 5}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"At \$\.target"):
        call_command("import_annotations", article.slug, str(bad), "--user", author.username)
    with pytest.raises(CommandError, match="No article"):
        call_command("import_annotations", "nope", str(bad), "--user", author.username)
    with pytest.raises(CommandError, match="No reader"):
        call_command("export_annotations", "--user", "nobody")
    with pytest.raises(CommandError):
        call_command("export_annotations")  # needs --article or --user
    assert not Annotation.objects.exists()
