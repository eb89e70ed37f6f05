"""W3C Web Annotation JSON-LD: export Gloss annotations, import W3C and Hypothesis annotations.

Export choices (each validates against the W3C test-suite schemas):

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

``parse_annotations`` accepts an annotation, a list, an AnnotationCollection or AnnotationPage,
or a Hypothesis API search result, and either returns the whole parse or raises
``AnnotationImportError`` naming the JSON path of the first bad field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "ANNOTATION_CONTEXT",
    "KINDS",
    "KIND_MOTIVATIONS",
    "MAX_IMPORT_BYTES",
    "STANCES",
    "AnnotationImportError",
    "ExportAnnotation",
    "ExportSource",
    "ImportedAnnotation",
    "ParsedImport",
    "SkippedAnnotation",
    "collection_jsonld",
    "page_jsonld",
    "parse_annotations",
    "to_jsonld",
]

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
_ACCEPTED_CONTEXTS = {ANNOTATION_CONTEXT, "https://www.w3.org/ns/anno.jsonld"}
MAX_IMPORT_BYTES = 5 * 1024 * 1024

KINDS = ("highlight", "note", "quote", "claim", "question")
STANCES = ("supports", "disputes", "background")
KIND_MOTIVATIONS = {
    "highlight": "highlighting",
    "note": "commenting",
    "question": "questioning",
    "claim": "assessing",
    "quote": "describing",
}
_MOTIVATION_KINDS = {motivation: kind for kind, motivation in KIND_MOTIVATIONS.items()}
_MOTIVATION_KINDS["replying"] = "note"

_CITO = "http://purl.org/spar/cito/"
_STANCE_RELATIONS = {
    "supports": _CITO + "supports",
    "disputes": _CITO + "disputes",
    "background": _CITO + "givesBackgroundTo",
}
_RELATION_STANCES = {
    "supports": "supports",
    "givessupportto": "supports",
    "confirms": "supports",
    "disputes": "disputes",
    "refutes": "disputes",
    "disagreeswith": "disputes",
    "givesbackgroundto": "background",
    "background": "background",
}
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# --- the boundary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSource:
    """A link attached to an annotation, with how it bears on the highlighted passage."""

    url: str
    title: str = ""
    excerpt: str = ""
    stance: str = "background"

    def __post_init__(self) -> None:
        if self.stance not in STANCES:
            raise ValueError(f"stance must be one of {STANCES}, not {self.stance!r}")


@dataclass(frozen=True)
class ExportAnnotation:
    """Everything the exports need about one annotation; built by the Django side."""

    id_url: str
    public_id: str
    article_url: str
    article_source_url: str
    revision_id_url: str | None
    revision_created: datetime | None
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    kind: str
    note_markdown: str
    note_html: str
    tags: tuple[str, ...]
    sources: tuple[ExportSource, ...]
    creator_name: str
    creator_url: str | None
    created: datetime
    modified: datetime
    reply_to_url: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        object.__setattr__(self, "tags", tuple(self.tags))
        object.__setattr__(self, "sources", tuple(self.sources))


@dataclass(frozen=True, kw_only=True)
class ImportedAnnotation:
    """One imported annotation on text. ``start``/``end`` are None without a position selector."""

    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    note_markdown: str
    tags: tuple[str, ...]
    sources: tuple[ExportSource, ...]
    kind: str
    created: datetime | None
    target_url: str | None = None
    path: str = "$"


@dataclass(frozen=True)
class SkippedAnnotation:
    path: str
    reason: str
    id: str | None = None


@dataclass(frozen=True)
class ParsedImport:
    annotations: tuple[ImportedAnnotation, ...] = ()
    skipped: tuple[SkippedAnnotation, ...] = ()


class AnnotationImportError(ValueError):
    """The input is refused as a whole; ``path`` is the JSON path of the first bad field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


# --- export ---------------------------------------------------------------------------------


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
    body["dc:type"] = _STANCE_RELATIONS[source.stance]
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


# --- import ---------------------------------------------------------------------------------


def parse_annotations(data: bytes | str) -> ParsedImport:
    """Parse an upload of annotations; every text-targeting one is returned, the rest skipped."""
    document = _load_json(data)
    parser = _Parser()
    parser.container(document, "$")
    return ParsedImport(tuple(parser.annotations), tuple(parser.skipped))


def _load_json(data: bytes | str) -> Any:
    if isinstance(data, str):
        size = len(data) if len(data) > MAX_IMPORT_BYTES else len(data.encode("utf-8"))
    elif isinstance(data, bytes | bytearray):
        size = len(data)
    else:
        raise AnnotationImportError("$", "expected JSON text as bytes or str")
    if size > MAX_IMPORT_BYTES:
        raise AnnotationImportError(
            "$", f"input is {size:,} bytes; the limit is {MAX_IMPORT_BYTES:,} bytes"
        )
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise AnnotationImportError(
                "$", f"input is not UTF-8 text (bad byte at offset {error.start})"
            ) from None
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise AnnotationImportError(
            "$", f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise AnnotationImportError("$", "JSON is nested too deeply") from None


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def _types(node: dict[str, Any], path: str) -> list[str]:
    value = node.get("type")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise AnnotationImportError(_key(path, "type"), "expected a string or a list of strings")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class _Parser:
    def __init__(self) -> None:
        self.annotations: list[ImportedAnnotation] = []
        self.skipped: list[SkippedAnnotation] = []

    # containers

    def container(self, node: Any, path: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self.item(item, f"{path}[{index}]")
        elif isinstance(node, dict):
            self.item(node, path)
        else:
            raise AnnotationImportError(path, "expected an annotation, a list or a collection")

    def item(self, node: Any, path: str) -> None:
        if not isinstance(node, dict):
            raise AnnotationImportError(path, "expected an annotation object")
        types = _types(node, path)
        if "rows" in node and not types:
            self.hypothesis_result(node, path)
        elif "Annotation" in types:
            self.annotation(node, path, hypothesis=False)
        elif "AnnotationCollection" in types:
            self.collection(node, path)
        elif "AnnotationPage" in types:
            self.page(node, path)
        elif not types and "target" in node and "@context" not in node:
            self.annotation(node, path, hypothesis=True)
        elif types:
            raise AnnotationImportError(
                _key(path, "type"),
                "expected 'Annotation', 'AnnotationCollection' or 'AnnotationPage'",
            )
        else:
            raise AnnotationImportError(
                _key(path, "type"), "missing; not an annotation, a collection or a page"
            )

    def hypothesis_result(self, node: dict[str, Any], path: str) -> None:
        total = node.get("total")
        if total is not None and (not _is_count(total)):
            raise AnnotationImportError(_key(path, "total"), "expected a non-negative integer")
        rows = node["rows"]
        rows_path = _key(path, "rows")
        if not isinstance(rows, list):
            raise AnnotationImportError(rows_path, "expected a list of annotations")
        for index, row in enumerate(rows):
            row_path = f"{rows_path}[{index}]"
            if not isinstance(row, dict):
                raise AnnotationImportError(row_path, "expected an annotation object")
            self.annotation(row, row_path, hypothesis=True)

    def collection(self, node: dict[str, Any], path: str) -> None:
        self.context(node, path)
        first = node.get("first")
        first_path = _key(path, "first")
        if first is None:
            return
        if isinstance(first, str):
            self.skipped.append(
                SkippedAnnotation(first_path, f"the first page ({first}) is not embedded")
            )
        elif isinstance(first, dict):
            self.page(first, first_path)
        else:
            raise AnnotationImportError(first_path, "expected a page URI or an AnnotationPage")

    def page(self, node: dict[str, Any], path: str) -> None:
        self.context(node, path)
        items_path = _key(path, "items")
        items = node.get("items")
        if not isinstance(items, list):
            raise AnnotationImportError(items_path, "expected a list of annotations")
        for index, item in enumerate(items):
            item_path = f"{items_path}[{index}]"
            if isinstance(item, str):
                self.skipped.append(
                    SkippedAnnotation(
                        item_path, "annotation is only referenced, not embedded", item
                    )
                )
            elif isinstance(item, dict) and "Annotation" in _types(item, item_path):
                self.annotation(item, item_path, hypothesis=False)
            else:
                raise AnnotationImportError(item_path, "expected an Annotation or its URI")

    def context(self, node: dict[str, Any], path: str) -> None:
        if "@context" not in node:
            return
        contexts = _as_list(node["@context"])
        if not any(isinstance(c, str) and c in _ACCEPTED_CONTEXTS for c in contexts):
            raise AnnotationImportError(_key(path, "@context"), f"expected {ANNOTATION_CONTEXT!r}")

    # one annotation

    def annotation(self, node: dict[str, Any], path: str, *, hypothesis: bool) -> None:
        ident = self.identifier(node, path, hypothesis=hypothesis)
        if not hypothesis:
            self.context(node, path)
        created = _optional_datetime(node, "created", path)
        _optional_datetime(node, "modified", path)
        if hypothesis:
            _optional_datetime(node, "updated", path)
        motivations = _string_or_strings(node, "motivation", path)

        if hypothesis:
            note = _optional_string(node, "text", path)
            tags = _tag_list(node, path)
            sources: list[ExportSource] = []
        else:
            note, tags, sources = self.bodies(node, path)

        if "target" not in node:
            raise AnnotationImportError(_key(path, "target"), "missing")
        found = self.text_target(node["target"], _key(path, "target"))
        if found is None:
            self.skipped.append(SkippedAnnotation(path, "target has no TextQuoteSelector", ident))
            return
        quote, position, target_url = found
        if not quote["exact"]:
            self.skipped.append(SkippedAnnotation(path, "TextQuoteSelector.exact is empty", ident))
            return
        if target_url is None and hypothesis and isinstance(node.get("uri"), str):
            target_url = node["uri"]
        self.annotations.append(
            ImportedAnnotation(
                exact=quote["exact"],
                prefix=quote.get("prefix", ""),
                suffix=quote.get("suffix", ""),
                start=position[0] if position else None,
                end=position[1] if position else None,
                note_markdown=note,
                tags=tuple(dict.fromkeys(tags)),
                sources=tuple(sources),
                kind=_kind(motivations, note),
                created=created,
                target_url=target_url,
                path=path,
            )
        )

    def identifier(self, node: dict[str, Any], path: str, *, hypothesis: bool) -> str | None:
        if "id" not in node:
            return None
        ident = node["id"]
        id_path = _key(path, "id")
        if hypothesis:
            if not isinstance(ident, str):
                raise AnnotationImportError(id_path, "expected a string")
            return ident
        if isinstance(ident, list) and len(ident) == 1:
            ident = ident[0]
        if not isinstance(ident, str) or not _URI.match(ident):
            raise AnnotationImportError(id_path, "expected one URI")
        return ident

    # targets and selectors

    def text_target(
        self, target: Any, path: str
    ) -> tuple[dict[str, str], tuple[int, int] | None, str | None] | None:
        for node, node_path in _target_objects(target, path):
            source = node.get("source")
            if "SpecificResource" in _types(node, node_path) and source is None:
                raise AnnotationImportError(_key(node_path, "source"), "missing")
            if "selector" not in node:
                continue
            quote, position = _find_selectors(node["selector"], _key(node_path, "selector"))
            if quote is not None:
                return quote, position, _resource_id(source)
        return None

    # bodies

    def bodies(self, node: dict[str, Any], path: str) -> tuple[str, list[str], list[ExportSource]]:
        notes: list[str] = []
        tags: list[str] = []
        sources: list[ExportSource] = []
        if "bodyValue" in node:
            if "body" in node:
                raise AnnotationImportError(
                    _key(path, "bodyValue"), "an annotation cannot have both body and bodyValue"
                )
            notes.append(_string(node["bodyValue"], _key(path, "bodyValue")))
        if "body" in node:
            body_path = _key(path, "body")
            body = node["body"]
            if isinstance(body, list):
                for index, item in enumerate(body):
                    self.body(item, f"{body_path}[{index}]", notes, tags, sources)
            else:
                self.body(body, body_path, notes, tags, sources)
        note = "\n\n".join(n.strip() for n in notes if n.strip())
        return note, tags, sources

    def body(
        self,
        body: Any,
        path: str,
        notes: list[str],
        tags: list[str],
        sources: list[ExportSource],
    ) -> None:
        if isinstance(body, str):
            if not _URI.match(body):
                raise AnnotationImportError(path, "expected a URI or a body object")
            sources.append(ExportSource(url=body))
            return
        if not isinstance(body, dict):
            raise AnnotationImportError(path, "expected a URI, a body object or a list")
        types = _types(body, path)
        purposes = _string_or_strings(body, "purpose", path)
        if {"Choice", "Composite", "List", "Independents"} & set(types):
            items_path = _key(path, "items")
            items = body.get("items")
            if not isinstance(items, list):
                raise AnnotationImportError(items_path, "expected a list")
            # A Choice offers alternatives: its first item is the default one.
            chosen = items[:1] if "Choice" in types else items
            for index, item in enumerate(chosen):
                self.body(item, f"{items_path}[{index}]", notes, tags, sources)
        elif "source" in body or "SpecificResource" in types:
            url = _resource_id(body.get("source"))
            if url is None:
                raise AnnotationImportError(_key(path, "source"), "expected a URI or an object")
            if "tagging" in purposes:
                tags.append(url)
            else:
                sources.append(_source_from_specific_resource(body, url, path))
        elif "value" in body or "TextualBody" in types:
            value = _string(body.get("value"), _key(path, "value"))
            if "tagging" in purposes:
                if value.strip():
                    tags.append(value.strip())
            else:
                notes.append(value)
        elif isinstance(body.get("id"), str) and _URI.match(body["id"]):
            sources.append(ExportSource(url=body["id"], title=_title(body)))


def _target_objects(target: Any, path: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every object target, depth first, with its path (URI targets have nothing to select)."""
    if isinstance(target, str):
        return
    if isinstance(target, list):
        for index, item in enumerate(target):
            yield from _target_objects(item, f"{path}[{index}]")
        return
    if not isinstance(target, dict):
        raise AnnotationImportError(path, "expected a URI, a target object or a list")
    yield target, path
    if isinstance(target.get("items"), list):
        yield from _target_objects(target["items"], _key(path, "items"))


def _find_selectors(
    selectors: Any, path: str
) -> tuple[dict[str, str] | None, tuple[int, int] | None]:
    """The first TextQuoteSelector anywhere (refinedBy included) and a top-level position.

    A TextPositionSelector that refines another selector counts from that selector's start, not
    the document's, so only a top-level one gives usable offsets.
    """
    quote: dict[str, str] | None = None
    position: tuple[int, int] | None = None
    items = selectors if isinstance(selectors, list) else [selectors]
    for index, selector in enumerate(items):
        item_path = f"{path}[{index}]" if isinstance(selectors, list) else path
        for node, node_path, depth in _selector_chain(selector, item_path):
            kind = node.get("type")
            if kind == "TextQuoteSelector":
                parsed = _quote(node, node_path)
                quote = quote or parsed
            elif kind == "TextPositionSelector":
                parsed_position = _position(node, node_path)
                if depth == 0 and position is None:
                    position = parsed_position
    return quote, position


def _selector_chain(selector: Any, path: str, depth: int = 0):
    if isinstance(selector, str):
        return
    if not isinstance(selector, dict):
        raise AnnotationImportError(path, "expected a selector object or URI")
    kind = selector.get("type")
    if kind is not None and not isinstance(kind, str):
        raise AnnotationImportError(_key(path, "type"), "expected a string")
    yield selector, path, depth
    if "refinedBy" in selector:
        refined = selector["refinedBy"]
        refined_path = _key(path, "refinedBy")
        if isinstance(refined, list):
            for index, item in enumerate(refined):
                yield from _selector_chain(item, f"{refined_path}[{index}]", depth + 1)
        else:
            yield from _selector_chain(refined, refined_path, depth + 1)


def _quote(node: dict[str, Any], path: str) -> dict[str, str]:
    if "exact" not in node:
        raise AnnotationImportError(_key(path, "exact"), "missing")
    quote = {"exact": _string(node["exact"], _key(path, "exact"))}
    for key in ("prefix", "suffix"):
        if key in node:
            quote[key] = _string(node[key], _key(path, key))
    return quote


def _position(node: dict[str, Any], path: str) -> tuple[int, int]:
    values = []
    for key in ("start", "end"):
        value = node.get(key)
        if not _is_count(value):
            raise AnnotationImportError(_key(path, key), "expected a non-negative integer")
        values.append(value)
    if values[1] < values[0]:
        raise AnnotationImportError(_key(path, "end"), "expected an integer not below start")
    return values[0], values[1]


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _source_from_specific_resource(body: dict[str, Any], url: str, path: str) -> ExportSource:
    excerpt = ""
    if "selector" in body:
        quote, _ = _find_selectors(body["selector"], _key(path, "selector"))
        if quote is not None:
            excerpt = quote["exact"]
    stance = "background"
    relation = body.get("dc:type")
    if isinstance(relation, str):
        stance = _RELATION_STANCES.get(relation.rsplit("/", 1)[-1].lower(), "background")
    source = body.get("source")
    title = _title(source) if isinstance(source, dict) else ""
    return ExportSource(url=url, title=title, excerpt=excerpt, stance=stance)


def _title(resource: dict[str, Any]) -> str:
    for key in ("dc:title", "title", "dcterms:title", "label", "name"):
        value = resource.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _resource_id(resource: Any) -> str | None:
    if isinstance(resource, str):
        return resource
    if isinstance(resource, dict) and isinstance(resource.get("id"), str):
        return resource["id"]
    return None


def _kind(motivations: list[str], note: str) -> str:
    for motivation in motivations:
        if motivation in _MOTIVATION_KINDS:
            return _MOTIVATION_KINDS[motivation]
    return "note" if note.strip() else "highlight"


# --- small field validators -------------------------------------------------------------------


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise AnnotationImportError(path, "expected a string")
    return value


def _optional_string(node: dict[str, Any], key: str, path: str) -> str:
    if node.get(key) is None:
        return ""
    return _string(node[key], _key(path, key))


def _string_or_strings(node: dict[str, Any], key: str, path: str) -> list[str]:
    value = node.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise AnnotationImportError(_key(path, key), "expected a string or a list of strings")


def _tag_list(node: dict[str, Any], path: str) -> list[str]:
    value = node.get("tags")
    if value is None:
        return []
    tags_path = _key(path, "tags")
    if not isinstance(value, list):
        raise AnnotationImportError(tags_path, "expected a list of strings")
    tags = []
    for index, tag in enumerate(value):
        if not isinstance(tag, str):
            raise AnnotationImportError(f"{tags_path}[{index}]", "expected a string")
        if tag.strip():
            tags.append(tag.strip())
    return tags


def _optional_datetime(node: dict[str, Any], key: str, path: str) -> datetime | None:
    if key not in node:
        return None
    value = node[key]
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and "T" in value:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise AnnotationImportError(_key(path, key), "expected one ISO 8601 date-time")
