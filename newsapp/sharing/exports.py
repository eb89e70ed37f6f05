"""Exports of annotations: Gloss's models -> the pure W3C JSON-LD and Markdown formats.

Reads go through ``Annotation.objects.visible_to`` (the one visibility rule) and fetch what an
export shows in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.articles.models import Article

from .markdown_export import annotations_to_markdown, escape_markdown
from .w3c.model import ExportAnnotation, ExportSource
from .w3c.presenter import collection_jsonld

__all__ = [
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


def default_base_url() -> str:
    """Where the site lives, for absolute links made outside a request (management commands)."""
    return getattr(settings, "GLOSS_BASE_URL", "http://localhost:8000").rstrip("/")


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


BODY_FIELDS = (
    "article__body_html",
    "article__body_text",
    "revision__body_html",
    "revision__body_text",
)


def _exportable(annotations: QuerySet) -> QuerySet:
    """Top-level annotations with everything an export shows, in a fixed number of queries."""
    return (
        annotations.top_level()
        .select_related("article", "author", "revision")
        # An export names articles and revisions; it never ships their bodies (megabytes
        # per row on a long article).
        .defer(*BODY_FIELDS)
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
