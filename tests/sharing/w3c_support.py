"""Shared by the W3C tests: sample records, the W3C test-suite schemas, the sample folders."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from newsapp.sharing.w3c.model import KINDS, ExportAnnotation, ExportSource

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
