"""Read RSS and Atom feeds: parse with feedparser, fetch through the guarded fetch_url.

Framework-free (no Django models or settings). Entry addresses are made absolute against the
feed's address and canonicalised, so the lead's importer can match them against articles it
already has; entries without an http(s) address are skipped (there is nothing to import).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time

import feedparser
import httpx
from lxml import etree
from lxml.html import fragment_fromstring

from newsapp.articles.fetch import FEED_TYPES, fetch_url
from newsapp.text.bidi import strip_bidi_controls
from newsapp.text.canonical_url import canonicalize_url
from newsapp.text.url_parts import is_web_url, join_url, web_url_parts

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_HARMLESS_PROBLEMS = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


class FeedError(Exception):
    """The content is not a feed that can be read; the message says why, for the reader."""


@dataclass
class FeedEntry:
    guid: str
    url: str
    title: str
    published_at: datetime | None
    summary: str


@dataclass
class ParsedFeed:
    title: str
    site_url: str
    entries: list[FeedEntry] = field(default_factory=list)


@dataclass
class FeedFetch:
    """The outcome of fetching a feed; ``feed`` is None when the server said not modified."""

    final_url: str
    not_modified: bool
    etag: str | None
    last_modified: str | None
    feed: ParsedFeed | None


def parse_feed(content: bytes, url: str, *, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS (0.9x, 1.0, 2.0) or Atom from bytes fetched from url.

    Lenient like feed readers: a feed with XML errors but readable entries is accepted. Raises
    FeedError for content that is not a feed, is malformed with no entries, or declares XML
    entities (no real feed does; refusing them rules out entity-expansion bombs).
    """
    if _ENTITY_DECLARATION.search(content[:65536]):
        raise FeedError("The feed declares XML entities, which are refused for safety.")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A file object, never bytes or str: feedparser treats a string as a URL or file path.
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    entries = _entries(parsed.entries, url)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        # Complaints about the declared content type or charset are notes, not errors.
        if parsed.get("bozo") and not isinstance(problem, _HARMLESS_PROBLEMS):
            raise FeedError(f"The feed could not be read: {_describe(problem)}.")
        if not parsed.get("version"):
            raise FeedError("This is not an RSS or Atom feed.")
    channel = parsed.feed
    return ParsedFeed(
        title=_plain(channel.get("title", "")),
        site_url=_absolute_http(url, channel.get("link")) or _site_root(url),
        entries=entries,
    )


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_loopback: bool = False,
    client: httpx.Client | None = None,
    timeout: float = 10.0,
    max_bytes: int = 5 * 1024 * 1024,
    accept: tuple[str, ...] = FEED_TYPES,
) -> FeedFetch:
    """Fetch and parse a feed, conditionally when etag/last_modified from a previous fetch are
    given. Raises FetchError (network, HTTP, content type, size) or FeedError (content)."""
    result = fetch_url(
        url,
        allow_loopback=allow_loopback,
        client=client,
        timeout=timeout,
        max_bytes=max_bytes,
        accept=accept,
        etag=etag,
        last_modified=last_modified,
    )
    if result.not_modified:
        return FeedFetch(
            final_url=result.final_url,
            not_modified=True,
            etag=result.etag,
            last_modified=result.last_modified,
            feed=None,
        )
    content_type = result.content_type + (f"; charset={result.charset}" if result.charset else "")
    return FeedFetch(
        final_url=result.final_url,
        not_modified=False,
        etag=result.etag,
        last_modified=result.last_modified,
        feed=parse_feed(result.bytes, result.final_url, content_type=content_type),
    )


def _entries(raw_entries: list, feed_url: str) -> list[FeedEntry]:
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw in raw_entries:
        link = _absolute_http(feed_url, raw.get("link"))
        if not link:
            continue
        guid = (raw.get("id") or "").strip() or link
        if guid in seen:
            continue
        seen.add(guid)
        entries.append(
            FeedEntry(
                guid=guid,
                url=link,
                title=_plain(raw.get("title", "")),
                published_at=_to_datetime(raw.get("published_parsed") or raw.get("updated_parsed")),
                summary=_plain(raw.get("summary", "")),
            )
        )
    return entries


def _absolute_http(base: str, link: str | None) -> str:
    if not link or not link.strip():
        return ""
    absolute = join_url(base, link.strip())
    if absolute is None or not is_web_url(absolute):
        return ""
    try:
        return canonicalize_url(absolute)
    except ValueError:
        return ""


def _site_root(url: str) -> str:
    parts = web_url_parts(url)
    if parts is None:
        return ""
    return _absolute_http(url, f"{parts.scheme}://{parts.netloc}/")


def _to_datetime(value: struct_time | None) -> datetime | None:
    """feedparser gives every date as a UTC struct_time."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _plain(markup: str) -> str:
    """Text of a (feedparser-sanitised) HTML fragment, whitespace collapsed, without bidi
    override controls (a feed's titles are shown as they are)."""
    if not markup or not markup.strip():
        return ""
    markup = strip_bidi_controls(markup)
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    try:
        text = fragment_fromstring(markup, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        text = markup
    return " ".join(text.split())


def _describe(problem: object) -> str:
    if problem is None:
        return "unknown error"
    message = str(problem) or type(problem).__name__
    return message.rstrip(".")
