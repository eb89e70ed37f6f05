"""The OpenAPI 3.1 document of the API: written by hand beside the views it describes, and
held to them by schemathesis in the test suite (tests/api/test_openapi_contract.py)."""

from __future__ import annotations

from typing import Any

from newsapp.annotations.models import Kind, Visibility

from .documents import MAX_BODY_BYTES
from .listing import MAX_LIMIT, MAX_OFFSET

JSONLD = "application/ld+json"
JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref("Error")}}}


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
    _query("q", "Words in the note or the quoted text.", _TEXT),
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


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["status", "error", "message", "path"],
        "properties": {
            "status": {"type": "integer"},
            "error": {"type": "string"},
            "message": {"type": "string"},
            "path": {
                "type": ["string", "null"],
                "description": "JSON path in the body (`$.target.selector`), `?parameter`, "
                "a header name, or null.",
            },
        },
    },
    "Context": {
        "description": "`http://www.w3.org/ns/anno.jsonld`, optionally with Gloss's context.",
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    },
    "Visibility": {
        "type": "string",
        "enum": list(Visibility.values),
        "description": "Gloss's extension term, defined by the context at `/api/ns/gloss.jsonld`: "
        "who may read the annotation. `private` (the default when absent): its author only; "
        "`unlisted`: anyone with its IRI, never listed; `public`: everyone, listed.",
    },
    "Target": {
        "description": "The annotated page: a URI, or a SpecificResource with a `source` and "
        "selectors (TextQuoteSelector, TextPositionSelector); or a list of these.",
        "anyOf": [
            {"type": "string"},
            {"type": "object"},
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
        ],
    },
    "AnnotationInput": {
        "type": "object",
        "description": "A W3C Web Annotation (JSON-LD). Bodies: a TextualBody note (Markdown), "
        "TextualBody tags (purpose `tagging`), SpecificResource links (purpose `linking`, "
        "`dc:type` a CiTO relation for the stance). An `id` is kept as `via`; `canonical` is "
        "kept as given.",
        "required": ["@context", "type", "target"],
        "properties": {
            "@context": _ref("Context"),
            "type": {
                "anyOf": [{"const": "Annotation"}, {"type": "array", "items": {"type": "string"}}]
            },
            "motivation": {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
            },
            "body": {},
            "bodyValue": {"type": "string"},
            "target": _ref("Target"),
            "visibility": _ref("Visibility"),
            "canonical": {"type": "string"},
            "id": {"type": "string"},
            "via": {"type": "string"},
        },
    },
    "Annotation": {
        "type": "object",
        "required": ["id", "type", "target", "visibility", "created", "modified"],
        "properties": {
            "@context": _ref("Context"),
            "id": {"type": "string", "format": "uri"},
            "type": {"const": "Annotation"},
            "motivation": {"type": "string"},
            "creator": {"type": "object"},
            "generator": {"type": "object"},
            "created": {"type": "string", "format": "date-time"},
            "modified": {"type": "string", "format": "date-time"},
            "body": {"type": "array", "items": {"type": "object"}},
            "target": _ref("Target"),
            "visibility": _ref("Visibility"),
            "canonical": {"type": "string"},
            "via": {"type": "string"},
        },
    },
    "AnnotationPage": {
        "type": "object",
        "required": ["id", "type", "partOf", "startIndex", "items"],
        "properties": {
            "@context": _ref("Context"),
            "id": {"type": "string"},
            "type": {"const": "AnnotationPage"},
            "partOf": {
                "type": "object",
                "required": ["id", "total"],
                "properties": {"id": {"type": "string"}, "total": {"type": "integer"}},
            },
            "startIndex": {"type": "integer", "minimum": 0},
            "next": {"type": "string"},
            "prev": {"type": "string"},
            "items": {
                "type": "array",
                "items": {"anyOf": [_ref("Annotation"), {"type": "string"}]},
            },
        },
    },
    "Container": {
        "type": "object",
        "required": ["@context", "id", "type", "total"],
        "properties": {
            "@context": _ref("Context"),
            "id": {"type": "string"},
            "type": {"type": "array", "items": {"type": "string"}},
            "label": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "first": {"anyOf": [{"type": "string"}, _ref("AnnotationPage")]},
            "last": {"type": "string"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["total", "rows"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "rows": {"type": "array", "items": _ref("SearchRow")},
        },
    },
    "SearchRow": {
        "type": "object",
        "description": "An annotation in the shape of Hypothesis's search API.",
        "required": [
            "id",
            "created",
            "updated",
            "user",
            "uri",
            "text",
            "tags",
            "target",
            "links",
            "permissions",
        ],
        "properties": {
            "id": {"type": "string"},
            "created": {"type": "string", "format": "date-time"},
            "updated": {"type": "string", "format": "date-time"},
            "user": {"type": "string"},
            "uri": {"type": "string"},
            "text": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "group": {"type": "string"},
            "permissions": {"type": "object"},
            "target": {"type": "array", "items": {"type": "object"}},
            "document": {"type": "object"},
            "links": {"type": "object"},
            "flagged": {"type": "boolean"},
            "hidden": {"type": "boolean"},
            "user_info": {"type": "object"},
            "gloss": {"type": "object"},
        },
    },
}


def _annotation_body() -> dict[str, Any]:
    schema = _ref("AnnotationInput")
    return {"required": True, "content": {JSONLD: {"schema": schema}, JSON: {"schema": schema}}}


def _annotation_response(description: str, **extra) -> dict[str, Any]:
    return {
        "description": description,
        "content": {JSONLD: {"schema": _ref("Annotation")}},
        **extra,
    }


def _paths() -> dict[str, Any]:
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
                            JSONLD: {
                                "schema": {"anyOf": [_ref("Container"), _ref("AnnotationPage")]}
                            }
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
                        "content": {JSON: {"schema": _ref("SearchResult")}},
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
