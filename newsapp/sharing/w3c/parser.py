"""Read W3C Web Annotation or Hypothesis JSON into ``ImportedAnnotation`` records.

``parse_annotations`` accepts an annotation, a list, an AnnotationCollection or AnnotationPage,
or a Hypothesis API search result, and either returns the whole parse or raises
``AnnotationImportError`` naming the JSON path of the first bad field. Annotations that cannot
be about text (no TextQuoteSelector, an empty quote, a page that is only referenced) are
returned as skipped, with the reason.
"""

from __future__ import annotations

from typing import Any

from .fields import (
    abbreviated,
    as_list,
    child_path,
    creator_name,
    is_count,
    optional_datetime,
    optional_string,
    string,
    string_or_strings,
    tag_list,
    types_of,
)
from .model import (
    ACCEPTED_CONTEXTS,
    ANNOTATION_CONTEXT,
    MOTIVATION_KINDS,
    URI,
    AnnotationImportError,
    ExportSource,
    ImportedAnnotation,
    ParsedImport,
    SkippedAnnotation,
)
from .reading import load_json
from .selectors import (
    find_selectors,
    resource_id,
    source_from_specific_resource,
    target_objects,
    title_of,
)

__all__ = ["MAX_ANNOTATIONS", "parse_annotations"]

# Annotations (and references to them) one upload may hold: more than any reader annotates on
# one article by hand, and a bound on the anchoring work an upload can ask for.
MAX_ANNOTATIONS = 2000


def parse_annotations(data: bytes | str, *, max_annotations: int = MAX_ANNOTATIONS) -> ParsedImport:
    """Parse an upload of annotations; every text-targeting one is returned, the rest skipped.

    More than ``max_annotations`` annotations and references, counted together, refuse the
    upload at the first one too many (a list longer than that, before reading it).
    """
    document = load_json(data)
    parser = _Parser(max_annotations)
    parser.container(document, "$")
    return ParsedImport(tuple(parser.annotations), tuple(parser.skipped))


class _Parser:
    def __init__(self, max_annotations: int) -> None:
        self.annotations: list[ImportedAnnotation] = []
        self.skipped: list[SkippedAnnotation] = []
        self.max_annotations = max_annotations
        self.counted = 0

    # containers

    def listed(self, items: list[Any], path: str) -> list[Any]:
        """``items`` if the upload may hold that many annotations; refused otherwise."""
        if len(items) > self.max_annotations:
            raise AnnotationImportError(
                path,
                f"holds {len(items):,} items; one upload takes at most "
                f"{self.max_annotations:,} annotations",
            )
        return items

    def count(self, path: str) -> None:
        self.counted += 1
        if self.counted > self.max_annotations:
            raise AnnotationImportError(
                path,
                f"more than {self.max_annotations:,} annotations; one upload takes at most "
                f"{self.max_annotations:,}",
            )

    def container(self, node: Any, path: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(self.listed(node, path)):
                self.item(item, f"{path}[{index}]")
        elif isinstance(node, dict):
            self.item(node, path)
        else:
            raise AnnotationImportError(path, "expected an annotation, a list or a collection")

    def item(self, node: Any, path: str) -> None:
        if not isinstance(node, dict):
            raise AnnotationImportError(path, "expected an annotation object")
        types = types_of(node, path)
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
                child_path(path, "type"),
                "expected 'Annotation', 'AnnotationCollection' or 'AnnotationPage'",
            )
        else:
            raise AnnotationImportError(
                child_path(path, "type"), "missing; not an annotation, a collection or a page"
            )

    def hypothesis_result(self, node: dict[str, Any], path: str) -> None:
        total = node.get("total")
        if total is not None and (not is_count(total)):
            raise AnnotationImportError(
                child_path(path, "total"), "expected a non-negative integer"
            )
        rows = node["rows"]
        rows_path = child_path(path, "rows")
        if not isinstance(rows, list):
            raise AnnotationImportError(rows_path, "expected a list of annotations")
        for index, row in enumerate(self.listed(rows, rows_path)):
            row_path = f"{rows_path}[{index}]"
            if not isinstance(row, dict):
                raise AnnotationImportError(row_path, "expected an annotation object")
            self.annotation(row, row_path, hypothesis=True)

    def collection(self, node: dict[str, Any], path: str) -> None:
        self.context(node, path)
        first = node.get("first")
        first_path = child_path(path, "first")
        if first is None:
            return
        if isinstance(first, str):
            self.skipped.append(
                SkippedAnnotation(
                    first_path, f"the first page ({abbreviated(first, 80)}) is not embedded"
                )
            )
        elif isinstance(first, dict):
            self.page(first, first_path)
        else:
            raise AnnotationImportError(first_path, "expected a page URI or an AnnotationPage")

    def page(self, node: dict[str, Any], path: str) -> None:
        self.context(node, path)
        items_path = child_path(path, "items")
        items = node.get("items")
        if not isinstance(items, list):
            raise AnnotationImportError(items_path, "expected a list of annotations")
        for index, item in enumerate(self.listed(items, items_path)):
            item_path = f"{items_path}[{index}]"
            if isinstance(item, str):
                self.count(item_path)
                self.skipped.append(
                    SkippedAnnotation(
                        item_path, "annotation is only referenced, not embedded", item
                    )
                )
            elif isinstance(item, dict) and "Annotation" in types_of(item, item_path):
                self.annotation(item, item_path, hypothesis=False)
            else:
                raise AnnotationImportError(item_path, "expected an Annotation or its URI")

    def context(self, node: dict[str, Any], path: str) -> None:
        if "@context" not in node:
            return
        contexts = as_list(node["@context"])
        if not any(isinstance(c, str) and c in ACCEPTED_CONTEXTS for c in contexts):
            raise AnnotationImportError(
                child_path(path, "@context"), f"expected {ANNOTATION_CONTEXT!r}"
            )

    # one annotation

    def annotation(self, node: dict[str, Any], path: str, *, hypothesis: bool) -> None:
        self.count(path)
        ident = self.identifier(node, path, hypothesis=hypothesis)
        if not hypothesis:
            self.context(node, path)
        created = optional_datetime(node, "created", path)
        optional_datetime(node, "modified", path)
        if hypothesis:
            optional_datetime(node, "updated", path)
        motivations = string_or_strings(node, "motivation", path)

        if hypothesis:
            note = optional_string(node, "text", path)
            tags = tag_list(node, path)
            sources: list[ExportSource] = []
        else:
            note, tags, sources = self.bodies(node, path)

        if "target" not in node:
            raise AnnotationImportError(child_path(path, "target"), "missing")
        found = self.text_target(node["target"], child_path(path, "target"))
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
                creator=creator_name(node, hypothesis=hypothesis),
                target_url=target_url,
                path=path,
            )
        )

    def identifier(self, node: dict[str, Any], path: str, *, hypothesis: bool) -> str | None:
        if "id" not in node:
            return None
        ident = node["id"]
        id_path = child_path(path, "id")
        if hypothesis:
            if not isinstance(ident, str):
                raise AnnotationImportError(id_path, "expected a string")
            return ident
        if isinstance(ident, list) and len(ident) == 1:
            ident = ident[0]
        if not isinstance(ident, str) or not URI.match(ident):
            raise AnnotationImportError(id_path, "expected one URI")
        return ident

    # targets and selectors

    def text_target(
        self, target: Any, path: str
    ) -> tuple[dict[str, str], tuple[int, int] | None, str | None] | None:
        for node, node_path in target_objects(target, path):
            source = node.get("source")
            if "SpecificResource" in types_of(node, node_path) and source is None:
                raise AnnotationImportError(child_path(node_path, "source"), "missing")
            if "selector" not in node:
                continue
            quote, position = find_selectors(node["selector"], child_path(node_path, "selector"))
            if quote is not None:
                return quote, position, resource_id(source)
        return None

    # bodies

    def bodies(self, node: dict[str, Any], path: str) -> tuple[str, list[str], list[ExportSource]]:
        notes: list[str] = []
        tags: list[str] = []
        sources: list[ExportSource] = []
        if "bodyValue" in node:
            if "body" in node:
                raise AnnotationImportError(
                    child_path(path, "bodyValue"),
                    "an annotation cannot have both body and bodyValue",
                )
            notes.append(string(node["bodyValue"], child_path(path, "bodyValue")))
        if "body" in node:
            body_path = child_path(path, "body")
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
            if not URI.match(body):
                raise AnnotationImportError(path, "expected a URI or a body object")
            sources.append(ExportSource(url=body))
            return
        if not isinstance(body, dict):
            raise AnnotationImportError(path, "expected a URI, a body object or a list")
        types = types_of(body, path)
        purposes = string_or_strings(body, "purpose", path)
        if {"Choice", "Composite", "List", "Independents"} & set(types):
            items_path = child_path(path, "items")
            items = body.get("items")
            if not isinstance(items, list):
                raise AnnotationImportError(items_path, "expected a list")
            # A Choice offers alternatives: its first item is the default one.
            chosen = items[:1] if "Choice" in types else items
            for index, item in enumerate(chosen):
                self.body(item, f"{items_path}[{index}]", notes, tags, sources)
        elif "source" in body or "SpecificResource" in types:
            url = resource_id(body.get("source"))
            if url is None:
                raise AnnotationImportError(
                    child_path(path, "source"), "expected a URI or an object"
                )
            if "tagging" in purposes:
                tags.append(url)
            else:
                sources.append(source_from_specific_resource(body, url, path))
        elif "value" in body or "TextualBody" in types:
            value = string(body.get("value"), child_path(path, "value"))
            if "tagging" in purposes:
                if value.strip():
                    tags.append(value.strip())
            else:
                notes.append(value)
        elif isinstance(body.get("id"), str) and URI.match(body["id"]):
            sources.append(ExportSource(url=body["id"], title=title_of(body)))


def _kind(motivations: list[str], note: str) -> str:
    for motivation in motivations:
        if motivation in MOTIVATION_KINDS:
            return MOTIVATION_KINDS[motivation]
    return "note" if note.strip() else "highlight"
