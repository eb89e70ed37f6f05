"""Exports and imports through the models: round trips, re-anchoring, refusals, commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from newsapp.annotations.models import AnchorState, Annotation, Tag
from newsapp.annotations.services import SourceInput
from newsapp.sharing import imports
from newsapp.sharing.exports import article_jsonld, article_markdown, reader_markdown
from newsapp.sharing.imports import ImportReport, annotations_import
from newsapp.sharing.w3c import ANNOTATION_CONTEXT, AnnotationImportError, parse_annotations
from tests.factories import make_annotation, make_article, make_user
from tests.sharing.test_w3c import CORRECT_DIRS, assertions, failures, sample_files

pytestmark = pytest.mark.django_db

BASE = "https://gloss.example"
__all__ = ["assertions"]  # the schema fixture, shared with test_w3c

BODY = """\
Port Aldren’s council voted 7–2 on Monday to turn two car parks into flood basins.

“We cannot pump our way out of a wetter century,” said Mayor Ines Duarte, who backed the plan.

Residents 🌊 near the quay will lose 140 parking spaces; the council says buses will make up for it.

The basins will hold 9,000 cubic metres. The council says the basins will also be parks in summer.
"""
EDITED_BODY = """\
Updated on Tuesday with the vote count.

Port Aldren’s council voted 7–2 on Monday to turn two car parks into flood basins.

“We cannot pump our way out of a wetter century,” said Mayor Ines Duarte, who supported the plan.

The basins will hold 9,000 cubic metres. The council says the basins will also be parks in summer.
"""


@pytest.fixture
def article():
    return make_article(title="Flood basins", body=BODY, source_url="https://ledger.example/b")


@pytest.fixture
def author():
    return make_user("marta")


def annotate_variety(article, author) -> list[Annotation]:
    return [
        make_annotation(
            article=article,
            author=author,
            exact="turn two car parks into flood basins",
            kind="claim",
            note="The 2029 plan said *three*.",
            tags=["flooding", "budget"],
            sources=[
                SourceInput(
                    url="https://archive.example/2029",
                    title="Plan 2029",
                    stance="disputes",
                    excerpt="three car parks",
                )
            ],
        ),
        make_annotation(
            article=article,
            author=author,
            exact="We cannot pump our way out of a wetter century",
            kind="quote",
            visibility="unlisted",
        ),
        make_annotation(
            article=article,
            author=author,
            exact="Residents 🌊 near the quay",
            kind="question",
            note="Which quay?",
            visibility="private",
        ),
        # The second "basins will": position and context must pick it, not the first.
        make_annotation(
            article=article, author=author, exact="basins will", occurrence=1, kind="highlight"
        ),
    ]


def fingerprint(annotation: Annotation) -> tuple:
    return (
        annotation.exact,
        annotation.prefix,
        annotation.suffix,
        annotation.start,
        annotation.end,
        annotation.kind,
        annotation.note,
        tuple(sorted(annotation.tags.values_list("name", flat=True))),
        tuple(annotation.sources.values_list("url", "title", "stance", "excerpt")),
    )


def export_bytes(article, user) -> bytes:
    document = article_jsonld(article, user, base_url=BASE, id_url=f"{BASE}/export")
    return json.dumps(document).encode()


# --- round trips ------------------------------------------------------------------------------


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
    for annotation in by_kind.values():
        if annotation.anchor_state == AnchorState.ANCHORED:
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


# --- corpora ----------------------------------------------------------------------------------


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


# --- refusals and leniency --------------------------------------------------------------------


def w3c(exact: str, **changes) -> dict:
    document = {
        "@context": ANNOTATION_CONTEXT,
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "A note"},
        "target": {
            "source": "https://elsewhere.example/",
            "selector": {"type": "TextQuoteSelector", "exact": exact},
        },
    }
    return document | changes


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


# --- Markdown ---------------------------------------------------------------------------------


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


# --- management commands ----------------------------------------------------------------------


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
