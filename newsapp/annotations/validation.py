"""What an annotation may hold: limits, and the checks of notes, tags and source links.

Pure checks, no writes: the services call them before writing, and so does any other path
that takes annotations in (imports). Each refusal is a ValidationError naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from newsapp.text.bidi import strip_bidi_controls
from newsapp.text.budget import TooComplex
from newsapp.text.sanitize import clean_plain_text, render_note

from .models import Stance

MAX_NOTE_CHARS = 10_000
MAX_QUOTE_CHARS = 5_000
MAX_SOURCES = 10
MAX_TAGS = 10
MAX_TAG_CHARS = 40
MAX_SOURCE_TITLE_CHARS = 300
MAX_SOURCE_URL_CHARS = 2000
# Whitespace, C0 and C1 controls: never part of a link a reader can follow or copy.
_URL_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SourceInput:
    url: str
    title: str = ""
    stance: str = Stance.BACKGROUND
    excerpt: str = ""


def clean_tags(raw_tags: list[str]) -> list[str]:
    tags: list[str] = []
    for raw in raw_tags:
        tag = " ".join(clean_plain_text(raw).lower().split()).lstrip("#")
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise ValidationError(
                {"tags": f"“{tag[:20]}…” is too long: tags are at most {MAX_TAG_CHARS} characters."}
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": f"Use at most {MAX_TAGS} tags ({len(tags)} given)."})
    return tags


def clean_sources(sources: list[SourceInput]) -> list[SourceInput]:
    if len(sources) > MAX_SOURCES:
        raise ValidationError(
            {"sources": f"Attach at most {MAX_SOURCES} sources ({len(sources)} given)."}
        )
    cleaned = []
    for number, source in enumerate(sources, start=1):
        url = _checked_url(source.url.strip(), number)
        if source.stance not in Stance.values:
            raise ValidationError(
                {"sources": f"Source {number}: choose supports, disputes or background."}
            )
        title = clean_plain_text(source.title).strip()
        if len(title) > MAX_SOURCE_TITLE_CHARS:
            raise ValidationError(
                {"sources": f"Source {number}: the title is over {MAX_SOURCE_TITLE_CHARS} chars."}
            )
        excerpt = clean_plain_text(source.excerpt).strip()[:1000]
        cleaned.append(SourceInput(url=url, title=title, stance=source.stance, excerpt=excerpt))
    return cleaned


def _checked_url(url: str, number: int) -> str:
    """An http(s) link with a host, no spaces or control characters, and a valid port."""
    if len(url) > MAX_SOURCE_URL_CHARS:
        raise ValidationError({"sources": f"Source {number}: the link is too long."})
    if _URL_UNSAFE.search(url):
        raise ValidationError(
            {"sources": f"Source {number}: the link has spaces or control characters in it."}
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError when out of range)
    except ValueError:
        raise ValidationError(
            {"sources": f"Source {number}: the link is not a valid web address."}
        ) from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValidationError(
            {"sources": f"Source {number}: the link must be a full http:// or https:// URL."}
        )
    return url


def validate_note(note: str) -> str:
    """The note as stored: within the size limit, trimmed, without bidi override controls
    (they would make "gnp.exe" read "exe.png" wherever the Markdown itself is shown)."""
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(
            {"note": f"The note is {len(note):,} characters; the limit is {MAX_NOTE_CHARS:,}."}
        )
    return strip_bidi_controls(note).strip()


def note_html(note: str) -> str:
    """A validated note's HTML (notes, replies and previews alike); its structure is within
    the sanitiser's budget or the note is refused with the reason."""
    if not note:
        return ""
    try:
        return render_note(note)
    except TooComplex as error:
        raise ValidationError({"note": str(error)}) from error
