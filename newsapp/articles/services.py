"""Writes to articles: every import path (form, command, demo loader) goes through here."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

import lxml.html
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify
from lxml import etree

from newsapp.reader import layers
from newsapp.text.budget import TooComplex
from newsapp.text.canonical_url import canonicalize_url
from newsapp.text.extract import (
    canonical_text,
    markdown_to_html,
    text_fingerprint,
    text_to_html,
    word_count,
)
from newsapp.text.sanitize import clean_article_html, clean_plain_text, has_visible_characters
from newsapp.text.url_parts import is_web_url, url_host

from .extraction import ExtractedArticle, ExtractionError, extract_article
from .fetch import FetchError, fetch_url
from .models import Article, ArticleRevision, RevisionOrigin

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
    if url and not is_web_url(url):
        raise ValidationError(
            {"source_url": "The source URL must be a full http:// or https:// address."}
        )


def readable_title(*candidates: str | None) -> str:
    """The first candidate with readable text once markup is removed: a page whose <title> is
    only markup falls back to its feed item's title (or the one given on the command line)."""
    for candidate in candidates:
        if candidate and has_visible_characters(clean_plain_text(candidate)):
            return candidate
    return ""


def unique_slug(title: str) -> str:
    base = slugify(title, allow_unicode=False)[:300].strip("-") or "article"
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@dataclass(frozen=True)
class PreparedBody:
    title: str
    body_html: str
    body_text: str


def prepare_body(*, title: str, body: str, body_format: str, source_url: str = "") -> PreparedBody:
    """Validate a title and body, sanitise the body once and derive its canonical text.

    Raises ValidationError (with field names) when the input is refused.
    """
    title = clean_plain_text(title).strip()
    if not has_visible_characters(title):
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
    try:
        body_html = body_to_clean_html(body, body_format, base_url=source_url or None)
    except TooComplex as error:
        raise ValidationError({"body": str(error)}) from error
    body_text = canonical_text(body_html)
    if not body_text.strip():
        raise ValidationError(
            {"body": "The body has no readable text once unsafe markup is removed."}
        )
    return PreparedBody(title=title, body_html=body_html, body_text=body_text)


class SameTextExists(Exception):
    """The library has an article with this text already (`article`); nothing was written."""

    def __init__(self, article: Article) -> None:
        super().__init__(f"“{article.title}” has the same text.")
        self.article = article


@transaction.atomic
def article_import(
    *,
    title: str,
    body: str,
    body_format: str,
    byline: str = "",
    source_name: str = "",
    source_url: str = "",
    canonical_url: str = "",
    image_url: str = "",
    published_at: datetime | None = None,
    language: str = "en",
    added_by=None,
    refuse_same_text: bool = False,
) -> Article:
    """Sanitise, derive the canonical text, store the article with its first revision, and
    let every reader layer follow it (the claims layer finds its quotations).

    Raises ValidationError (with field names) and writes nothing when the input is refused;
    IntegrityError when another article already has ``canonical_url``; SameTextExists when
    ``refuse_same_text`` and an article has the same text (whitespace aside).
    """
    prepared = prepare_body(title=title, body=body, body_format=body_format, source_url=source_url)
    fingerprint = text_fingerprint(prepared.body_text)
    if refuse_same_text:
        same = Article.objects.filter(text_hash=fingerprint).order_by("created_at").first()
        if same is not None:
            raise SameTextExists(same)
    article = Article(
        title=prepared.title,
        slug=unique_slug(prepared.title),
        byline=clean_plain_text(byline).strip()[:200],
        source_name=clean_plain_text(source_name).strip()[:200],
        source_url=source_url,
        canonical_url=canonical_url,
        image_url=image_url if is_web_url(image_url) else "",
        published_at=published_at,
        language=(language or "en").strip()[:16],
        body_html=prepared.body_html,
        body_text=prepared.body_text,
        text_hash=fingerprint,
        word_count=word_count(prepared.body_text),
        added_by=added_by,
    )
    # The slug was just chosen free and the database's constraints guard the rest (a
    # canonical_url already taken is an IntegrityError): no uniqueness queries here.
    article.full_clean(validate_unique=False, validate_constraints=False)
    article.save()
    ArticleRevision.objects.create(
        article=article,
        number=1,
        title=prepared.title,
        body_html=prepared.body_html,
        body_text=prepared.body_text,
        origin=RevisionOrigin.IMPORT,
        source_url=source_url,
    )
    layers.follow_import(article=article)
    return article


# --- Import from the web -------------------------------------------------------------------

Progress = Callable[[str], None]


def no_progress(stage: str) -> None:
    return None


@dataclass(frozen=True)
class FetchedArticle:
    """An article read from a web page, not yet stored."""

    requested_url: str
    final_url: str
    canonical_url: str
    site_name: str
    extracted: ExtractedArticle

    @property
    def addresses(self) -> list[str]:
        """Every address this page is known by, for finding it in the library."""
        found = [self.canonical_url, self.final_url, self.requested_url]
        for url in list(found):
            with suppress(ValueError):
                found.append(canonicalize_url(url))
        return list(dict.fromkeys(url for url in found if url))


@dataclass(frozen=True)
class UrlImport:
    article: Article
    created: bool  # False: the page was already in the library, nothing was imported


def fetch_options() -> dict:
    """fetch_url's settings. Loopback is refused unless a setting allows it (tests only)."""
    return {
        "allow_loopback": bool(getattr(settings, "GLOSS_FETCH_ALLOW_LOOPBACK", False)),
        "timeout": float(getattr(settings, "GLOSS_FETCH_TIMEOUT", 10.0)),
    }


def canonical_or_error(url: str, field: str = "url") -> str:
    url = (url or "").strip()
    if not is_web_url(url):
        raise ValidationError({field: "Give a web address starting with http:// or https://."})
    try:
        return canonicalize_url(url)
    except ValueError as error:
        raise ValidationError({field: f"Not a complete web address: {url}"}) from error


def fetch_article(url: str, *, on_progress: Progress = no_progress) -> FetchedArticle:
    """Fetch a page and extract its article. Raises ValidationError({"url": reason})."""
    on_progress("Fetching the page…")
    try:
        page = fetch_url(url, **fetch_options())
    except FetchError as error:
        raise ValidationError({"url": error.message}) from error
    on_progress("Finding the article in the page…")
    try:
        extracted = extract_article(page.text, page.final_url)
    except ExtractionError as error:
        raise ValidationError({"url": f"No article found at {page.final_url}: {error}"}) from error
    try:
        canonical = canonicalize_url(extracted.canonical_url or page.final_url)
    except ValueError:
        canonical = canonicalize_url(page.final_url)
    return FetchedArticle(
        requested_url=url,
        final_url=page.final_url,
        canonical_url=canonical,
        site_name=site_name(page.text) or _host_name(page.final_url),
        extracted=extracted,
    )


def article_import_url(
    *,
    url: str,
    added_by=None,
    fallback_title: str = "",
    fallback_published_at: datetime | None = None,
    on_progress: Progress = no_progress,
) -> UrlImport:
    """Import the article at url, unless the library has it already (under any address).

    Raises ValidationError({"url": reason}) for every failure, having written nothing.
    """
    canonical = canonical_or_error(url)
    existing = Article.objects.matching_urls([canonical, url]).first()
    if existing is not None:
        return UrlImport(article=existing, created=False)
    fetched = fetch_article(url, on_progress=on_progress)
    existing = Article.objects.matching_urls(fetched.addresses).first()
    if existing is not None:
        return UrlImport(article=existing, created=False)
    on_progress("Saving the article…")
    extracted = fetched.extracted
    try:
        with transaction.atomic():
            article = article_import(
                title=readable_title(extracted.title, fallback_title),
                body=one_block_per_line(extracted.body_html),
                body_format=BodyFormat.HTML,
                byline=extracted.byline,
                source_name=fetched.site_name,
                source_url=fetched.final_url,
                canonical_url=fetched.canonical_url,
                image_url=extracted.lead_image_url,
                published_at=extracted.published_at or fallback_published_at,
                language=extracted.language or "en",
                added_by=added_by,
            )
    except IntegrityError:
        # Imported meanwhile by another request: that one is the article.
        existing = Article.objects.matching_urls(fetched.addresses).first()
        if existing is None:
            raise
        return UrlImport(article=existing, created=False)
    except ValidationError as error:
        raise ValidationError({"url": " ".join(error.messages)}) from error
    return UrlImport(article=article, created=True)


def one_block_per_line(body_html: str) -> str:
    """Put a line break between block elements, as Markdown imports have.

    The extractor joins blocks with nothing between them, so the canonical text would run
    paragraphs together ("…years.The terminal…"); with line breaks it has paragraph and
    sentence boundaries that the revision diff and the anchoring context rely on.
    """
    return _BETWEEN_BLOCKS.sub(r"\1\n", body_html)


_BETWEEN_BLOCKS = re.compile(
    r"(</(?:p|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|thead|tbody|tr|figure|figcaption|div)>"
    r"|<(?:ul|ol|dl|blockquote|table|thead|tbody)>)(?=<)",
    re.I,
)


def site_name(page_html: str) -> str:
    """The publication's name as the page declares it (og:site_name, application-name)."""
    try:
        tree = lxml.html.document_fromstring(page_html)
    except (etree.ParserError, ValueError):
        return ""
    wanted = {"og:site_name": 0, "application-name": 1}
    found: list[tuple[int, str]] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in wanted:
            found.append((wanted[key], clean_plain_text(meta.get("content") or "").strip()))
    return next((name[:200] for _, name in sorted(found) if name), "")


def _host_name(url: str) -> str:
    return url_host(url).removeprefix("www.")
