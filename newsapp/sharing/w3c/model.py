"""The W3C Web Annotation data model as Gloss uses it: its vocabulary and the plain records.

Both directions meet here: ``ExportAnnotation`` is what the presenter turns into JSON-LD,
``ImportedAnnotation`` what the parser reads out of W3C or Hypothesis JSON. Pure Python: the
Django side builds and consumes these records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "ACCEPTED_CONTEXTS",
    "ANNOTATION_CONTEXT",
    "KINDS",
    "KIND_MOTIVATIONS",
    "MOTIVATION_KINDS",
    "RELATION_STANCES",
    "STANCES",
    "STANCE_RELATIONS",
    "URI",
    "AnnotationImportError",
    "ExportAnnotation",
    "ExportSource",
    "ImportedAnnotation",
    "ParsedImport",
    "SkippedAnnotation",
]

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ACCEPTED_CONTEXTS = frozenset({ANNOTATION_CONTEXT, "https://www.w3.org/ns/anno.jsonld"})

KINDS = ("highlight", "note", "quote", "claim", "question")
STANCES = ("supports", "disputes", "background")
KIND_MOTIVATIONS = {
    "highlight": "highlighting",
    "note": "commenting",
    "question": "questioning",
    "claim": "assessing",
    "quote": "describing",
}
MOTIVATION_KINDS = {motivation: kind for kind, motivation in KIND_MOTIVATIONS.items()}
MOTIVATION_KINDS["replying"] = "note"

_CITO = "http://purl.org/spar/cito/"
STANCE_RELATIONS = {
    "supports": _CITO + "supports",
    "disputes": _CITO + "disputes",
    "background": _CITO + "givesBackgroundTo",
}
# The last segment of a relation IRI, lower-cased -> our stance (CiTO and a few synonyms).
RELATION_STANCES = {
    "supports": "supports",
    "givessupportto": "supports",
    "confirms": "supports",
    "disputes": "disputes",
    "refutes": "disputes",
    "disagreeswith": "disputes",
    "givesbackgroundto": "background",
    "background": "background",
}
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


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
    creator: str = ""  # who wrote it, as the file names them
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
