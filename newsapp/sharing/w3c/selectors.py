"""Targets and selectors: where in which resource an annotation points, and its sources' links.

Only text matters to Gloss: the first TextQuoteSelector found (``refinedBy`` chains included)
and a top-level TextPositionSelector beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .fields import child_path, is_count, string
from .model import RELATION_STANCES, AnnotationImportError, ExportSource


def target_objects(target: Any, path: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every object target, depth first, with its path (URI targets have nothing to select)."""
    if isinstance(target, str):
        return
    if isinstance(target, list):
        for index, item in enumerate(target):
            yield from target_objects(item, f"{path}[{index}]")
        return
    if not isinstance(target, dict):
        raise AnnotationImportError(path, "expected a URI, a target object or a list")
    yield target, path
    if isinstance(target.get("items"), list):
        yield from target_objects(target["items"], child_path(path, "items"))


def find_selectors(
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
        for node, node_path, depth in selector_chain(selector, item_path):
            kind = node.get("type")
            if kind == "TextQuoteSelector":
                parsed = quote_selector(node, node_path)
                quote = quote or parsed
            elif kind == "TextPositionSelector":
                parsed_position = position_selector(node, node_path)
                if depth == 0 and position is None:
                    position = parsed_position
    return quote, position


def selector_chain(selector: Any, path: str, depth: int = 0):
    if isinstance(selector, str):
        return
    if not isinstance(selector, dict):
        raise AnnotationImportError(path, "expected a selector object or URI")
    kind = selector.get("type")
    if kind is not None and not isinstance(kind, str):
        raise AnnotationImportError(child_path(path, "type"), "expected a string")
    yield selector, path, depth
    if "refinedBy" in selector:
        refined = selector["refinedBy"]
        refined_path = child_path(path, "refinedBy")
        if isinstance(refined, list):
            for index, item in enumerate(refined):
                yield from selector_chain(item, f"{refined_path}[{index}]", depth + 1)
        else:
            yield from selector_chain(refined, refined_path, depth + 1)


def quote_selector(node: dict[str, Any], path: str) -> dict[str, str]:
    if "exact" not in node:
        raise AnnotationImportError(child_path(path, "exact"), "missing")
    quote = {"exact": string(node["exact"], child_path(path, "exact"))}
    for key in ("prefix", "suffix"):
        if key in node:
            quote[key] = string(node[key], child_path(path, key))
    return quote


def position_selector(node: dict[str, Any], path: str) -> tuple[int, int]:
    values = []
    for key in ("start", "end"):
        value = node.get(key)
        if not is_count(value):
            raise AnnotationImportError(child_path(path, key), "expected a non-negative integer")
        values.append(value)
    if values[1] < values[0]:
        raise AnnotationImportError(child_path(path, "end"), "expected an integer not below start")
    return values[0], values[1]


def source_from_specific_resource(body: dict[str, Any], url: str, path: str) -> ExportSource:
    excerpt = ""
    if "selector" in body:
        quote, _ = find_selectors(body["selector"], child_path(path, "selector"))
        if quote is not None:
            excerpt = quote["exact"]
    stance = "background"
    relation = body.get("dc:type")
    if isinstance(relation, str):
        stance = RELATION_STANCES.get(relation.rsplit("/", 1)[-1].lower(), "background")
    source = body.get("source")
    title = title_of(source) if isinstance(source, dict) else ""
    return ExportSource(url=url, title=title, excerpt=excerpt, stance=stance)


def title_of(resource: dict[str, Any]) -> str:
    for key in ("dc:title", "title", "dcterms:title", "label", "name"):
        value = resource.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def resource_id(resource: Any) -> str | None:
    if isinstance(resource, str):
        return resource
    if isinstance(resource, dict) and isinstance(resource.get("id"), str):
        return resource["id"]
    return None
