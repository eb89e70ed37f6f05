"""JSON paths and the small checks of single fields that the parser makes.

Every check names the JSON path of the field it refuses (``$.first.items[3].target``), so the
reader learns where the problem is, not only what it is.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from .model import AnnotationImportError

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def child_path(path: str, key: str) -> str:
    """The path of ``key`` in the object at ``path``: ``$.a.b``, or ``$.a["@context"]``."""
    return f"{path}.{key}" if IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def abbreviated(text: str, limit: int = 40) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis (for keys and URIs in messages)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def types_of(node: dict[str, Any], path: str) -> list[str]:
    value = node.get("type")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise AnnotationImportError(child_path(path, "type"), "expected a string or a list of strings")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise AnnotationImportError(path, "expected a string")
    return value


def optional_string(node: dict[str, Any], key: str, path: str) -> str:
    if node.get(key) is None:
        return ""
    return string(node[key], child_path(path, key))


def string_or_strings(node: dict[str, Any], key: str, path: str) -> list[str]:
    value = node.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise AnnotationImportError(child_path(path, key), "expected a string or a list of strings")


def tag_list(node: dict[str, Any], path: str) -> list[str]:
    value = node.get("tags")
    if value is None:
        return []
    tags_path = child_path(path, "tags")
    if not isinstance(value, list):
        raise AnnotationImportError(tags_path, "expected a list of strings")
    tags = []
    for index, tag in enumerate(value):
        if not isinstance(tag, str):
            raise AnnotationImportError(f"{tags_path}[{index}]", "expected a string")
        if tag.strip():
            tags.append(tag.strip())
    return tags


def optional_datetime(node: dict[str, Any], key: str, path: str) -> datetime | None:
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
    raise AnnotationImportError(child_path(path, key), "expected one ISO 8601 date-time")


CREATOR_CHARS = 120  # what Gloss keeps of a creator's name (Annotation.imported_creator)


def creator_name(node: dict[str, Any], *, hypothesis: bool) -> str:
    """Who wrote an imported annotation, as the file names them ("" when it does not say).

    W3C: ``creator`` is a name or IRI, an Agent (``name``, ``nickname``, ``id``) or a list of
    them (the first that names someone). Hypothesis: ``user_info.display_name``, else the
    account in ``user`` ("acct:alice@hypothes.is" is alice). Provenance is shown, never
    trusted: an odd shape gives "" rather than refusing the file.
    """
    if hypothesis:
        info = node.get("user_info")
        name = info.get("display_name") if isinstance(info, dict) else None
        if not isinstance(name, str) or not name.strip():
            user = node.get("user")
            name = user.removeprefix("acct:").split("@")[0] if isinstance(user, str) else ""
        return abbreviated(" ".join(name.split()), CREATOR_CHARS)
    for creator in as_list(node.get("creator")):
        if isinstance(creator, dict):
            creator = next(
                (creator[key] for key in ("name", "nickname", "id") if creator.get(key)), None
            )
        if isinstance(creator, str) and creator.strip():
            return abbreviated(" ".join(creator.split()), CREATOR_CHARS)
    return ""
