"""The export presenter: every export validates against the W3C schemas and reads back."""

from __future__ import annotations

import json
from datetime import UTC

import pytest

from newsapp.sharing.w3c.model import ANNOTATION_CONTEXT, ExportSource
from newsapp.sharing.w3c.parser import parse_annotations
from newsapp.sharing.w3c.presenter import collection_jsonld, page_jsonld, to_jsonld
from tests.sharing.w3c_support import VARIANTS, assertions, failures, make_annotation

__all__ = ["assertions"]  # the schema fixture


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
