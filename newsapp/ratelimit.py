"""One rate limiter for everything a reader can do too often: an atomic counter in the cache.

Counting and checking is one atomic step (`cache.incr`, which is Redis INCRBY with several app
servers and a locked increment in the local-memory cache of a single one), so a burst of
concurrent requests cannot slip past the limit together the way "count the rows, then insert"
could. The window slides: the estimate is this minute's count plus the previous minute's,
weighted by how much of it still lies within the last `seconds`, so a burst across a minute
boundary is still counted whole.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


class RateLimited(Exception):
    """Someone did something too often; the message says what and when to try again."""

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _key(scope: str, who: object, window: int) -> str:
    return f"gloss:rate:{scope}:{who}:{window}"


def _increment(key: str, amount: int, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.add(key, max(amount, 0), timeout=timeout)
        return max(amount, 0)


def hit(scope: str, who: object, *, limit: int, message: str, seconds: int = 60) -> None:
    """Count one action by `who` in `scope`; raise RateLimited when it goes past `limit`
    within the last `seconds` (the counted action stays counted: refused attempts count too,
    which is what throttling sign-ins needs)."""
    window, elapsed = divmod(time.time(), seconds)
    current = _increment(_key(scope, who, int(window)), 1, 2 * seconds)
    previous = cache.get(_key(scope, who, int(window) - 1), 0)
    estimate = current + previous * (1 - elapsed / seconds)
    if estimate > limit:
        raise RateLimited(message, retry_after=max(1, int(seconds - elapsed)))


def undo(scope: str, who: object, *, seconds: int = 60) -> None:
    """Take back the last counted action (it failed, so it should not count)."""
    window = int(time.time() // seconds)
    key = _key(scope, who, window)
    if cache.get(key):
        cache.decr(key)


@contextmanager
def counted(
    scope: str, who: object, *, limit: int, message: str, seconds: int = 60
) -> Iterator[None]:
    """Count an action that may still fail: `hit` first (so concurrent attempts are counted
    together), and `undo` if the body raises, so refused input does not use up the limit."""
    hit(scope, who, limit=limit, message=message, seconds=seconds)
    try:
        yield
    except BaseException:
        undo(scope, who, seconds=seconds)
        raise
