"""Imports of annotations: W3C or Hypothesis JSON onto an article, and the report of what happened.

The import service ``annotations_import`` parses with ``w3c.parse_annotations``, re-anchors every
annotation on the article's canonical text with ``text.anchoring``, and hands what anchors and
the rest, as orphans, to ``annotations_bulk_create``, which writes all of them or nothing.

Hostile uploads cost bounded work: the reader refuses oversized, deep or unstorable JSON
before parsing; the parser refuses more than MAX_IMPORT_ANNOTATIONS items; contexts, tags,
titles and excerpts are cut before the costly steps see them; and anchoring, checking and
rendering share a budget of IMPORT_TIME_BUDGET seconds of CPU, past which the whole upload is
refused ("split it into smaller files"), with nothing written.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from newsapp.annotations.models import Annotation, Visibility
from newsapp.annotations.services import (
    BULK_VISIBILITIES,
    MAX_NOTE_CHARS,
    MAX_QUOTE_CHARS,
    MAX_SOURCE_TITLE_CHARS,
    MAX_SOURCES,
    MAX_TAG_CHARS,
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
from .w3c.parser import MAX_ANNOTATIONS, parse_annotations

__all__ = [
    "IMPORT_VISIBILITIES",
    "MAX_IMPORT_ANNOTATIONS",
    "ImportReport",
    "ImportedRow",
    "SkippedRow",
    "annotations_import",
]

MAX_IMPORT_ANNOTATIONS = MAX_ANNOTATIONS
IMPORT_VISIBILITIES = BULK_VISIBILITIES
# CPU seconds one upload may take to be read, anchored, checked and rendered before it is
# refused: with the writes after it (under 0.6 s for 2,000 annotations), an import answers
# within two seconds whatever it holds.
IMPORT_TIME_BUDGET = 1.0
# Raw lengths past which a tag, a source's title or excerpt is cut or refused before the
# markup cleaner sees it (it is quadratic on deeply nested markup).
RAW_TAG_CHARS = 4 * MAX_TAG_CHARS
RAW_TITLE_CHARS = 2 * MAX_SOURCE_TITLE_CHARS
RAW_EXCERPT_CHARS = 1200
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SELECTOR_CONTEXT_FIELD = 64  # Annotation.prefix / suffix max_length
EXACT_METHODS = ("position", "quote")


@dataclass
class _Planned:
    item: ImportedAnnotation
    new: NewAnnotation
    warnings: list[str]


def _lenient_tags(raw: Sequence[str], warnings: list[str], deadline: _Deadline) -> list[str]:
    """The tags Gloss can keep, at most MAX_TAGS; a warning for each one left out."""
    tags: list[str] = []
    for tag in raw:
        if len(tags) == MAX_TAGS:
            warnings.append(f"only the first {MAX_TAGS} of {len(raw)} tags were kept")
            break
        deadline.check()
        try:
            if len(tag) > RAW_TAG_CHARS:  # too long whatever its markup: spare the cleaning
                raise ValidationError("too long")
            cleaned = clean_tags([tag])
        except ValidationError:
            shown = _CONTROLS.sub("\N{REPLACEMENT CHARACTER}", short_text(tag, 30))
            warnings.append(f"tag “{shown}” is too long and was left out")
            continue
        tags.extend(t for t in cleaned if t not in tags)
    return tags


def _lenient_sources(
    raw: Sequence[ExportSource], warnings: list[str], deadline: _Deadline
) -> list[SourceInput]:
    """The sources Gloss can keep, at most MAX_SOURCES; a warning for each one left out."""
    sources: list[SourceInput] = []
    for source in raw:
        if len(sources) == MAX_SOURCES:
            warnings.append(f"only the first {MAX_SOURCES} of {len(raw)} sources were kept")
            break
        deadline.check()
        candidate = SourceInput(
            url=source.url,
            title=source.title[:RAW_TITLE_CHARS],
            stance=source.stance,
            excerpt=source.excerpt[:RAW_EXCERPT_CHARS],
        )
        try:
            sources.extend(clean_sources([candidate]))
        except ValidationError as error:
            reason = error.messages[0].removeprefix("Source 1: ").rstrip(".")
            shown = _CONTROLS.sub("\N{REPLACEMENT CHARACTER}", short_text(source.url, 60))
            warnings.append(f"source {shown} left out: {reason[:1].lower()}{reason[1:]}")
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


class _Deadline:
    """The work one upload may ask for; past it the upload is refused.

    Counted in this thread's CPU time: a measure of the work itself, whatever else the
    machine is doing, so the same file gets the same answer on a busy server.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.thread_time() + seconds
        self.done = self.total = 0

    def check(self, done: int | None = None) -> None:
        if done is not None:
            self.done = done
        if time.thread_time() > self.at:
            raise AnnotationImportError(
                "$",
                f"this file is too much work to import at once (the budget of "
                f"{self.seconds:g} s ran out at annotation {self.done + 1:,} of "
                f"{self.total:,}); split it into smaller files",
            )


def annotations_import(
    *, article: Article, author, data: bytes | str, visibility: str = Visibility.PRIVATE
) -> ImportReport:
    """Import W3C or Hypothesis JSON onto ``article`` as ``author``'s annotations.

    Raises ``AnnotationImportError`` (with the JSON path of the first bad field, or ``$`` when
    the file would take more than IMPORT_TIME_BUDGET seconds) or ``ValidationError`` and writes
    nothing when the upload is refused. Annotations whose words are not found are kept as
    orphaned; items that cannot be annotations (no text target, a note over the limit, already
    imported) are reported as skipped.
    """
    deadline = _Deadline(IMPORT_TIME_BUDGET)
    if visibility not in IMPORT_VISIBILITIES:
        raise ValidationError({"visibility": "Choose private, unlisted or public."})
    parsed = parse_annotations(data, max_annotations=MAX_IMPORT_ANNOTATIONS)
    report = ImportReport(article_slug=article.slug)
    report.skipped.extend(SkippedRow(s.path, s.reason) for s in parsed.skipped)
    accepted = []
    for item in parsed.annotations:
        refusal = _refusal(item)
        if refusal:
            report.skipped.append(SkippedRow(item.path, refusal))
        else:
            accepted.append(item)
    deadline.total = len(accepted)

    planned = _plan(article, author, accepted, report, deadline)
    created = annotations_bulk_create(
        article=article,
        author=author,
        items=[plan.new for plan in planned],
        visibility=visibility,
        progress=deadline.check,
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


def _plan(
    article: Article,
    author,
    items: list[ImportedAnnotation],
    report: ImportReport,
    deadline: _Deadline,
) -> list[_Planned]:
    """Anchor each item and keep what Gloss can store of it; duplicates become skipped rows."""
    text = article.body_text
    anchors = locate_many(text, _selectors(items, deadline))
    seen = {
        _dedupe_key(exact, start, note)
        for exact, start, note in Annotation.objects.alive()
        .filter(article=article, author=author)
        .values_list("exact", "start", "note")
    }
    planned: list[_Planned] = []
    for done, (item, anchor) in enumerate(zip(items, anchors, strict=True)):
        deadline.check(done)
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
            tags=_lenient_tags(item.tags, warnings, deadline),
            sources=_lenient_sources(item.sources, warnings, deadline),
            imported_creator=item.creator,
            imported_created_at=item.created,
        )
        planned.append(_Planned(item=item, new=new, warnings=warnings))
    return planned


def _selectors(items: list[ImportedAnnotation], deadline: _Deadline) -> Iterator[dict[str, Any]]:
    """What ``locate_many`` anchors, one item at a time while the deadline allows.

    Context beyond what Gloss stores is cut: it adds nothing to the anchoring, and a context
    of megabytes would cost an edit distance of megabytes at every occurrence of the quote.
    """
    for done, item in enumerate(items):
        deadline.check(done)
        yield {
            "exact": item.exact,
            "prefix": item.prefix[-SELECTOR_CONTEXT_FIELD:],
            "suffix": item.suffix[:SELECTOR_CONTEXT_FIELD],
            "start": item.start,
            "end": item.end,
        }


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
