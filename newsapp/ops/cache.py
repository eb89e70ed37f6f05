"""A Redis cache that degrades to no cache while Redis is unreachable.

Pages only use the cache to go faster, so an outage must cost speed, not errors: every call
that fails to reach Redis returns what an empty cache would (``get`` -> default, ``add`` ->
False, writes do nothing). After a failure Redis is left alone for ``RETRY_AFTER`` seconds, so
a dead server costs one refused connection per interval and process, not one per call; the
outage and the recovery are logged once each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class FailSoftRedisCache(RedisCache):
    RETRY_AFTER = 2.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, operation: Callable[[], Any], fallback: Any) -> Any:
        if not self.available:
            return fallback
        try:
            result = operation()
        except OUTAGE_ERRORS as error:
            with self._lock:
                self._down_until = time.monotonic() + self.RETRY_AFTER
                if not self._down:
                    self._down = True
                    logger.warning("cache unreachable, serving uncached: %s", error)
            return fallback
        if self._down:
            with self._lock:
                if self._down:
                    self._down = False
                    logger.warning("cache reachable again")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key, default=None, version=None):
        return self._call(
            lambda: super(FailSoftRedisCache, self).get(key, default, version), default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            lambda: super(FailSoftRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._call(lambda: super(FailSoftRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self._call(lambda: super(FailSoftRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._call(lambda: super(FailSoftRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        # As if the counter started now: a limit counted in the cache fails open, not shut.
        return self._call(lambda: super(FailSoftRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys, version=None):
        self._call(lambda: super(FailSoftRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._call(lambda: super(FailSoftRedisCache, self).clear(), False)
