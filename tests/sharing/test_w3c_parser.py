"""The parser: W3C samples and Hypothesis exports in, the first bad field named by its path."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from newsapp.sharing.w3c.model import AnnotationImportError, ExportSource
from newsapp.sharing.w3c.parser import parse_annotations
from newsapp.sharing.w3c.presenter import to_jsonld
from newsapp.sharing.w3c.reading import MAX_IMPORT_BYTES
from tests.sharing.w3c_support import (
    CORRECT_DIRS,
    INCORRECT_DIRS,
    SPEC_DIR,
    TESTS_DIR,
    make_annotation,
    sample_files,
)


def test_every_correct_sample_parses_or_is_skipped_with_a_reason(corpora):
    imported = 0
    for path in sample_files(corpora, CORRECT_DIRS):
        raw = path.read_bytes()
        parsed = parse_annotations(raw)
        targets_text = b"TextQuoteSelector" in raw
        assert bool(parsed.annotations) == targets_text, path.name
        assert all(skip.reason for skip in parsed.skipped)
        if not targets_text:
            assert parsed.skipped, path.name
        imported += len(parsed.annotations)
    assert imported >= 8


def test_text_quote_examples_from_the_recommendation(corpora):
    folder = corpora / SPEC_DIR / "model-wd2-examples" / "correct"
    (example23,) = parse_annotations((folder / "anno23.json").read_bytes()).annotations
    assert (example23.exact, example23.prefix, example23.suffix) == (
        "anotation",
        "this is an ",
        " that has some",
    )
    assert example23.start is None
    (refined,) = parse_annotations((folder / "anno29.json").read_bytes()).annotations
    assert refined.exact == "Selected Text"
    assert refined.sources == (ExportSource(url="http://example.org/comment1"),)


def test_skip_reasons_name_the_problem(corpora):
    folder = corpora / TESTS_DIR / "tools" / "samples" / "correct"
    svg = parse_annotations((folder / "anno29.json").read_bytes())
    assert [skip.reason for skip in svg.skipped] == ["target has no TextQuoteSelector"]
    assert svg.skipped[0].id == "http://example.org/anno29"
    referenced = parse_annotations((folder / "example41.json").read_bytes())
    assert referenced.annotations == ()
    assert "not embedded" in referenced.skipped[0].reason


def test_unparseable_incorrect_samples_raise_with_a_path(corpora):
    unparseable = 0
    for path in sample_files(corpora, INCORRECT_DIRS):
        raw = path.read_bytes()
        try:
            json.loads(raw)
        except ValueError:
            unparseable += 1
            with pytest.raises(AnnotationImportError) as caught:
                parse_annotations(raw)
            assert caught.value.path == "$"
            assert str(caught.value).startswith("$: malformed JSON at line ")
    assert unparseable == 34


def test_parseable_incorrect_samples_never_import_anything(corpora):
    for path in sample_files(corpora, INCORRECT_DIRS):
        raw = path.read_bytes()
        try:
            parsed = parse_annotations(raw)
        except AnnotationImportError as error:
            assert error.path.startswith("$")
        else:
            assert parsed.annotations == (), path.name


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("anno4.json", '$["@context"]'),
        ("anno7.json", "$.id"),
        ("anno9.json", "$.type"),
        ("anno2.json", "$.type"),
    ],
)
def test_incorrect_samples_fail_at_the_bad_field(corpora, name, path):
    raw = (corpora / TESTS_DIR / "tools" / "samples" / "incorrect" / name).read_bytes()
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(raw)
    assert caught.value.path == path


# --- importing Hypothesis exports ---------------------------------------------------------------


def test_hypothesis_export_parses_into_its_quotes(corpora):
    path = corpora / "hypothesis-anchoring" / "html-baselines" / "wikipedia-regression-testing.json"
    parsed = parse_annotations(path.read_bytes())
    assert parsed.skipped == ()
    by_note = {a.note_markdown: a for a in parsed.annotations}
    assert set(by_note) == {"Heading", "Introduction", "Body", "Quote", "Footer"}
    assert by_note["Heading"].exact == "Regression testing"
    assert by_note["Footer"].exact == "11 November 2016"
    assert by_note["Footer"].prefix == " This page was last modified on "
    assert by_note["Footer"].suffix.startswith(", at 05:56.\n\t")
    assert len(by_note["Body"].exact) == 232
    assert all(a.kind == "note" for a in parsed.annotations)
    assert by_note["Heading"].target_url == "https://en.wikipedia.org/wiki/Regression_testing"
    assert by_note["Heading"].created == datetime(2016, 12, 16, 11, 20, 43, 422096, tzinfo=UTC)
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    for row, annotation in zip(rows, parsed.annotations, strict=True):
        position = next(s for s in row["target"][0]["selector"] if s["type"].startswith("TextPos"))
        assert (annotation.start, annotation.end) == (position["start"], position["end"])


def test_minimal_hypothesis_row(corpora):
    path = corpora / "hypothesis-anchoring" / "html-baselines" / "minimal.json"
    (row,) = parse_annotations(path.read_bytes()).annotations
    assert (row.exact, row.prefix, row.suffix, row.start, row.end) == (
        "Two",
        "One ",
        " Three\n",
        4,
        7,
    )
    assert row.kind == "highlight"
    assert row.note_markdown == ""


def hypothesis_row(**changes) -> dict:
    row = {
        "id": "row1",
        "text": "Worth checking",
        "tags": ["ports", " ", "ports"],
        "created": "2031-01-05T10:00:00+00:00",
        "uri": "https://news.example.org/story",
        "target": [
            {
                "source": "https://news.example.org/story",
                "selector": [
                    {"type": "TextPositionSelector", "start": 10, "end": 15},
                    {
                        "type": "TextQuoteSelector",
                        "exact": "ferry",
                        "prefix": "the ",
                        "suffix": " to",
                    },
                ],
            }
        ],
    }
    row.update(changes)
    return row


def test_list_of_hypothesis_rows_and_page_notes():
    page_note = hypothesis_row(id="row2", target=[{"source": "https://news.example.org/story"}])
    parsed = parse_annotations(json.dumps([hypothesis_row(), page_note]))
    (annotation,) = parsed.annotations
    assert annotation.tags == ("ports",)
    assert annotation.note_markdown == "Worth checking"
    assert annotation.path == "$[0]"
    assert parsed.skipped[0].path == "$[1]"
    assert parsed.skipped[0].id == "row2"
    assert parsed.skipped[0].reason == "target has no TextQuoteSelector"


# --- refusing bad input ---------------------------------------------------------------------------


def test_first_bad_field_is_named_by_its_json_path():
    bad = hypothesis_row(
        target=[
            {
                "selector": [
                    {"type": "RangeSelector", "startContainer": "/p[1]"},
                    {"type": "TextPositionSelector", "start": -1, "end": 3},
                ]
            }
        ]
    )
    data = {"total": 4, "rows": [hypothesis_row(), hypothesis_row(), hypothesis_row(), bad]}
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(json.dumps(data))
    assert str(caught.value) == (
        "$.rows[3].target[0].selector[1].start: expected a non-negative integer"
    )


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"rows": "nope"}, "$.rows"),
        ({"total": -1, "rows": []}, "$.total"),
        ([hypothesis_row(tags=["a", 3])], "$[0].tags[1]"),
        ([hypothesis_row(text=["x"])], "$[0].text"),
        ([hypothesis_row(created="last week")], "$[0].created"),
        ([hypothesis_row(target=7)], "$[0].target"),
        (
            [hypothesis_row(target=[{"selector": {"type": "TextQuoteSelector", "exact": 5}}])],
            "$[0].target[0].selector.exact",
        ),
        (
            [
                hypothesis_row(
                    target=[{"selector": [{"type": "TextPositionSelector", "start": 9, "end": 2}]}]
                )
            ],
            "$[0].target[0].selector[0].end",
        ),
        (
            [
                hypothesis_row(
                    target=[
                        {"selector": [{"type": "TextPositionSelector", "start": True, "end": 2}]}
                    ]
                )
            ],
            "$[0].target[0].selector[0].start",
        ),
        ([1, 2], "$[0]"),
        ("just a string", "$"),
    ],
)
def test_wrong_types_are_refused_with_their_path(document, path):
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(json.dumps(document))
    assert caught.value.path == path


def w3c_annotation(**changes) -> dict:
    document = json.loads(json.dumps(to_jsonld(make_annotation())))
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"body": [{"type": "TextualBody", "value": 4, "purpose": "tagging"}]}, "$.body[0].value"),
        ({"bodyValue": "also here"}, "$.bodyValue"),
        ({"motivation": 3}, "$.motivation"),
        ({"modified": "2031-03-02"}, "$.modified"),
        ({"target": {"type": "SpecificResource", "selector": []}}, "$.target.source"),
        (
            {"target": {"source": "https://x.example/", "selector": {"refinedBy": [7]}}},
            "$.target.selector.refinedBy[0]",
        ),
        ({"body": {"type": "Choice", "items": "x"}}, "$.body.items"),
        ({"body": "not a uri"}, "$.body"),
    ],
)
def test_w3c_fields_are_checked(changes, path):
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(json.dumps(w3c_annotation(**changes)))
    assert caught.value.path == path


def test_missing_target_is_refused():
    document = w3c_annotation()
    del document["target"]
    with pytest.raises(AnnotationImportError, match=r"^\$\.target: missing$"):
        parse_annotations(json.dumps(document))


def test_nothing_partial_a_late_error_refuses_everything():
    good = to_jsonld(make_annotation())
    bad = {**good, "created": "soon"}
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(json.dumps([good, good, bad]))
    assert caught.value.path == "$[2].created"


def test_input_over_the_limit_is_refused_before_parsing():
    padding = " " * (MAX_IMPORT_BYTES + 1)
    for data in (padding, padding.encode("ascii"), "é" * (MAX_IMPORT_BYTES // 2 + 1)):
        with pytest.raises(AnnotationImportError, match="limit"):
            parse_annotations(data)


def test_non_utf8_and_non_json_constants_are_refused():
    with pytest.raises(AnnotationImportError, match="UTF-8"):
        parse_annotations(b'{"rows": ["\xff"]}')
    with pytest.raises(AnnotationImportError, match="malformed JSON"):
        parse_annotations('{"total": NaN, "rows": []}')
    with pytest.raises(AnnotationImportError, match=r"^\$(\[0\]){64}: nested more than 64"):
        parse_annotations("[" * 100_000 + "]" * 100_000)


def test_byte_order_mark_is_accepted():
    data = "\ufeff" + json.dumps([hypothesis_row()])
    assert len(parse_annotations(data.encode("utf-8")).annotations) == 1


def test_imported_annotations_are_frozen():
    (annotation,) = parse_annotations(json.dumps(hypothesis_row())).annotations
    with pytest.raises(dataclasses.FrozenInstanceError):
        annotation.exact = "changed"  # type: ignore[misc]


# --- how many annotations one upload holds ----------------------------------------------------


def test_a_list_longer_than_the_limit_is_refused_before_it_is_read():
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(json.dumps([5] * 4), max_annotations=3)  # 5 is not an annotation
    assert caught.value.path == "$"
    assert caught.value.problem == "holds 4 items; one upload takes at most 3 annotations"


def test_annotations_and_references_count_together_across_pages():
    row = {"target": {"selector": {"type": "TextQuoteSelector", "exact": "words"}}}
    page = {"type": "AnnotationPage", "items": ["urn:x:1", {**row, "type": "Annotation"}]}
    collection = {"type": "AnnotationCollection", "first": page}
    assert len(parse_annotations(json.dumps([collection]), max_annotations=2).skipped) == 1
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(json.dumps([collection, collection]), max_annotations=3)
    assert caught.value.path == "$[1].first.items[1]"
    assert caught.value.problem == "more than 3 annotations; one upload takes at most 3"


def test_a_long_uri_in_a_skip_reason_is_shortened():
    collection = {"type": "AnnotationCollection", "first": "https://e.example/" + "p" * 5000}
    (skipped,) = parse_annotations(json.dumps(collection)).skipped
    assert len(skipped.reason) < 120
    assert skipped.reason.startswith("the first page (https://e.example/ppp")
