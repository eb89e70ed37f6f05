"""Template helpers for share controls and link previews: absolute URLs and plain-text excerpts."""

from __future__ import annotations

import re
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from newsapp.text.extract import plain_text
from newsapp.text.quotes import QUOTE_MARKS

register = template.Library()

_SPACE = re.compile(r"\s+")
# Words that open with a quotation mark (or a CJK corner bracket) are not quoted again.
OPENING_MARKS = QUOTE_MARKS + "「『"


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """``path`` as an absolute URL on the site the request came to (for previews and copies)."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


_ID_PLACEHOLDER = "GLOSSPUBLICIDPLACEHOLDER"
_SHARE_VIEWS = {
    "permalink": "annotations:permalink",
    "qr_svg": "sharing:qr_svg",
    "qr_png": "sharing:qr_png",
    "original": "sharing:original",
}


@lru_cache(maxsize=16)
def _share_url_patterns(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    return {
        name: reverse(view, kwargs={"public_id": _ID_PLACEHOLDER}, urlconf=urlconf)
        for name, view in _SHARE_VIEWS.items()
    }


@register.simple_tag(takes_context=True)
def share_links(context, note) -> dict[str, str]:
    """A note card's share URLs: the named URLs, reversed once per process, not once per card.

    A reader page renders dozens of cards; four reverses each cost more than the rest of the
    share control.
    """
    patterns = _share_url_patterns(get_script_prefix(), get_urlconf())
    links = {name: url.replace(_ID_PLACEHOLDER, note.public_id) for name, url in patterns.items()}
    request = context.get("request")
    links["absolute"] = (
        request.build_absolute_uri(links["permalink"])
        if request is not None
        else links["permalink"]
    )
    return links


# A sanitised HTML fragment (a note's ``note_html``) as one line of plain text; autoescaping
# escapes it again wherever it is written.
register.filter("plain_text", plain_text)


@register.filter
def one_line(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


@register.filter
def quoted(text: str, limit: int | None = None) -> str:
    """The words on one line in curly quotes, unless they open with a quotation mark already.

    ``limit`` shortens the words first, with an ellipsis, the way ``truncatechars`` does.
    """
    words = one_line(text)
    if limit is not None and len(words) > int(limit):
        words = words[: int(limit) - 1].rstrip() + "…"
    if not words or words[0] in OPENING_MARKS:
        return words
    return f"“{words}”"
