"""One rate limiter: counts and checks in one atomic step, forgives failures, slides."""

from __future__ import annotations

import threading

import pytest

from newsapp import ratelimit
from newsapp.ratelimit import RateLimited


def test_the_limit_holds_and_says_why():
    for _ in range(3):
        ratelimit.hit("test", 1, limit=3, message="Slow down.")
    with pytest.raises(RateLimited, match="Slow down") as refused:
        ratelimit.hit("test", 1, limit=3, message="Slow down.")
    assert 1 <= refused.value.retry_after <= 60


def test_scopes_and_people_are_counted_apart():
    ratelimit.hit("a", 1, limit=1, message="")
    ratelimit.hit("b", 1, limit=1, message="")
    ratelimit.hit("a", 2, limit=1, message="")
    with pytest.raises(RateLimited):
        ratelimit.hit("a", 1, limit=1, message="")


def test_an_action_that_fails_is_not_counted():
    for _ in range(5):
        with pytest.raises(ValueError), ratelimit.counted("fail", 1, limit=2, message=""):
            raise ValueError("refused input")
    with ratelimit.counted("fail", 1, limit=2, message=""):
        pass
    with ratelimit.counted("fail", 1, limit=2, message=""):
        pass
    with pytest.raises(RateLimited), ratelimit.counted("fail", 1, limit=2, message=""):
        pass


def test_the_window_slides_across_a_minute_boundary(monkeypatch):
    clock = [120.0 * 60 + 59]  # one second before a minute ends
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    for _ in range(10):
        ratelimit.hit("slide", 1, limit=10, message="")
    clock[0] += 2  # the next minute has begun: the burst still counts
    with pytest.raises(RateLimited):
        ratelimit.hit("slide", 1, limit=10, message="")
    clock[0] += 60  # a whole minute later it has gone
    ratelimit.hit("slide", 1, limit=10, message="")


def test_a_concurrent_burst_cannot_pass_together():
    passed, refused = [], []
    start = threading.Barrier(30)

    def attempt():
        start.wait()
        try:
            ratelimit.hit("burst", 1, limit=20, message="")
            passed.append(1)
        except RateLimited:
            refused.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 20
    assert len(refused) == 10
