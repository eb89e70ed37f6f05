from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from newsapp.sharing.w3c import (
    ANNOTATION_CONTEXT,
    KINDS,
    MAX_IMPORT_BYTES,
    AnnotationImportError,
    ExportAnnotation,
    ExportSource,
    collection_jsonld,
    page_jsonld,
    parse_annotations,
    to_jsonld,
)

TESTS_DIR = Path("w3c-annotation") / "web-annotation-tests"
SPEC_DIR = Path("w3c-annotation") / "web-annotation-spec"


def make_annotation(**changes) -> ExportAnnotation:
    fields = {
        "id_url": "https://gloss.example/a/q7Xk2/",
        "public_id": "q7Xk2",
        "article_url": "https://gloss.example/articles/harbour-vote/",
        "article_source_url": "https://news.example.org/2031/harbour-vote",
        "revision_id_url": "https://gloss.example/articles/harbour-vote/revisions/2/",
        "revision_created": datetime(2031, 3, 1, 8, 30, tzinfo=UTC),
        "exact": "reopen the old harbour",
        "prefix": "voted on Tuesday to ",
        "suffix": ". Councillor Mbeki",
        "start": 34,
        "end": 56,
        "kind": "claim",
        "note_markdown": "The 2029 plan said *the same*; see [the audit](https://audit.example/9).",
        "note_html": "<p>The 2029 plan said <em>the same</em>.</p>",
        "tags": ("harbour", "budget"),
        "sources": (
            ExportSource(
                url="https://audit.example/9",
                title="Port audit 2029",
                excerpt="repairs were deferred twice",
                stance="disputes",
            ),
            ExportSource(url="https://archive.example/minutes", stance="background"),
        ),
        "creator_name": "Adaeze Okafor",
        "creator_url": "https://gloss.example/people/adaeze/",
        "created": datetime(2031, 3, 2, 9, 15, 4, tzinfo=UTC),
        "modified": datetime(2031, 3, 2, 10, 0, 0, 123000, tzinfo=UTC),
        "reply_to_url": None,
    }
    fields.update(changes)
    return ExportAnnotation(**fields)


VARIANTS = {
    "claim with everything": make_annotation(),
    **{f"kind {kind}": make_annotation(kind=kind) for kind in KINDS},
    "bare highlight": make_annotation(
        kind="highlight",
        note_markdown="",
        note_html="",
        tags=(),
        sources=(),
        prefix="",
        suffix="",
    ),
    "html-only note": make_annotation(note_markdown="", note_html="<p>Only HTML</p>"),
    "reply": make_annotation(kind="note", reply_to_url="https://gloss.example/a/parent1/"),
    "no revision, anonymous url": make_annotation(
        revision_id_url=None, revision_created=None, creator_url=None
    ),
    "non-latin": make_annotation(
        exact="港口将重新开放", prefix="市议会表示", suffix="。", note_markdown="Très bien 👍"
    ),
    "naive and offset datetimes": make_annotation(
        created=datetime(2031, 3, 2, 9, 15),
        modified=datetime(2031, 3, 2, 11, 0, tzinfo=timezone(timedelta(hours=2))),
    ),
}


# --- schema validation ------------------------------------------------------------------------

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def format_checker() -> FormatChecker:
    """jsonschema only checks formats it has libraries for; these two matter to the assertions."""
    checker = FormatChecker()
    checker.checks("uri")(lambda value: not isinstance(value, str) or bool(_URI.match(value)))
    checker.checks("date-time")(
        lambda value: not isinstance(value, str) or bool(_DATE_TIME.match(value))
    )
    return checker


@pytest.fixture(scope="module")
def assertions(corpora):
    root = corpora / TESTS_DIR
    resources = []
    for path in sorted((root / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["id"], Resource.from_contents(schema, DRAFT4)))
    registry = Registry().with_resources(resources)
    checker = format_checker()
    loaded: dict[str, dict[str, Draft4Validator]] = {}

    def load(manifest: str) -> dict[str, Draft4Validator]:
        if manifest in loaded:
            return loaded[manifest]
        listed = json.loads((root / manifest).read_text(encoding="utf-8"))["assertions"]
        validators = {}
        for relative in listed:
            schema = json.loads((root / relative).read_text(encoding="utf-8"))
            validators[relative] = Draft4Validator(
                schema, registry=registry, format_checker=checker
            )
        loaded[manifest] = validators
        return validators

    return load


def failures(validators: dict[str, Draft4Validator], document: dict) -> list[str]:
    found = []
    for name, validator in validators.items():
        error = next(validator.iter_errors(document), None)
        if error is not None:
            found.append(f"{name}: {error.message[:160]}")
    return found


@pytest.mark.parametrize("variant", VARIANTS)
def test_exports_satisfy_every_must_assertion(assertions, variant):
    musts = assertions("annotations/annotationMusts.test")
    assert len(musts) > 40
    document = json.loads(json.dumps(to_jsonld(VARIANTS[variant])))
    assert failures(musts, document) == []


def test_validator_rejects_a_broken_export(assertions):
    musts = assertions("annotations/annotationMusts.test")
    document = to_jsonld(make_annotation())
    broken_date = {**document, "created": "yesterday"}
    no_context = {key: value for key, value in document.items() if key != "@context"}
    bad_position = json.loads(json.dumps(document))
    bad_position["target"]["selector"][1]["start"] = -4
    for broken in (broken_date, no_context, bad_position):
        assert failures(musts, broken)


CLAIMED_FEATURES = [
    "annotations/3.3.1-annotationCreatedImplemented.json",
    "annotations/3.3.1-annotationModifiedImplemented.json",
    "annotations/3.3.1-annotationSingleCreatorImplemented.json",
    "annotations/3.3.5-annotationMotivationImplemented.json",
    "annotations/3.3.5-annotationSingleMotivationImplemented.json",
    "annotations/3.1-bodyKeyFound.json",
    "annotations/bodiesTargets/3.2.4-bodyETBTypeTextualBody.json",
    "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
    "annotations/bodiesTargets/4-bodySpecificResource.json",
    "annotations/bodiesTargets/4-targSpecificResource.json",
    "annotations/specificResource/4.2-selectorFound.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.4-prefix.json",
    "annotations/specificResource/4.2.4-suffix.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
    "annotations/specificResource/4.3-stateFound.json",
    "annotations/specificResource/4.3.1-timeState.json",
    "annotations/specificResource/4.3.1-cached.json",
]
CLAIMED_AGENT_FEATURES = [
    "annotations/3.3.1-annotationCreatorImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentIdImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentTypeImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentNameImplemented.json",
    "annotations/3.3.1-annotationGeneratorImplemented.json",
    "annotations/3.3.2-annotationGeneratorAgentIdImplemented.json",
    "annotations/3.3.2-annotationGeneratorAgentTypeImplemented.json",
    "annotations/3.3.2-annotationGeneratorAgentHomepageImplemented.json",
]


def test_export_implements_the_optional_features_it_claims(assertions):
    document = to_jsonld(make_annotation())
    optional = assertions("annotations/annotationOptionals.test")
    agents = assertions("annotations/annotationsAgentOptionals.test")
    chosen = {name: optional[name] for name in CLAIMED_FEATURES}
    chosen |= {name: agents[name] for name in CLAIMED_AGENT_FEATURES}
    assert failures(chosen, document) == []


def test_collection_and_page_satisfy_their_must_assertions(assertions):
    items = [make_annotation(), VARIANTS["reply"], VARIANTS["bare highlight"]]
    collection = collection_jsonld(items, "https://gloss.example/api/annotations/", "Harbour")
    assert failures(assertions("collections/collectionMusts.test"), collection) == []
    assert failures(assertions("collections/pages/pageMusts.test"), collection) == []
    annotation_musts = assertions("annotations/annotationMusts.test")
    for item in collection["first"]["items"]:
        assert failures(annotation_musts, {"@context": ANNOTATION_CONTEXT, **item}) == []

    page = page_jsonld(
        items,
        "https://gloss.example/api/annotations/?page=2",
        part_of="https://gloss.example/api/annotations/",
        collection_label="Harbour",
        collection_total=9,
        start_index=3,
        next_url="https://gloss.example/api/annotations/?page=3",
        prev_url="https://gloss.example/api/annotations/?page=1",
    )
    assert failures(assertions("collections/pages/pageMusts.test"), page) == []


# --- the export's shape -----------------------------------------------------------------------


def test_export_shape():
    document = to_jsonld(make_annotation())
    assert document["@context"] == ANNOTATION_CONTEXT
    assert document["id"] == "https://gloss.example/a/q7Xk2/"
    assert document["motivation"] == "assessing"
    assert document["creator"] == {
        "id": "https://gloss.example/people/adaeze/",
        "type": "Person",
        "name": "Adaeze Okafor",
    }
    assert document["modified"] == "2031-03-02T10:00:00.123000Z"
    target = document["target"]
    assert target["source"]["id"] == "https://gloss.example/articles/harbour-vote/"
    assert target["source"]["via"] == "https://news.example.org/2031/harbour-vote"
    assert target["selector"] == [
        {
            "type": "TextQuoteSelector",
            "exact": "reopen the old harbour",
            "prefix": "voted on Tuesday to ",
            "suffix": ". Councillor Mbeki",
        },
        {"type": "TextPositionSelector", "start": 34, "end": 56},
    ]
    assert target["state"] == {
        "type": "TimeState",
        "sourceDate": "2031-03-01T08:30:00Z",
        "cached": "https://gloss.example/articles/harbour-vote/revisions/2/",
    }
    purposes = [body["purpose"] for body in document["body"]]
    assert purposes == ["assessing", "tagging", "tagging", "linking", "linking"]
    assert document["body"][0]["format"] == "text/markdown"
    audit = document["body"][3]
    assert audit["source"]["dc:title"] == "Port audit 2029"
    assert audit["dc:type"] == "http://purl.org/spar/cito/disputes"


@pytest.mark.parametrize(
    ("kind", "motivation"),
    [
        ("highlight", "highlighting"),
        ("note", "commenting"),
        ("question", "questioning"),
        ("claim", "assessing"),
        ("quote", "describing"),
    ],
)
def test_motivation_follows_kind(kind, motivation):
    assert to_jsonld(make_annotation(kind=kind))["motivation"] == motivation


def test_reply_is_replying_and_targets_its_parent():
    document = to_jsonld(VARIANTS["reply"])
    assert document["motivation"] == "replying"
    assert document["target"][0] == "https://gloss.example/a/parent1/"
    assert document["body"][0]["purpose"] == "replying"


def test_bare_highlight_has_no_body():
    assert "body" not in to_jsonld(VARIANTS["bare highlight"])


def test_unknown_kind_or_stance_is_refused():
    with pytest.raises(ValueError):
        make_annotation(kind="rumour")
    with pytest.raises(ValueError):
        ExportSource(url="https://x.example/", stance="maybe")


# --- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_round_trip_keeps_selectors_note_tags_and_sources(variant):
    original = VARIANTS[variant]
    parsed = parse_annotations(json.dumps(to_jsonld(original)))
    assert parsed.skipped == ()
    (back,) = parsed.annotations
    assert (back.exact, back.prefix, back.suffix) == (
        original.exact,
        original.prefix,
        original.suffix,
    )
    assert (back.start, back.end) == (original.start, original.end)
    assert back.note_markdown == (original.note_markdown or original.note_html)
    assert back.tags == original.tags
    assert back.sources == original.sources
    assert back.created == original.created.replace(tzinfo=original.created.tzinfo or UTC)
    assert back.target_url == original.article_url
    expected_kind = "note" if original.reply_to_url else original.kind
    assert back.kind == expected_kind


def test_collection_round_trip_gives_every_item_back():
    items = list(VARIANTS.values())
    collection = collection_jsonld(items, "https://gloss.example/api/annotations/", "All")
    parsed = parse_annotations(json.dumps(collection).encode("utf-8"))
    assert [a.exact for a in parsed.annotations] == [a.exact for a in items]
    assert [a.path for a in parsed.annotations][:2] == [
        "$.first.items[0]",
        "$.first.items[1]",
    ]


# --- importing the W3C samples ----------------------------------------------------------------

CORRECT_DIRS = [
    TESTS_DIR / "tools" / "samples" / "correct",
    SPEC_DIR / "model-wd2-examples" / "correct",
]
INCORRECT_DIRS = [
    TESTS_DIR / "tools" / "samples" / "incorrect",
    SPEC_DIR / "model-wd2-examples" / "incorrect",
]


def sample_files(corpora: Path, folders: list[Path]) -> list[Path]:
    files = [path for folder in folders for path in sorted((corpora / folder).glob("*.json"))]
    assert files, "no samples found"
    return files


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
    with pytest.raises(AnnotationImportError, match="nested too deeply"):
        parse_annotations("[" * 100_000 + "]" * 100_000)


def test_byte_order_mark_is_accepted():
    data = "\ufeff" + json.dumps([hypothesis_row()])
    assert len(parse_annotations(data.encode("utf-8")).annotations) == 1


def test_imported_annotations_are_frozen():
    (annotation,) = parse_annotations(json.dumps(hypothesis_row())).annotations
    with pytest.raises(dataclasses.FrozenInstanceError):
        annotation.exact = "changed"  # type: ignore[misc]
