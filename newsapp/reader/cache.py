"""The reader's cache: one key, one place.

Everything cached for the reader page is keyed by the article's state (its body, and the stamp
every layer write bumps: `Article.mark_annotations_changed`), by what the page shows (a filter,
the note a permalink opened at) and, for what differs between readers, by the viewer. A
viewer is the signed-in user plus a hash of the browser's CSRF secret, because rendered cards
carry forms with that secret; a private note can never reach another reader through the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

CACHE_SECONDS = 10 * 60
ANONYMOUS = "anonymous"


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
