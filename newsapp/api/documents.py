"""A request body -> what one annotation says, with the JSON path of anything refused.

The reading and the W3C vocabulary are the sharing app's (``w3c.parse_annotations``, the same
parser the imports use); this module adds what only the protocol has: exactly one
Annotation per request, Gloss's ``visibility`` term, ``canonical`` and ``via``, and targets
without a TextQuoteSelector (a whole page Gloss does not have is kept too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from newsapp.annotations.models import Visibility
from newsapp.annotations.validation import SourceInput
from newsapp.sharing.w3c.fields import child_path, types_of
from newsapp.sharing.w3c.model import URI, AnnotationImportError
from newsapp.sharing.w3c.parser import parse_annotations
from newsapp.sharing.w3c.reading import load_json
from newsapp.sharing.w3c.selectors import resource_id

from .errors import ApiError
from .models import API_VISIBILITIES

API_VISIBILITY_VALUES = [value for value, _ in API_VISIBILITIES]

# Bodies larger than this are refused (413) before they are read.
MAX_BODY_BYTES = 1024 * 1024
MEDIA_TYPES = ("application/ld+json", "application/json")


@dataclass(frozen=True, kw_only=True)
class AnnotationInput:
    target_url: str
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    kind: str = "note"
    note: str = ""
    tags: list[str] = field(default_factory=list)
    sources: list[SourceInput] = field(default_factory=list)
    visibility: str = Visibility.PRIVATE
    canonical: str = ""
    via: str = ""

    @property
    def has_quote(self) -> bool:
        return bool(self.exact)


def request_body(request) -> bytes:
    """The body of a write, within the size and of a JSON media type, or ApiError."""
    media_type = request.content_type.split(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise ApiError(
            415,
            "Send the annotation as application/ld+json (or application/json).",
            path="Content-Type",
        )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise ApiError(413, f"The body is {declared:,} bytes; the limit is {MAX_BODY_BYTES:,}.")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, f"The body is over the limit of {MAX_BODY_BYTES:,} bytes.")
    return body


def read_annotation(body: bytes) -> AnnotationInput:
    try:
        return _read(body)
    except AnnotationImportError as error:
        message = error.problem[:1].upper() + error.problem[1:] + "."
        raise ApiError(400, message, path=error.path) from None


def _read(body: bytes) -> AnnotationInput:
    document = load_json(body)
    if not isinstance(document, dict):
        raise AnnotationImportError("$", "expected one Annotation object")
    if "Annotation" not in types_of(document, "$"):
        raise AnnotationImportError("$.type", "expected 'Annotation'")
    if "@context" not in document:
        raise AnnotationImportError('$["@context"]', "missing")
    if "target" not in document:
        raise AnnotationImportError("$.target", "missing")
    extras = _extras(document)
    parsed = parse_annotations(body, max_annotations=1)
    if parsed.annotations:
        item = parsed.annotations[0]
        return AnnotationInput(
            target_url=item.target_url or _target_source(document["target"]),
            exact=item.exact,
            prefix=item.prefix,
            suffix=item.suffix,
            start=item.start,
            end=item.end,
            kind=item.kind,
            note=item.note_markdown,
            tags=list(item.tags),
            sources=_sources(item.sources),
            **extras,
        )
    # No words to anchor (a whole page, say): read the bodies as they would be read on a
    # target with words, by parsing the same annotation with a placeholder quote.
    target_url = _target_source(document["target"])
    stand_in = {**document, "target": {"source": target_url, "selector": _PLACEHOLDER}}
    item = parse_annotations(_dumps(stand_in), max_annotations=1).annotations[0]
    return AnnotationInput(
        target_url=target_url,
        kind=item.kind,
        note=item.note_markdown,
        tags=list(item.tags),
        sources=_sources(item.sources),
        **extras,
    )


_PLACEHOLDER = {"type": "TextQuoteSelector", "exact": "placeholder"}


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document)


def _sources(sources) -> list[SourceInput]:
    return [
        SourceInput(url=s.url, title=s.title, stance=s.stance, excerpt=s.excerpt) for s in sources
    ]


def _extras(document: dict[str, Any]) -> dict[str, str]:
    visibility = document.get("visibility", Visibility.PRIVATE)
    if visibility not in API_VISIBILITY_VALUES:
        raise AnnotationImportError("$.visibility", "expected 'private', 'unlisted' or 'public'")
    canonical = _optional_uri(document, "canonical")
    # The protocol: an id the client gave is kept as ``via``; the server assigns the id.
    via = _optional_uri(document, "id") or _optional_uri(document, "via")
    return {"visibility": visibility, "canonical": canonical, "via": via}


def _optional_uri(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if value is None:
        return ""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or not URI.match(value) or len(value) > 2000:
        raise AnnotationImportError(child_path("$", key), "expected one URI")
    return value


def _target_source(target: Any, path: str = "$.target") -> str:
    """The resource the first target is about (a URI, or a SpecificResource's source)."""
    if isinstance(target, list):
        if not target:
            raise AnnotationImportError(path, "expected at least one target")
        return _target_source(target[0], f"{path}[0]")
    if isinstance(target, dict):
        if "source" in target:
            url = resource_id(target["source"])
            path = child_path(path, "source")
        else:
            url = resource_id(target)
            path = child_path(path, "id")
    else:
        url = target
    if not isinstance(url, str) or not URI.match(url) or len(url) > 2000:
        raise AnnotationImportError(path, "expected the URI of the annotated page")
    return url
