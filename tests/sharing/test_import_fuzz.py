"""Property: whatever JSON an upload holds, the import answers a report or a refusal with a
path, never another exception, and a refusal writes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsapp.annotations.models import Annotation, ContextSource, Tag
from newsapp.sharing.imports import annotations_import
from newsapp.sharing.w3c.model import AnnotationImportError
from tests.factories import make_article, make_user
from tests.sharing.hostile_files import BODY

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="Harbour ferries", body=BODY)


@pytest.fixture
def reader():
    return make_user("fuzzer")


HOSTILE_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "\ud800",
            "a\udfffb",
            "nul\x00",
            "\u202egnp.exe",
            "http://[::1",
            "http://x:99999/",
            "javascript:alert(1)",
            "https://ok.example/a",
            "[" * 80,
            "<b>" * 40,
            "e",
            "ferries leave",
            "every forty minutes",
            "p" * 3000,
        ]
    ),
)
KEYS = [
    "type", "body", "target", "selector", "exact", "prefix", "suffix", "start", "end",
    "source", "value", "purpose", "items", "first", "rows", "refinedBy", "id", "created",
    "motivation", "tags", "text", "uri", "@context", "dc:title", "dc:type",
]  # fmt: skip
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | HOSTILE_TEXT,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | HOSTILE_TEXT, children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def uploads(draw) -> str:
    """W3C or Hypothesis shaped annotations with hostile values in any field."""

    def field(valid):
        """Mostly the valid value, so that most uploads get past the first field."""
        return valid if draw(st.integers(0, 5)) else draw(VALUES)

    exact = draw(HOSTILE_TEXT)
    selector = {
        "type": field("TextQuoteSelector"),
        "exact": field(exact),
        "prefix": field(draw(HOSTILE_TEXT)),
        "refinedBy": field({"type": "TextPositionSelector", "start": 4, "end": 17}),
    }
    position = {"type": "TextPositionSelector", "start": field(4), "end": field(17)}
    body = [
        {"type": "TextualBody", "value": field(draw(HOSTILE_TEXT))},
        {"type": "TextualBody", "value": field("harbour"), "purpose": field("tagging")},
        {"type": "SpecificResource", "source": field(draw(HOSTILE_TEXT)), "purpose": "linking"},
    ]
    annotation = {
        "type": field("Annotation"),
        "motivation": field("commenting"),
        "body": field(body),
        "target": field({"source": field("https://f.example/"), "selector": [selector, position]}),
    }
    shape = draw(st.sampled_from(["one", "list", "page", "rows"]))
    document = {
        "one": annotation,
        "list": [annotation, annotation],
        "page": {"type": "AnnotationPage", "items": [annotation, field("urn:x:1")]},
        "rows": {"rows": [{**annotation, "type": None, "text": field("note"), "tags": field([])}]},
    }[shape]
    return json.dumps(document)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(upload=uploads())
def test_any_upload_gives_a_report_or_a_refusal_with_a_path(article, reader, upload):
    before = (Annotation.objects.count(), Tag.objects.count(), ContextSource.objects.count())
    try:
        report = annotations_import(article=article, author=reader, data=upload)
    except AnnotationImportError as error:
        assert error.path.startswith("$")
        assert (
            Annotation.objects.count(),
            Tag.objects.count(),
            ContextSource.objects.count(),
        ) == before
        return
    except ValidationError:
        pytest.fail(f"a refusal without a JSON path: {upload[:200]}")
    # Examples share the test's database: count what this one added.
    assert Annotation.objects.count() == before[0] + report.created
    for annotation in Annotation.objects.filter(anchor_state="anchored"):
        assert article.body_text[annotation.start : annotation.end] == annotation.exact
    for url in ContextSource.objects.values_list("url", flat=True):
        assert url.startswith(("http://", "https://"))
