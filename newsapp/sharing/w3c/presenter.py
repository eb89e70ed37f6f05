"""Gloss annotations as W3C Web Annotation JSON-LD (each validates against the W3C test-suite
schemas). The choices:

- ``motivation`` by kind: highlight -> highlighting, note -> commenting, question -> questioning,
  claim -> assessing, quote -> describing (the annotation describes the passage as a quotation
  by someone; "describing" keeps the kind distinguishable on re-import, where "highlighting"
  would fold quotes into highlights). A reply is "replying" whatever its kind.
- ``generator`` is Gloss itself (a Software agent at the site's root URL).
- ``target`` is a SpecificResource whose ``source`` is Gloss's article page (the offsets count
  code points of Gloss's canonical text, so they only hold there), with ``via`` naming the
  publisher's URL it was obtained from. ``selector`` lists equivalent TextQuote and TextPosition
  selectors. ``state`` is a TimeState: the revision's date, and its Gloss URL as ``cached``.
  A reply also targets the parent annotation's IRI.
- ``body``: the note as a TextualBody (Markdown, purpose commenting/questioning/...), one
  TextualBody per tag (purpose tagging), and one SpecificResource per context source (purpose
  linking). A source's title is ``dc:title`` on the linked resource, its excerpt a
  TextQuoteSelector on it, and its stance the CiTO relation of the source to the passage as
  ``dc:type`` (cito:supports, cito:disputes, cito:givesBackgroundTo). ``dc`` is a prefix that
  the annotation context itself defines, so no custom context is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from .model import (
    ANNOTATION_CONTEXT,
    KIND_MOTIVATIONS,
    STANCE_RELATIONS,
    ExportAnnotation,
    ExportSource,
)

__all__ = ["collection_jsonld", "page_jsonld", "to_jsonld"]


def to_jsonld(a: ExportAnnotation) -> dict[str, Any]:
    """One annotation as a W3C Web Annotation (JSON-LD, compacted with the anno context)."""
    motivation = "replying" if a.reply_to_url else KIND_MOTIVATIONS[a.kind]
    text_target: dict[str, Any] = {
        "type": "SpecificResource",
        "source": _article_resource(a),
        "selector": [_quote_selector(a.exact, a.prefix, a.suffix), _position_selector(a)],
    }
    if a.revision_created is not None:
        state: dict[str, Any] = {"type": "TimeState", "sourceDate": _iso(a.revision_created)}
        if a.revision_id_url:
            state["cached"] = a.revision_id_url
        text_target["state"] = state
    creator: dict[str, Any] = {"type": "Person", "name": a.creator_name}
    if a.creator_url:
        creator = {"id": a.creator_url, **creator}

    document: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "id": a.id_url,
        "type": "Annotation",
        "motivation": motivation,
        "creator": creator,
        "generator": _generator(a.id_url),
        "created": _iso(a.created),
        "modified": _iso(a.modified),
    }
    bodies = _bodies(a, motivation)
    if bodies:
        document["body"] = bodies
    document["target"] = [a.reply_to_url, text_target] if a.reply_to_url else text_target
    return document


def page_jsonld(
    items: Iterable[ExportAnnotation],
    page_id_url: str,
    *,
    part_of: str | None = None,
    collection_label: str | None = None,
    collection_total: int | None = None,
    start_index: int = 0,
    next_url: str | None = None,
    prev_url: str | None = None,
) -> dict[str, Any]:
    """An AnnotationPage; its items carry no @context of their own (the page's applies).

    ``partOf`` is written as a small description of the collection (an object with ``id`` and,
    when given, ``label`` and ``total``), the form the W3C test suite validates.
    """
    page: dict[str, Any] = {"@context": ANNOTATION_CONTEXT, "id": page_id_url}
    page["type"] = "AnnotationPage"
    if part_of:
        collection: dict[str, Any] = {"id": part_of}
        if collection_label:
            collection["label"] = collection_label
        if collection_total is not None:
            collection["total"] = collection_total
        page["partOf"] = collection
    page["startIndex"] = start_index
    if next_url:
        page["next"] = next_url
    if prev_url:
        page["prev"] = prev_url
    page["items"] = [_without_context(to_jsonld(item)) for item in items]
    return page


def collection_jsonld(items: Iterable[ExportAnnotation], id_url: str, label: str) -> dict[str, Any]:
    """An AnnotationCollection holding every item in one embedded first page."""
    page = _without_context(page_jsonld(items, _page_url(id_url, 1)))
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": id_url,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(page["items"]),
        "first": page,
        "last": page["id"],
    }


def _generator(id_url: str) -> dict[str, Any]:
    parts = urlsplit(id_url)
    site = f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else None
    generator: dict[str, Any] = {"type": "Software", "name": "Gloss"}
    if site:
        generator = {"id": site, **generator, "homepage": site}
    return generator


def _article_resource(a: ExportAnnotation) -> dict[str, Any]:
    resource: dict[str, Any] = {"id": a.article_url, "type": "Text", "format": "text/html"}
    if a.article_source_url and a.article_source_url != a.article_url:
        resource["via"] = a.article_source_url
    return resource


def _quote_selector(exact: str, prefix: str, suffix: str) -> dict[str, Any]:
    selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": exact}
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return selector


def _position_selector(a: ExportAnnotation) -> dict[str, Any]:
    return {"type": "TextPositionSelector", "start": a.start, "end": a.end}


def _bodies(a: ExportAnnotation, motivation: str) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    note_purpose = motivation if motivation not in ("highlighting",) else "commenting"
    if a.note_markdown.strip():
        bodies.append(_textual(a.note_markdown, "text/markdown", note_purpose))
    elif a.note_html.strip():
        bodies.append(_textual(a.note_html, "text/html", note_purpose))
    for tag in dict.fromkeys(t.strip() for t in a.tags):
        if tag:
            bodies.append({"type": "TextualBody", "value": tag, "purpose": "tagging"})
    for source in a.sources:
        bodies.append(_linking_body(source))
    return bodies


def _textual(value: str, media_type: str, purpose: str) -> dict[str, Any]:
    return {"type": "TextualBody", "value": value, "format": media_type, "purpose": purpose}


def _linking_body(source: ExportSource) -> dict[str, Any]:
    resource: dict[str, Any] = {"id": source.url, "type": "Text"}
    if source.title:
        resource["dc:title"] = source.title
    body: dict[str, Any] = {"type": "SpecificResource", "source": resource, "purpose": "linking"}
    if source.excerpt:
        body["selector"] = {"type": "TextQuoteSelector", "exact": source.excerpt}
    body["dc:type"] = STANCE_RELATIONS[source.stance]
    return body


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _without_context(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "@context"}


def _page_url(collection_url: str, number: int) -> str:
    separator = "&" if "?" in collection_url else "?"
    return f"{collection_url}{separator}page={number}"
