"""Imports of annotations: W3C or Hypothesis JSON onto an article, and the report of what happened.

The import service ``annotations_import`` parses with ``w3c.parse_annotations``, re-anchors every
annotation on the article's canonical text with ``text.anchoring``, and hands what anchors and
the rest, as orphans, to ``annotations_bulk_create``, which writes all of them or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from newsapp.annotations.models import Annotation, Visibility
from newsapp.annotations.services import (
    MAX_NOTE_CHARS,
    MAX_QUOTE_CHARS,
    MAX_SOURCES,
    MAX_TAGS,
    NewAnnotation,
    SourceInput,
    annotations_bulk_create,
    clean_sources,
    clean_tags,
)
from newsapp.articles.models import Article
from newsapp.text.anchoring import Anchor, locate_many, selector_for

from .import_report import ImportedRow, ImportReport, SkippedRow, short_text
from .w3c.model import AnnotationImportError, ExportSource, ImportedAnnotation
from .w3c.parser import parse_annotations

__all__ = [
    "MAX_IMPORT_ANNOTATIONS",
    "ImportReport",
    "ImportedRow",
    "SkippedRow",
    "annotations_import",
]

# More than any reader annotates by hand; bounds the anchoring work one upload can ask for.
MAX_IMPORT_ANNOTATIONS = 2000
SELECTOR_CONTEXT_FIELD = 64  # Annotation.prefix / suffix max_length
EXACT_METHODS = ("position", "quote")


@dataclass
class _Planned:
    item: ImportedAnnotation
    new: NewAnnotation
    warnings: list[str]


def _lenient_tags(raw: Iterable[str], warnings: list[str]) -> list[str]:
    tags: list[str] = []
    for tag in raw:
        try:
            cleaned = clean_tags([tag])
        except ValidationError:
            warnings.append(f"tag “{short_text(tag, 30)}” is too long and was left out")
            continue
        tags.extend(t for t in cleaned if t not in tags)
    if len(tags) > MAX_TAGS:
        warnings.append(f"only the first {MAX_TAGS} of {len(tags)} tags were kept")
        tags = tags[:MAX_TAGS]
    return tags


def _lenient_sources(raw: Iterable[ExportSource], warnings: list[str]) -> list[SourceInput]:
    sources: list[SourceInput] = []
    for source in raw:
        candidate = SourceInput(
            url=source.url, title=source.title, stance=source.stance, excerpt=source.excerpt
        )
        try:
            sources.extend(clean_sources([candidate]))
        except ValidationError:
            warnings.append(f"source {short_text(source.url, 60)} is not an http(s) link; left out")
    if len(sources) > MAX_SOURCES:
        warnings.append(f"only the first {MAX_SOURCES} of {len(sources)} sources were kept")
        sources = sources[:MAX_SOURCES]
    return sources


def _refusal(item: ImportedAnnotation) -> str | None:
    if len(item.exact) > MAX_QUOTE_CHARS:
        return f"the quote is {len(item.exact):,} characters; the limit is {MAX_QUOTE_CHARS:,}"
    if len(item.note_markdown) > MAX_NOTE_CHARS:
        return (
            f"the note is {len(item.note_markdown):,} characters; the limit is {MAX_NOTE_CHARS:,}"
        )
    return None


def _dedupe_key(exact: str, start: int | None, note: str) -> tuple[str, int | None, str]:
    return (exact, start, note.strip())


def annotations_import(
    *, article: Article, author, data: bytes | str, visibility: str = Visibility.PRIVATE
) -> ImportReport:
    """Import W3C or Hypothesis JSON onto ``article`` as ``author``'s annotations.

    Raises ``AnnotationImportError`` (with the JSON path of the first bad field) or
    ``ValidationError`` and writes nothing when the upload is refused. Annotations whose words
    are not found are kept as orphaned; items that cannot be annotations (no text target, a note
    over the limit, already imported) are reported as skipped.
    """
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose private, unlisted or public."})
    parsed = parse_annotations(data)
    if len(parsed.annotations) > MAX_IMPORT_ANNOTATIONS:
        raise AnnotationImportError(
            "$",
            f"the file holds {len(parsed.annotations):,} annotations; "
            f"one import takes at most {MAX_IMPORT_ANNOTATIONS:,}",
        )
    report = ImportReport(article_slug=article.slug)
    report.skipped.extend(SkippedRow(s.path, s.reason) for s in parsed.skipped)

    text = article.body_text
    anchors = locate_many(
        text,
        (
            {
                "exact": item.exact,
                "prefix": item.prefix,
                "suffix": item.suffix,
                "start": item.start,
                "end": item.end,
            }
            for item in parsed.annotations
        ),
    )
    seen = {
        _dedupe_key(exact, start, note)
        for exact, start, note in Annotation.objects.alive()
        .filter(article=article, author=author)
        .values_list("exact", "start", "note")
    }

    planned: list[_Planned] = []
    for item, anchor in zip(parsed.annotations, anchors, strict=True):
        refusal = _refusal(item)
        if refusal:
            report.skipped.append(SkippedRow(item.path, refusal))
            continue
        where = _anchor_fields(item, anchor, text)
        key = _dedupe_key(where["exact"], where["start"], item.note_markdown)
        if key in seen:
            report.skipped.append(
                SkippedRow(item.path, "already on this article (same words and note)")
            )
            continue
        seen.add(key)
        warnings: list[str] = []
        new = NewAnnotation(
            **where,
            kind=item.kind,
            note=item.note_markdown,
            tags=_lenient_tags(item.tags, warnings),
            sources=_lenient_sources(item.sources, warnings),
        )
        planned.append(_Planned(item=item, new=new, warnings=warnings))

    created = annotations_bulk_create(
        article=article, author=author, items=[plan.new for plan in planned], visibility=visibility
    )
    for plan, annotation in zip(planned, created, strict=True):
        method = plan.new.anchor_method
        row = ImportedRow(
            public_id=annotation.public_id,
            quote=short_text(annotation.exact, 200),
            method=method,
            path=plan.item.path,
            warnings=tuple(plan.warnings),
        )
        if method in EXACT_METHODS:
            report.exact.append(row)
        elif method == "fuzzy":
            report.fuzzy.append(row)
        else:
            report.orphaned.append(row)
    return report


def _anchor_fields(item: ImportedAnnotation, anchor: Anchor | None, text: str) -> dict[str, Any]:
    """Where the annotation goes: the words found in ``text``, or as given for an orphan."""
    if anchor is not None:
        return {"anchor_method": anchor.method, **selector_for(text, anchor.start, anchor.end)}
    # Orphaned: keep the words and context as they were given, for a later re-attachment.
    has_position = item.start is not None and item.end is not None and item.end >= item.start
    return {
        "anchor_method": "",
        "exact": item.exact,
        "prefix": item.prefix[-SELECTOR_CONTEXT_FIELD:],
        "suffix": item.suffix[:SELECTOR_CONTEXT_FIELD],
        "start": item.start if has_position else None,
        "end": item.end if has_position else None,
    }
