"""Fetch a web page for import, safely: bounded in size and time, and never at internal hosts.

- ``guard``: the server-side request forgery guard (schemes, forbidden addresses, a transport
  that connects only to the address it checked).
- ``client``: ``fetch_url`` itself (redirects by hand, loop detection, size and time caps,
  content types) and ``build_client``.
- ``charsets``: ``decode_body`` (BOM, HTTP charset, meta or XML declaration, detection).
- ``errors``: ``FetchError``, whose ``message`` is fit to show to the reader.

Framework-free (no Django models or settings): configuration comes in as arguments.
"""

from __future__ import annotations

from .charsets import decode_body
from .client import (
    FEED_TYPES,
    HTML_TYPES,
    REDIRECT_STATUSES,
    USER_AGENT,
    FetchResult,
    build_client,
    fetch_url,
)
from .errors import FetchError
from .guard import (
    ALLOWED_SCHEMES,
    IPAddress,
    PinnedTransport,
    forbidden_reason,
    resolve_public_addresses,
)

__all__ = [
    "ALLOWED_SCHEMES",
    "FEED_TYPES",
    "HTML_TYPES",
    "REDIRECT_STATUSES",
    "USER_AGENT",
    "FetchError",
    "FetchResult",
    "IPAddress",
    "PinnedTransport",
    "build_client",
    "decode_body",
    "fetch_url",
    "forbidden_reason",
    "resolve_public_addresses",
]
