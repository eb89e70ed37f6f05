"""Reading URLs that people and pages give us, without ever raising.

`urllib.parse` raises ValueError on an unclosed IPv6 bracket (`http://[::1`), on a host that
NFKC-normalises to a delimiter, and (through `.port`) on a port that is not a number or is out
of range. Every URL taken from a form, a query string, a feed, a page or an import is read
through these functions instead: unreadable is "not a web address", never a 500.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def split_url(url: str) -> SplitResult | None:
    """The parts of `url`, or None when it cannot be read (its port included)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (reading it is the check: it raises for a bad port)
    except ValueError:
        return None
    return parts


def web_url_parts(url: str) -> SplitResult | None:
    """The parts of an absolute http(s) URL with a host; None for anything else."""
    parts = split_url(url)
    if parts is None or parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return parts


def is_web_url(url: str) -> bool:
    return web_url_parts(url) is not None


def url_host(url: str) -> str:
    """The host name of `url` (lower-case), or "" when it has none or cannot be read."""
    parts = split_url(url)
    return (parts.hostname or "") if parts is not None else ""


def join_url(base: str, link: str) -> str | None:
    """`link` resolved against `base`, or None when either cannot be read."""
    try:
        joined = urljoin(base, link)
    except ValueError:
        return None
    return joined if split_url(joined) is not None else None
