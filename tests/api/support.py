"""Helpers for the API tests: tokens, W3C documents to send, and calls with a token."""

from __future__ import annotations

import json

from newsapp.api.services import api_token_create

ANNO = "http://www.w3.org/ns/anno.jsonld"
JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
CONTAINER = "/api/annotations/"


def token_for(user, *, read_only: bool = False) -> str:
    return api_token_create(user=user, name="tests", read_only=read_only)[1]


def auth(token: str | None) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


def annotation_document(
    source: str,
    exact: str | None = None,
    *,
    note: str = "Which budget line pays for this?",
    visibility: str | None = "public",
    **extra,
) -> dict:
    target: dict | str = {"source": source}
    if exact is not None:
        target = {"source": source, "selector": {"type": "TextQuoteSelector", "exact": exact}}
    document = {
        "@context": ANNO,
        "type": "Annotation",
        "motivation": "commenting",
        "body": [{"type": "TextualBody", "value": note, "format": "text/markdown"}],
        "target": target,
    }
    if visibility is not None:
        document["visibility"] = visibility
    document.update(extra)
    return document


def post(client, document, token: str | None, **headers):
    return client.post(
        CONTAINER, json.dumps(document), content_type=JSONLD, **auth(token), **headers
    )


def put(client, iri: str, document, token: str | None, **headers):
    return client.put(iri, json.dumps(document), content_type=JSONLD, **auth(token), **headers)


def path_of(iri: str) -> str:
    return "/" + iri.split("/", 3)[3]
