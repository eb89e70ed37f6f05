"""Shared by the export and import tests: an article, its reader, a variety of annotations."""

from __future__ import annotations

import json

import pytest

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import SourceInput
from newsapp.sharing.exports import article_jsonld
from newsapp.sharing.w3c.model import ANNOTATION_CONTEXT
from tests.factories import make_annotation, make_article, make_user

BASE = "https://gloss.example"


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
