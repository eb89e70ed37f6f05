"""Links in a sanitised note: count them, name their sites, or show them as plain domains.

Works on the canonical HTML `sanitize.render_note` produces, where every `<a>` has its
attributes double-quoted and escaped, and links never nest: a pattern over that text is exact.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urlsplit

_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def link_domain(url: str) -> str:
    """The site of `url`, as a reader would say it: "example.org" for
    "https://www.example.org/page"; an e-mail address for a mailto: link; "" when there is none."""
    url = url.strip()
    if url.lower().startswith("mailto:"):
        return url[len("mailto:") :].split("?")[0]
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def note_links(note_html: str) -> list[str]:
    """The addresses the links of a sanitised note point at, in order."""
    return [unescape(href) for href, _ in _LINK.findall(note_html)]


def links_as_domains(note_html: str) -> str:
    """The note with each link replaced by text: its words and, when they are not the address
    itself, the site's domain in brackets ("the report (example.org)"); a bare address
    becomes its domain. Nothing is clickable any more."""

    def plain(match: re.Match) -> str:
        href = unescape(match.group(1))
        inner = match.group(2)
        words = unescape(_TAG.sub("", inner)).strip()
        domain = link_domain(href)
        if not domain:
            return inner
        spelled = words if "://" in words else f"http://{words}"
        if not words or words in (href, domain) or link_domain(spelled) == domain:
            return escape(domain, quote=False)
        return f"{inner} ({escape(domain, quote=False)})"

    return _LINK.sub(plain, note_html)
