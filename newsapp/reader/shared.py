"""The page signed-out visitors share: rendered once a minute per page key, then served to
each visitor as it is, compressed once.

A page for signed-out visitors carries no CSRF token (they post nothing from it: see
templates/base.html), so every visitor gets the same bytes. A rendering that did use a token
(a form of the page's own) is this visitor's, and is not shared.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

from .layers import active_layers

# The article's own changes reach a shared page at once through its key; what it shows of
# elsewhere (other articles quoting the same words, say) within the minute.
SHARED_PAGE_SECONDS = 60
# What `stored_page` keeps, numbered: servers of another release that share the cache (Redis,
# during a rolling deploy) never read each other's entries.
STORED_FORMAT = 3


def shareable(request) -> bool:
    """Whether this request sees what every signed-out visitor sees: a plain GET of the page
    (no query, not HTMX) from a browser with no session and no pending messages."""
    return (
        request.method == "GET"
        and not request.GET
        and not getattr(request, "htmx", False)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def shared_page(request, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page for a `shareable` request (`render` makes it when the cache has none)."""
    layers = ",".join(layer.name for layer in active_layers())
    full_key = f"{key}:shared-page{STORED_FORMAT}:{layers}:{request.scheme}:{request.get_host()}"
    stored = cache.get(full_key)
    if stored is None:
        response = render()
        if _same_for_everyone(request, response):
            cache.set(full_key, stored_page(response), SHARED_PAGE_SECONDS)
        return response
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(stored["gzipped"], headers=stored["headers"])
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(stored["content"], headers=stored["headers"])
    # A signed-in reader gets another page at this address, as the rendering said (it read the
    # session); serving it stored reads none, so it says so itself.
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response


def _same_for_everyone(request, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # get_token() was called: the page holds a CSRF token made for this visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def stored_page(response: HttpResponse) -> dict:
    """The page, plain and compressed (no name, no time: the same bytes from any server),
    with the view's headers."""
    return {
        "content": response.content,
        "gzipped": gzip.compress(response.content, compresslevel=6, mtime=0),
        "headers": dict(response.items()),
    }
