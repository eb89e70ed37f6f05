"""What the API answers validates against the W3C test suite's schemas (in the shared
corpora), and a generic client can send back what it read."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import SOURCE
from tests.api.support import CONTAINER, annotation_document, auth, path_of, post
from tests.factories import make_annotation
from tests.sharing.w3c_support import assertions, failures  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_annotation(client, token, article):
    document = annotation_document(SOURCE, "widen the harbour bridge", note="Costed *how*?")
    document["motivation"] = "assessing"
    document["body"] += [
        {"type": "TextualBody", "value": "budget", "purpose": "tagging"},
        {
            "type": "SpecificResource",
            "purpose": "linking",
            "source": {"id": "https://audit.example/9", "dc:title": "Port audit"},
            "dc:type": "http://purl.org/spar/cito/disputes",
        },
    ]
    response = post(client, document, token)
    assert response.status_code == 201, response.content
    return response["Location"]


def test_one_annotation_satisfies_the_must_assertions(client, token, full_annotation, assertions):  # noqa: F811
    document = client.get(path_of(full_annotation), **auth(token)).json()
    assert failures(assertions("annotations/annotationMusts.test"), document) == []


def test_a_waiting_annotation_satisfies_them_too(client, token, assertions):  # noqa: F811
    response = post(client, annotation_document("https://elsewhere.example/a", "some words"), token)
    document = client.get(path_of(response["Location"]), **auth(token)).json()
    assert failures(assertions("annotations/annotationMusts.test"), document) == []


def test_the_container_satisfies_the_collection_assertions(client, article, author, assertions):  # noqa: F811
    make_annotation(article=article, author=author, visibility="public")
    document = client.get(CONTAINER).json()
    assert failures(assertions("collections/collectionMusts.test"), document) == []


def test_what_a_client_reads_it_can_send_back(client, token, full_annotation):
    read = client.get(path_of(full_annotation), **auth(token)).json()
    response = client.post(
        CONTAINER, json.dumps(read), content_type="application/ld+json", **auth(token)
    )
    copy = response.json()
    assert response.status_code == 201
    assert copy["via"] == read["id"]
    assert copy["body"] == read["body"]
    assert copy["motivation"] == "assessing"
