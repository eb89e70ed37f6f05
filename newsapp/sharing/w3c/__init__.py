"""W3C Web Annotation JSON-LD: export Gloss annotations, import W3C and Hypothesis annotations.

- ``model``: the vocabulary (context, kinds and motivations, stances and CiTO relations) and the
  plain records both directions share (``ExportAnnotation``, ``ImportedAnnotation``,
  ``ParsedImport``, ``AnnotationImportError``...).
- ``presenter``: records -> JSON-LD (``to_jsonld``, ``page_jsonld``, ``collection_jsonld``).
- ``parser``: W3C or Hypothesis JSON -> records (``parse_annotations``), with ``reading``
  (bounded JSON loading: size, UTF-8, depth, storable strings), ``fields`` (JSON paths,
  single-field checks) and ``selectors`` (targets, selectors, linked sources).

Pure Python, no Django: the sharing app maps these records to and from its models.
"""

from __future__ import annotations

from .model import (
    ANNOTATION_CONTEXT,
    KIND_MOTIVATIONS,
    KINDS,
    STANCES,
    AnnotationImportError,
    ExportAnnotation,
    ExportSource,
    ImportedAnnotation,
    ParsedImport,
    SkippedAnnotation,
)
from .parser import parse_annotations
from .presenter import collection_jsonld, page_jsonld, to_jsonld
from .reading import MAX_DEPTH, MAX_IMPORT_BYTES

__all__ = [
    "ANNOTATION_CONTEXT",
    "KINDS",
    "KIND_MOTIVATIONS",
    "MAX_DEPTH",
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
