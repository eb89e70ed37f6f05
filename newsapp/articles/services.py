"""Writes to articles: every import path (form, command, demo loader) goes through here."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from newsapp.text.extract import canonical_text, markdown_to_html, text_to_html, word_count
from newsapp.text.sanitize import clean_article_html, clean_plain_text

from .models import Article, ArticleRevision

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_TITLE_CHARS = 300


class BodyFormat(models.TextChoices):
    TEXT = "text", "Plain text"
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"


FORMAT_BY_EXTENSION = {
    ".txt": BodyFormat.TEXT,
    ".text": BodyFormat.TEXT,
    ".md": BodyFormat.MARKDOWN,
    ".markdown": BodyFormat.MARKDOWN,
    ".html": BodyFormat.HTML,
    ".htm": BodyFormat.HTML,
}


def decode_upload(data: bytes) -> str:
    """Article files must be UTF-8 text; anything else is refused with a reason."""
    if b"\x00" in data:
        raise ValidationError("This file looks binary, not text. Upload a .txt, .md or .html file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            "This file is not valid UTF-8 text (undecodable byte at position %(pos)s). "
            "Save it as UTF-8 and try again.",
            params={"pos": error.start},
        ) from error
    return text


def body_to_clean_html(body: str, body_format: str, *, base_url: str | None = None) -> str:
    """Sanitised HTML for any accepted format; relative links resolve against `base_url`."""
    if body_format == BodyFormat.TEXT:
        return text_to_html(body)
    if body_format == BodyFormat.MARKDOWN:
        return markdown_to_html(body, base_url=base_url)
    if body_format == BodyFormat.HTML:
        return clean_article_html(body, base_url=base_url)
    choices = ", ".join(BodyFormat.values)
    raise ValidationError(
        {"body_format": f"Unknown format “{body_format}”: choose one of {choices}."}
    )


def validate_source_url(url: str) -> None:
    if url and urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise ValidationError({"source_url": "The source URL must start with http:// or https://."})


def unique_slug(title: str) -> str:
    base = slugify(title, allow_unicode=False)[:300].strip("-") or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base).values_list("slug", flat=True).iterator()
    )
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def article_import(
    *,
    title: str,
    body: str,
    body_format: str,
    byline: str = "",
    source_name: str = "",
    source_url: str = "",
    published_at: datetime | None = None,
    language: str = "en",
    added_by=None,
) -> Article:
    """Sanitise, derive the canonical text and store the article with its first revision.

    Raises ValidationError (with field names) and writes nothing when the input is refused.
    """
    title = clean_plain_text(title).strip()
    if not title:
        raise ValidationError({"title": "Give the article a title."})
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(
            {"title": f"The title is {len(title)} characters; the limit is {MAX_TITLE_CHARS}."}
        )
    if not body.strip():
        raise ValidationError({"body": "The article body is empty."})
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        raise ValidationError(
            {"body": f"The body is {size / 1_048_576:.1f} MB; the limit is 2 MB."}
        )
    validate_source_url(source_url)
    body_html = body_to_clean_html(body, body_format, base_url=source_url or None)
    body_text = canonical_text(body_html)
    if not body_text.strip():
        raise ValidationError(
            {"body": "The body has no readable text once unsafe markup is removed."}
        )

    article = Article(
        title=title,
        slug=unique_slug(title),
        byline=clean_plain_text(byline).strip(),
        source_name=clean_plain_text(source_name).strip(),
        source_url=source_url,
        published_at=published_at,
        language=(language or "en").strip()[:16],
        body_html=body_html,
        body_text=body_text,
        word_count=word_count(body_text),
        added_by=added_by,
    )
    article.full_clean()
    article.save()
    ArticleRevision.objects.create(
        article=article, number=1, title=title, body_html=body_html, body_text=body_text
    )
    return article
