"""Exports and imports of annotations: Gloss's models <-> the pure W3C and Markdown formats.

Reads go through ``Annotation.objects.visible_to`` (the one visibility rule). The import service
``annotations_import`` parses with ``w3c.parse_annotations``, re-anchors every annotation on the
article's canonical text with ``text.anchoring``, creates what anchors and keeps the rest as
orphaned annotations, all in one transaction: an error anywhere writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from newsapp.annotations import policies
from newsapp.annotations.models import AnchorState, Annotation, ContextSource, Tag, Visibility
from newsapp.annotations.services import (
    MAX_NOTE_CHARS,
    MAX_QUOTE_CHARS,
    MAX_SOURCES,
    MAX_TAGS,
    SourceInput,
    clean_sources,
    clean_tags,
)
from newsapp.articles.models import Article
from newsapp.text.anchoring import Anchor, locate_many, selector_for
from newsapp.text.sanitize import render_note

from .markdown_export import annotations_to_markdown, escape_markdown
from .w3c import (
    AnnotationImportError,
    ExportAnnotation,
    ExportSource,
    ImportedAnnotation,
    collection_jsonld,
    parse_annotations,
)

__all__ = [
    "MAX_IMPORT_ANNOTATIONS",
    "ImportReport",
    "ImportedRow",
    "SkippedRow",
    "annotations_import",
    "article_export_annotations",
    "article_jsonld",
    "article_markdown",
    "collection_jsonld_for",
    "collection_markdown",
    "default_base_url",
    "export_annotation",
    "reader_export_annotations",
    "reader_jsonld",
    "reader_markdown",
]

# Imports land as one reader's notes: private, unlisted or public (share with a group after).
IMPORT_VISIBILITIES = (Visibility.PRIVATE, Visibility.UNLISTED, Visibility.PUBLIC)
# More than any reader annotates by hand; bounds the anchoring work one upload can ask for.
MAX_IMPORT_ANNOTATIONS = 2000
SELECTOR_CONTEXT_FIELD = 64  # Annotation.prefix / suffix max_length
EXACT_METHODS = ("position", "quote")


def default_base_url() -> str:
    """Where the site lives, for absolute links made outside a request (management commands)."""
    return getattr(settings, "GLOSS_BASE_URL", "http://localhost:8000").rstrip("/")


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


# --- export ---------------------------------------------------------------------------------


def _exportable(annotations: QuerySet) -> QuerySet:
    """Top-level annotations with everything an export shows, in a fixed number of queries."""
    return (
        annotations.top_level()
        .select_related("article", "author", "revision")
        .prefetch_related("tags", "sources")
        .order_by("article__title", "article_id", "start", "created_at")
    )


def article_export_annotations(article: Article, user) -> QuerySet:
    """The annotations on ``article`` that ``user`` may see listed (public ones and their own)."""
    return _exportable(Annotation.objects.visible_to(user).filter(article=article))


def reader_export_annotations(user) -> QuerySet:
    """All of a signed-in reader's own annotations, on every article."""
    return _exportable(Annotation.objects.visible_to(user).filter(author=user))


def revision_url(article: Article, number: int, *, base_url: str) -> str:
    """The IRI naming one revision of an article: its page on the revisions view."""
    path = reverse("articles:revisions", kwargs={"slug": article.slug})
    return _absolute(base_url, f"{path}?to={number}")


def export_annotation(annotation: Annotation, *, base_url: str) -> ExportAnnotation:
    article = annotation.article
    revision = annotation.revision
    return ExportAnnotation(
        id_url=_absolute(base_url, annotation.get_absolute_url()),
        public_id=annotation.public_id,
        article_url=_absolute(base_url, article.get_absolute_url()),
        article_source_url=article.source_url,
        revision_id_url=(
            revision_url(article, revision.number, base_url=base_url) if revision else None
        ),
        revision_created=revision.created_at if revision else None,
        exact=annotation.exact,
        prefix=annotation.prefix,
        suffix=annotation.suffix,
        start=annotation.start,  # None only for an orphan imported without a position
        end=annotation.end,
        kind=annotation.kind,
        note_markdown=annotation.note,
        note_html=annotation.note_html,
        tags=tuple(tag.name for tag in annotation.tags.all()),
        sources=tuple(
            ExportSource(url=s.url, title=s.title, excerpt=s.excerpt, stance=s.stance)
            for s in annotation.sources.all()
        ),
        creator_name=annotation.author.get_username(),
        creator_url=None,
        created=annotation.created_at,
        modified=annotation.updated_at,
    )


def _jsonld(items: list[ExportAnnotation], id_url: str, label: str) -> dict[str, Any]:
    document = collection_jsonld(items, id_url, label)
    for item in document["first"]["items"]:
        target = item["target"]
        # An orphan imported without a position has none to give; drop the empty selector.
        target["selector"] = [
            selector
            for selector in target["selector"]
            if selector.get("type") != "TextPositionSelector" or selector.get("start") is not None
        ]
    return document


def article_jsonld(article: Article, user, *, base_url: str, id_url: str) -> dict[str, Any]:
    items = [
        export_annotation(a, base_url=base_url) for a in article_export_annotations(article, user)
    ]
    return _jsonld(items, id_url, f"Annotations on “{article.title}”")


def reader_jsonld(user, *, base_url: str, id_url: str) -> dict[str, Any]:
    return collection_jsonld_for(
        reader_export_annotations(user),
        base_url=base_url,
        id_url=id_url,
        label=f"Annotations by {user.get_username()}",
    )


def collection_jsonld_for(
    annotations: QuerySet, *, base_url: str, id_url: str, label: str
) -> dict[str, Any]:
    """Any set of annotations the caller may show (it comes from `visible_to`), as one W3C
    AnnotationCollection (a group's notes, say)."""
    items = [export_annotation(a, base_url=base_url) for a in _exportable(annotations)]
    return _jsonld(items, id_url, label)


def _article_links(article: Article, base_url: str) -> str:
    links = [f"[Read it on Gloss]({_absolute(base_url, article.get_absolute_url())})"]
    if article.source_url:
        source = escape_markdown(article.source_name or "the original")
        links.append(f"[{source}]({article.source_url.replace(' ', '%20')})")
    return " · ".join(links)


def article_markdown(article: Article, user, *, base_url: str) -> str:
    items = [
        export_annotation(a, base_url=base_url) for a in article_export_annotations(article, user)
    ]
    document = annotations_to_markdown(article.title, items)
    heading, _, rest = document.partition("\n\n")
    return f"{heading}\n\n{_article_links(article, base_url)}\n\n{rest}"


def reader_markdown(user, *, base_url: str) -> str:
    """One section per article, each the article's title, its links and the reader's notes."""
    return collection_markdown(
        reader_export_annotations(user),
        heading=f"Annotations by {user.get_username()}",
        base_url=base_url,
    )


def collection_markdown(annotations: QuerySet, *, heading: str, base_url: str) -> str:
    """Any set of annotations the caller may show (from `visible_to`) as Markdown: one section
    per article, each the article's title, its links and the notes."""
    by_article: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in _exportable(annotations):
        by_article[annotation.article_id].append(annotation)
    parts = [f"# {escape_markdown(heading)}"]
    if not by_article:
        parts.append("_No annotations._")
    for group in by_article.values():
        article = group[0].article
        items = [export_annotation(a, base_url=base_url) for a in group]
        section = annotations_to_markdown(article.title, items)
        heading, _, rest = section.partition("\n\n")
        # Articles become second-level sections; their notes move one level down with them.
        rest = "\n".join(
            "#" + line if line.startswith("## ") else line for line in rest.split("\n")
        )
        parts.append(f"#{heading}\n\n{_article_links(article, base_url)}\n\n{rest.rstrip()}")
    return "\n\n".join(parts) + "\n"


# --- import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedRow:
    """One annotation the import created."""

    public_id: str
    quote: str
    method: str  # "position", "quote" or "fuzzy"; "" when orphaned
    path: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkippedRow:
    """An item of the upload that was not imported, and why."""

    path: str
    reason: str


@dataclass
class ImportReport:
    article_slug: str
    exact: list[ImportedRow] = field(default_factory=list)
    fuzzy: list[ImportedRow] = field(default_factory=list)
    orphaned: list[ImportedRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    # Set when the row lists were shortened (to keep a session small): the full counts.
    totals: dict[str, int] | None = None

    @property
    def counts(self) -> dict[str, int]:
        if self.totals is not None:
            return self.totals
        return {
            "exact": len(self.exact),
            "fuzzy": len(self.fuzzy),
            "orphaned": len(self.orphaned),
            "skipped": len(self.skipped),
        }

    @property
    def created(self) -> int:
        counts = self.counts
        return counts["exact"] + counts["fuzzy"] + counts["orphaned"]

    @property
    def shortened(self) -> bool:
        return self.totals is not None and self.totals != {
            "exact": len(self.exact),
            "fuzzy": len(self.fuzzy),
            "orphaned": len(self.orphaned),
            "skipped": len(self.skipped),
        }

    def summary(self) -> str:
        counts = self.counts
        return (
            f"Imported {self.created}: {counts['exact']} anchored exactly, "
            f"{counts['fuzzy']} anchored fuzzily, {counts['orphaned']} orphaned; "
            f"{counts['skipped']} skipped."
        )

    def lines(self) -> list[str]:
        """The report as plain lines, for the management command."""
        lines = [self.summary()]
        for label, rows in (
            ("exact", self.exact),
            ("fuzzy", self.fuzzy),
            ("orphaned", self.orphaned),
        ):
            for row in rows:
                warnings = f" ({'; '.join(row.warnings)})" if row.warnings else ""
                lines.append(f"{label:9} {row.public_id}  “{_short(row.quote)}”{warnings}")
        for skipped in self.skipped:
            lines.append(f"skipped   {skipped.path}: {skipped.reason}")
        return lines

    def to_dict(self, *, rows_per_group: int | None = None) -> dict[str, Any]:
        """Plain data (for a session); ``rows_per_group`` keeps the first rows of each group."""
        data = asdict(self)
        data["totals"] = self.counts
        if rows_per_group is not None:
            for key in ("exact", "fuzzy", "orphaned", "skipped"):
                data[key] = data[key][:rows_per_group]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        def rows(key: str) -> list[ImportedRow]:
            return [
                ImportedRow(**{**row, "warnings": tuple(row.get("warnings", ()))})
                for row in data.get(key, [])
            ]

        return cls(
            article_slug=data["article_slug"],
            exact=rows("exact"),
            fuzzy=rows("fuzzy"),
            orphaned=rows("orphaned"),
            skipped=[SkippedRow(**row) for row in data.get("skipped", [])],
            totals=data.get("totals"),
        )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class _Planned:
    item: ImportedAnnotation
    annotation: Annotation
    method: str
    tags: list[str]
    sources: list[SourceInput]
    warnings: list[str]


def _lenient_tags(raw: Iterable[str], warnings: list[str]) -> list[str]:
    tags: list[str] = []
    for tag in raw:
        try:
            cleaned = clean_tags([tag])
        except ValidationError:
            warnings.append(f"tag “{_short(tag, 30)}” is too long and was left out")
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
            warnings.append(f"source {_short(source.url, 60)} is not an http(s) link; left out")
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
    if visibility not in IMPORT_VISIBILITIES:
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
    revision = article.revisions.order_by("-number").first()
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
        annotation, method = _annotation_for(item, anchor, text)
        key = _dedupe_key(annotation.exact, annotation.start, item.note_markdown)
        if key in seen:
            report.skipped.append(
                SkippedRow(item.path, "already on this article (same words and note)")
            )
            continue
        seen.add(key)
        warnings: list[str] = []
        note = item.note_markdown.strip()
        annotation.article = article
        annotation.author = author
        annotation.kind = item.kind
        annotation.note = note
        annotation.note_html = render_note(note) if note else ""
        annotation.visibility = visibility
        annotation.revision = revision
        planned.append(
            _Planned(
                item=item,
                annotation=annotation,
                method=method,
                tags=_lenient_tags(item.tags, warnings),
                sources=_lenient_sources(item.sources, warnings),
                warnings=warnings,
            )
        )

    with transaction.atomic():
        _write(article, author, planned)

    for plan in planned:
        row = ImportedRow(
            public_id=plan.annotation.public_id,
            quote=_short(plan.annotation.exact, 200),
            method=plan.method,
            path=plan.item.path,
            warnings=tuple(plan.warnings),
        )
        if plan.method in EXACT_METHODS:
            report.exact.append(row)
        elif plan.method == "fuzzy":
            report.fuzzy.append(row)
        else:
            report.orphaned.append(row)
    return report


def _annotation_for(
    item: ImportedAnnotation, anchor: Anchor | None, text: str
) -> tuple[Annotation, str]:
    if anchor is not None:
        selectors = selector_for(text, anchor.start, anchor.end)
        return (
            Annotation(anchor_state=AnchorState.ANCHORED, anchor_method=anchor.method, **selectors),
            anchor.method,
        )
    # Orphaned: keep the words and context as they were given, for a later re-attachment.
    has_position = item.start is not None and item.end is not None and item.end >= item.start
    return (
        Annotation(
            anchor_state=AnchorState.ORPHANED,
            anchor_method="",
            exact=item.exact,
            prefix=item.prefix[-SELECTOR_CONTEXT_FIELD:],
            suffix=item.suffix[:SELECTOR_CONTEXT_FIELD],
            start=item.start if has_position else None,
            end=item.end if has_position else None,
        ),
        "",
    )


def _write(article: Article, author, planned: list[_Planned]) -> None:
    if not planned:
        return
    # What moderation says about publishing them (new accounts' limits, restricted authors).
    policies.review(
        policies.Write(
            author,
            [
                policies.Draft(
                    plan.annotation,
                    tuple(source.url for source in plan.sources),
                    newly_public=plan.annotation.visibility == Visibility.PUBLIC,
                )
                for plan in planned
            ],
        )
    )
    for plan in planned:
        # Field checks only: foreign keys and uniqueness would cost a query per annotation.
        plan.annotation.full_clean(
            exclude=["article", "author", "revision", "parent"],
            validate_unique=False,
            validate_constraints=False,
        )
    created = Annotation.objects.bulk_create([plan.annotation for plan in planned])
    names = sorted({name for plan in planned for name in plan.tags})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    Tag.objects.bulk_create(
        [Tag(name=name) for name in names if name not in existing], ignore_conflicts=True
    )
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    Through = Annotation.tags.through
    Through.objects.bulk_create(
        Through(annotation_id=annotation.pk, tag_id=tags[name].pk)
        for annotation, plan in zip(created, planned, strict=True)
        for name in plan.tags
    )
    ContextSource.objects.bulk_create(
        ContextSource(
            annotation_id=annotation.pk,
            url=source.url,
            title=source.title,
            excerpt=source.excerpt,
            stance=source.stance,
            position=position,
        )
        for annotation, plan in zip(created, planned, strict=True)
        for position, source in enumerate(plan.sources)
    )
    # The reader caches its rendered body by this stamp.
    Article.objects.filter(pk=article.pk).update(annotations_changed_at=timezone.now())
