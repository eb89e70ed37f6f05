"""The OpenAPI 3.1 document of the API: written by hand beside the views it describes, and
held to them by schemathesis in the test suite (tests/api/test_openapi_contract.py)."""

from __future__ import annotations

from typing import Any

from newsapp.annotations.models import Kind

from .documents import MAX_BODY_BYTES
from .listing import MAX_LIMIT, MAX_OFFSET
from .openapi_schemas import SCHEMAS, ref

JSONLD = "application/ld+json"
JSON = "application/json"


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": ref("Error")}}}


ERRORS = {
    "400": _error("The request is refused: `message` says why, `path` names the bad field."),
    "401": _error("The token is missing (for a write), malformed, unknown or revoked."),
    "403": _error("A read-only token tried to write, or the annotation is someone else's."),
    "404": _error("No such annotation, or not one the caller may see."),
    "409": _error("A replacement named another target: create a new annotation instead."),
    "412": _error("If-Match names an ETag the annotation no longer has."),
    "413": _error(f"The body is over {MAX_BODY_BYTES:,} bytes."),
    "415": _error("The body is not application/ld+json or application/json."),
    "428": _error("PUT without If-Match."),
    "429": {
        **_error("Too many requests for this token (or address) this minute."),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait.",
                "required": True,
                "schema": {"type": "string"},
            }
        },
    },
}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: ERRORS[code] for code in codes}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_TEXT = {"type": "string", "maxLength": 200}
FILTER_PARAMETERS = [
    {
        **_query(
            "uri",
            "The annotated page: a Gloss article URL, or any page's URL (canonicalised). "
            "Repeat it for several.",
            {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 2000}},
        ),
        "style": "form",
        "explode": True,
    },
    _query("user", "The author: a username, or `acct:username@host`.", _TEXT),
    _query("tag", "One tag.", _TEXT),
    _query(
        "q",
        "Words in the note or the quoted text, read as the search page reads them (word "
        'stems, "phrases", OR, -word); the other parameters filter.',
        _TEXT,
    ),
    _query("quote", "Words in the quoted text.", _TEXT),
    _query("kind", "The annotation's kind.", {"type": "string", "enum": list(Kind.values)}),
]
PREFER = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "description": (
        'For example `return=representation; include="http://www.w3.org/ns/ldp#'
        'PreferMinimalContainer"`; also `http://www.w3.org/ns/oa#PreferContainedIRIs` and '
        "`http://www.w3.org/ns/oa#PreferContainedDescriptions` (the default)."
    ),
    "schema": {"type": "string", "maxLength": 500},
}
PUBLIC_ID = {
    "name": "public_id",
    "in": "path",
    "required": True,
    "description": "The annotation's id: the last segment of its IRI.",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,22}$"},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "description": "The ETag last read (required for PUT; optional for DELETE).",
    "schema": {"type": "string", "maxLength": 200},
}
ETAG = {
    "ETag": {
        "description": "The representation's tag.",
        "required": True,
        "schema": {"type": "string"},
    }
}


def _no_content(description: str, *, headers: dict | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"description": description}
    if headers:
        found["headers"] = headers
    return found


ALLOW = {
    "Allow": {
        "description": "The methods this resource answers.",
        "required": True,
        "schema": {"type": "string"},
    }
}


def _annotation_body() -> dict[str, Any]:
    schema = ref("AnnotationInput")
    return {"required": True, "content": {JSONLD: {"schema": schema}, JSON: {"schema": schema}}}


def _annotation_response(description: str, **extra) -> dict[str, Any]:
    return {
        "description": description,
        "content": {JSONLD: {"schema": ref("Annotation")}},
        **extra,
    }


def _paths() -> dict[str, Any]:
    # One literal, long on purpose: each operation reads top to bottom as the docs page shows
    # it, and the schemathesis contract test holds every line of it to the views.
    container_get_parameters = [
        *FILTER_PARAMETERS,
        _query(
            "page",
            "A page of the container (0 is the first), instead of the container.",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        ),
        _query(
            "limit",
            "Annotations per page.",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
        ),
        _query(
            "iris", "1: pages list the annotations' IRIs only.", {"type": "integer", "enum": [0, 1]}
        ),
        PREFER,
    ]
    return {
        "/api/annotations/": {
            "get": {
                "operationId": "listAnnotations",
                "summary": "The annotation container (W3C Web Annotation Protocol)",
                "description": "A BasicContainer and AnnotationCollection: `total`, `first` (the "
                "first page, embedded unless Prefer asks for a minimal container) and `last`. "
                "With `page`, one AnnotationPage (`partOf`, `startIndex`, `next`, `prev`). "
                "Anonymous callers see public annotations; a token's owner also their own. "
                "Annotations on pages Gloss does not have yet are listed too, after those on "
                "Gloss's articles (each in the order they were created).",
                "parameters": container_get_parameters,
                "responses": {
                    "200": {
                        "description": "The container, or one of its pages.",
                        "headers": ETAG,
                        "content": {
                            JSONLD: {"schema": {"anyOf": [ref("Container"), ref("AnnotationPage")]}}
                        },
                    },
                    **_errors("400", "401", "404", "429"),
                },
            },
            "head": {
                "operationId": "headAnnotations",
                "summary": "The container's headers",
                "parameters": container_get_parameters,
                "responses": {
                    "200": _no_content("Headers only.", headers=ETAG),
                    "400": _no_content("Refused parameters."),
                    "401": _no_content("A bad token."),
                    "404": _no_content("No such page."),
                    "429": _no_content("Too many requests."),
                },
            },
            "options": {
                "operationId": "optionsAnnotations",
                "summary": "The container's methods",
                "responses": {"200": _no_content("The methods, in Allow.", headers=ALLOW)},
            },
            "post": {
                "operationId": "createAnnotation",
                "summary": "Create an annotation",
                "description": "Needs a read-write token. A target on a Gloss article (its URL, "
                "or its original URL in any spelling) anchors on the article at once; a target "
                "Gloss does not have is kept and attaches when that page is imported.",
                "security": [{"bearerAuth": []}],
                "requestBody": _annotation_body(),
                "responses": {
                    "201": _annotation_response(
                        "Created.",
                        headers={
                            "Location": {
                                "description": "The new annotation's IRI.",
                                "required": True,
                                "schema": {"type": "string"},
                            },
                            **ETAG,
                        },
                    ),
                    **_errors("400", "401", "403", "413", "415", "429"),
                },
            },
        },
        "/api/annotations/{public_id}": {
            "parameters": [PUBLIC_ID],
            "get": {
                "operationId": "getAnnotation",
                "summary": "One annotation",
                "description": "Its IRI opens it for anyone when it is public or unlisted; a "
                "private one only for its author's token. An annotation that waited for its "
                "page and attached to it answers 301 to its new IRI.",
                "responses": {
                    "200": _annotation_response("The annotation.", headers=ETAG),
                    "301": _no_content("It attached to its article: see Location."),
                    **_errors("401", "404", "429"),
                },
            },
            "head": {
                "operationId": "headAnnotation",
                "summary": "One annotation's headers",
                "responses": {
                    "200": _no_content("Headers only.", headers=ETAG),
                    "301": _no_content("Moved."),
                    "401": _no_content("A bad token."),
                    "404": _no_content("Not found."),
                    "429": _no_content("Too many requests."),
                },
            },
            "options": {
                "operationId": "optionsAnnotation",
                "summary": "One annotation's methods",
                "responses": {"200": _no_content("The methods, in Allow.", headers=ALLOW)},
            },
            "put": {
                "operationId": "replaceAnnotation",
                "summary": "Replace an annotation",
                "description": "Its author's read-write token, with If-Match. The note, kind, "
                "tags, sources and visibility change; the target stays (409 otherwise).",
                "security": [{"bearerAuth": []}],
                "parameters": [{**IF_MATCH, "required": False}],
                "requestBody": _annotation_body(),
                "responses": {
                    "200": _annotation_response("Replaced.", headers=ETAG),
                    **_errors("400", "401", "403", "404", "409", "412", "413", "415", "428", "429"),
                },
            },
            "delete": {
                "operationId": "deleteAnnotation",
                "summary": "Delete an annotation",
                "description": "Its author's read-write token. The IRI then answers 404.",
                "security": [{"bearerAuth": []}],
                "parameters": [{**IF_MATCH, "required": False}],
                "responses": {
                    "204": _no_content("Deleted."),
                    **_errors("401", "403", "404", "412", "429"),
                },
            },
        },
        "/api/search": {
            "get": {
                "operationId": "searchAnnotations",
                "summary": "Search annotations (Hypothesis-shaped)",
                "description": "`{total, rows}` as Hypothesis's `/api/search` answers. Rows on "
                "Gloss's articles come first, then those waiting for their page, each sorted as "
                "asked (by default the most recently updated first).",
                "parameters": [
                    *FILTER_PARAMETERS,
                    _query(
                        "limit",
                        "Rows to return.",
                        {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": 20},
                    ),
                    _query(
                        "offset",
                        "Rows to skip.",
                        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                    ),
                    _query("sort", "Sort by.", {"type": "string", "enum": ["created", "updated"]}),
                    _query("order", "Order.", {"type": "string", "enum": ["asc", "desc"]}),
                ],
                "responses": {
                    "200": {
                        "description": "Matching annotations.",
                        "headers": ETAG,
                        "content": {JSON: {"schema": ref("SearchResult")}},
                    },
                    **_errors("400", "401", "429"),
                },
            },
        },
        "/api/ns/gloss.jsonld": {
            "get": {
                "operationId": "glossContext",
                "summary": "Gloss's JSON-LD context (the `visibility` term)",
                "responses": {
                    "200": {
                        "description": "The context.",
                        "content": {
                            JSONLD: {"schema": {"type": "object", "required": ["@context"]}}
                        },
                    },
                    **_errors("401", "429"),
                },
            },
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1.",
                        "content": {
                            JSON: {"schema": {"type": "object", "required": ["openapi", "paths"]}}
                        },
                    },
                    **_errors("401", "429"),
                },
            },
        },
    }


def openapi_document(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gloss annotation API",
            "version": "1.0",
            "description": (
                "The W3C Web Annotation Protocol over Gloss's annotations, a search in the "
                "shape of Hypothesis's, and personal API tokens. Send a token as "
                "`Authorization: Bearer <token>` (create one under Settings → API tokens, or "
                "`python manage.py api_token USERNAME`). Reads work without one and then see "
                "public annotations only; writes need a read-write token. Session cookies are "
                "never used. Every error is JSON with a `message` and the `path` of the bad "
                "field. Bodies are at most 1 MB."
            ),
        },
        "servers": [{"url": base_url}],
        "security": [{}, {"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token.",
                }
            },
        },
    }
