"""The reader's cache: one key, one place.

Everything cached for the reader page is keyed by the article's state (its body, and the stamp
every layer write bumps: `Article.mark_annotations_changed`), by what the page shows (a filter,
the note a permalink opened at) and, for what differs between readers, by the viewer. A
viewer is the signed-in user plus a hash of the browser's CSRF secret, because rendered cards
carry forms with that secret; a private note can never reach another reader through the cache.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from .layers import active_layers

CACHE_SECONDS = 10 * 60
ANONYMOUS = "anonymous"
# A whole page shared by signed-out visitors lives a minute: the article's own changes reach
# it at once through the key, what it shows of elsewhere (other articles quoting the same
# words, say) within the minute.
SHARED_PAGE_SECONDS = 60
# Where a page carries its CSRF token: the forms' hidden field and htmx's request headers.
CSRF_SLOTS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}')


# What `page_key` reads of an article (a view may load only these to find a cached page).
STATE_FIELDS = ("pk", "updated_at", "annotations_changed_at")


def page_key(article, *, user=None, variant: str = "") -> str:
    """The key of what the reader shows of `article` to `user` (None: the same for everyone),
    for one `variant` of the page (a filter, a permalink's target)."""
    changed = article.annotations_changed_at
    parts = (
        article.pk,
        article.updated_at.timestamp(),
        changed.timestamp() if changed else 0,
        "*" if user is None else (user.pk if user.is_authenticated else 0),
        variant.replace(":", "%3A"),
    )
    return "gloss:reader:" + ":".join(str(part) for part in parts)


def viewer_key(request) -> str:
    """Who rendered HTML is for: "anonymous", or a signed-in reader's CSRF secret, hashed.

    Empty means "do not cache": a signed-in reader without a CSRF cookie yet.
    """
    if not request.user.is_authenticated:
        return ANONYMOUS
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return hashlib.sha256(secret.encode()).hexdigest()[:16] if secret else ""


def cached(key: str, compute: Callable[[], Any], *, seconds: int = CACHE_SECONDS) -> Any:
    """`compute()`, kept under `key` for `seconds`."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def rendered_for_viewer(
    request, key: str, template: str, context: Callable[[], dict[str, Any]]
) -> str:
    """`template` rendered with `context()` for this request's viewer, cached per viewer."""
    viewer = viewer_key(request)
    if not viewer:
        return render_to_string(template, context(), request=request)
    return cached(f"{key}:{viewer}", lambda: render_to_string(template, context(), request=request))


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
    """The page for a `shareable` request: rendered once a minute per `key` (and host), then
    served with this visitor's own CSRF token put where the page carries one (a token is
    masked per response, and must match this visitor's cookie)."""
    layers = ",".join(layer.name for layer in active_layers())
    full_key = f"{key}:shared-page:{layers}:{request.scheme}:{request.get_host()}"
    stored = cache.get(full_key)
    if stored is None:
        response = render()
        shareable_answer = response.status_code == 200 and not response.streaming
        if shareable_answer and not response.cookies and b"\0" not in response.content:
            # The page cut where its tokens go (kept: what precedes each token, and the end),
            # so that serving it is a join, not a search through the page.
            pieces = CSRF_SLOTS.sub(lambda slot: slot.group(1) + "\0", response.content.decode())
            page = {"pieces": pieces.encode().split(b"\0"), "headers": dict(response.items())}
            cache.set(full_key, page, SHARED_PAGE_SECONDS)
        return response
    token = get_token(request).encode()  # also sets this visitor's CSRF cookie, as a render would
    return HttpResponse(token.join(stored["pieces"]), headers=stored["headers"])
