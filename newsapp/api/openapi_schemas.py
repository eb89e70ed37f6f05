"""The schemas of the OpenAPI document's components: errors, W3C annotations as clients send
and as the API answers them, the container and its pages, search results."""

from __future__ import annotations

from typing import Any

from newsapp.annotations.models import Visibility

from .models import API_VISIBILITIES


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


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
        "enum": [value for value, _ in API_VISIBILITIES],
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
            "@context": ref("Context"),
            "type": {
                "anyOf": [{"const": "Annotation"}, {"type": "array", "items": {"type": "string"}}]
            },
            "motivation": {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
            },
            "body": {},
            "bodyValue": {"type": "string"},
            "target": ref("Target"),
            "visibility": ref("Visibility"),
            "canonical": {"type": "string"},
            "id": {"type": "string"},
            "via": {"type": "string"},
        },
    },
    "Annotation": {
        "type": "object",
        "required": ["id", "type", "target", "visibility", "created", "modified"],
        "properties": {
            "@context": ref("Context"),
            "id": {"type": "string", "format": "uri"},
            "type": {"const": "Annotation"},
            "motivation": {"type": "string"},
            "creator": {"type": "object"},
            "generator": {"type": "object"},
            "created": {"type": "string", "format": "date-time"},
            "modified": {"type": "string", "format": "date-time"},
            "body": {"type": "array", "items": {"type": "object"}},
            "target": ref("Target"),
            "visibility": {
                "type": "string",
                "enum": list(Visibility.values),
                "description": "Who may read it (`group`: the members of one group).",
            },
            "canonical": {"type": "string"},
            "via": {"type": "string"},
        },
    },
    "AnnotationPage": {
        "type": "object",
        "required": ["id", "type", "partOf", "startIndex", "items"],
        "properties": {
            "@context": ref("Context"),
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
                "items": {"anyOf": [ref("Annotation"), {"type": "string"}]},
            },
        },
    },
    "Container": {
        "type": "object",
        "required": ["@context", "id", "type", "total"],
        "properties": {
            "@context": ref("Context"),
            "id": {"type": "string"},
            "type": {"type": "array", "items": {"type": "string"}},
            "label": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "first": {"anyOf": [{"type": "string"}, ref("AnnotationPage")]},
            "last": {"type": "string"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["total", "rows"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "rows": {"type": "array", "items": ref("SearchRow")},
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
