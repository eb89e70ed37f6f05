"""The Redis cache serves as an empty cache while Redis is unreachable, at little cost."""

from __future__ import annotations

import time

from bench.stack import free_port
from newsapp.ops.cache import FailSoftRedisCache


def unreachable_cache() -> FailSoftRedisCache:
    port = free_port()  # nothing listens there
    return FailSoftRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


def test_an_unreachable_redis_answers_as_an_empty_cache():
    cache = unreachable_cache()
    cache.set("page", "<html>")
    assert cache.get("page") is None
    assert cache.get("page", "fallback") == "fallback"
    assert cache.add("page", "<html>") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("page") is False
    assert cache.incr("hits") == 1
    assert cache.get_or_set("computed", lambda: "fresh") == "fresh"


def test_after_a_failure_redis_is_left_alone_for_a_while():
    cache = unreachable_cache()
    cache.get("first")  # the one refused connection
    started = time.perf_counter()
    for number in range(1_000):
        cache.get(f"key-{number}")
    assert time.perf_counter() - started < 0.5
    assert cache.available is False
