"""Faults on the topology (tests/ops/conftest.py): PostgreSQL stops during traffic, Redis
stops, a worker is killed in the middle of a revision refresh. Each test puts back what it
broke, so the tests after it find the topology whole."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import pytest

from bench.stack import http_status, wait_until
from tests.ops.conftest import SOURCED_PATHS
from tests.ops.live import Reader
from tests.webserver import SAMPLE_ARTICLE, Reply, article_page

pytestmark = pytest.mark.live

FRIENDLY = "Back in a moment"


class Traffic:
    """Readers and a writer going through nginx in a loop until stopped; records answers."""

    def __init__(self, base: str, article: dict, writers: list[dict]) -> None:
        self.base, self.article, self.writers = base, article, writers
        self.answers: list[tuple[int, str]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Traffic:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        article = self.article
        anonymous = Reader(self.base, timeout=10)
        # Writers take turns, a note every other round, so none nears the per-minute limit.
        writers = [Reader(self.base, credentials, timeout=10) for credentials in self.writers]
        number = 0
        while not self.stopping.is_set():
            number += 1
            writer = writers[number % len(writers)]
            sends = [lambda: anonymous.get(article["url"]), lambda: anonymous.get("/")]
            if number % 2 == 0:
                sends.append(
                    lambda n=number, w=writer: w.annotate(
                        article, article["exacts"][n % 3], note=f"during traffic {n}"
                    )
                )
            for send in sends:
                try:
                    response = send()
                    self.answers.append((response.status_code, response.text))
                except httpx.HTTPError as error:
                    self.answers.append((0, repr(error)))
            time.sleep(0.05)

    def statuses(self) -> Counter:
        return Counter(status for status, _ in self.answers)


def test_a_database_outage_answers_a_friendly_503_and_recovers_without_a_restart(topology, seeded):
    article_url = seeded["article"]["url"]
    server_pids = [server.popen.pid for server in topology.servers]
    with Traffic(topology.url(), seeded["article"], seeded["readers"][2:]) as traffic:
        time.sleep(1)
        topology.postgres.stop("fast")
        try:
            time.sleep(2)
            during = httpx.get(topology.url(0) + article_url, timeout=10)
            ready = httpx.get(topology.url(0) + "/readyz", timeout=10)
            alive = httpx.get(topology.url(0) + "/healthz", timeout=10)
        finally:
            topology.postgres.start()
        wait_until(
            lambda: http_status(topology.url() + article_url) == 200,
            timeout=20, what="the article after the database came back",
        )  # fmt: skip
        time.sleep(1)

    assert during.status_code == 503
    assert FRIENDLY in during.text
    assert during.headers["Retry-After"] == "5"
    assert (ready.status_code, ready.json()["checks"]["database"]) == (503, "unreachable")
    assert alive.status_code == 200
    statuses = traffic.statuses()
    unexpected = [answer for answer in traffic.answers if answer[0] not in (200, 302, 503)]
    assert unexpected == [], statuses
    assert statuses[503] > 0
    assert all(FRIENDLY in text for status, text in traffic.answers if status == 503)
    assert not any("Traceback" in text for _, text in traffic.answers)
    # The same processes serve again: nothing was restarted.
    assert [server.popen.pid for server in topology.servers] == server_pids
    assert all(server.running for server in topology.servers)
    assert traffic.answers[-1][0] in (200, 302)


def test_a_redis_outage_serves_pages_uncached_and_queued_work_waits(topology, seeded):
    topology.site.add(SOURCED_PATHS[1], article_page(**SAMPLE_ARTICLE))
    article = seeded["sourced"][1]
    writer = seeded["readers"][0]
    note = "Written while the cache was down."
    topology.redis.stop()
    try:
        pages = [
            httpx.get(base + path, timeout=10)
            for base in (topology.url(0), topology.url(1), topology.url())
            for path in (article["url"], "/")
        ]
        ready = httpx.get(topology.url(0) + "/readyz", timeout=10)
        saved = Reader(topology.url(0), writer).annotate(article, article["exacts"][1], note=note)
        seen = Reader(topology.url(1)).get(article["url"])
        queued = Reader(topology.url(0), writer).post(f"/articles/{article['slug']}/check/", {})
        job_id = int(queued.headers["location"].strip("/").split("/")[-1])
        time.sleep(1)
        ((waiting,),) = topology.sql("SELECT status FROM articles_job WHERE id = %s", job_id)
    finally:
        topology.redis.start()

    assert [page.status_code for page in pages] == [200] * 6
    assert (ready.status_code, ready.json()["checks"]["cache"]) == (503, "unreachable")
    assert saved.status_code == 302
    assert note in seen.text
    assert queued.status_code == 302
    assert waiting == "queued"
    # Redis came back empty (it keeps nothing on disk here): the job is sent again and done.
    assert topology.wait_for_job(job_id, timeout=45) == ("done", "updated", 1)
    wait_until(lambda: http_status(topology.url(0) + "/readyz") == 200, timeout=10,
               what="readiness after Redis came back")  # fmt: skip


def test_a_worker_killed_mid_refresh_is_replaced_and_the_article_never_half_updated(
    topology, seeded
):
    fetches: list[float] = []

    def slow_first_fetch(request) -> Reply:
        # The first fetch hangs long enough for the worker to be killed in the middle of it.
        fetches.append(time.monotonic())
        body = article_page(**SAMPLE_ARTICLE).encode()
        headers = {"Content-Type": "text/html; charset=utf-8"}
        return Reply(body=body, headers=headers, delay=6.0 if len(fetches) == 1 else 0)

    topology.site.route(SOURCED_PATHS[2], slow_first_fetch)
    slug = seeded["sourced"][2]["slug"]
    queued = Reader(topology.url(0), seeded["readers"][0]).post(f"/articles/{slug}/check/", {})
    job_id = int(queued.headers["location"].strip("/").split("/")[-1])
    wait_until(lambda: len(fetches) == 1, timeout=20, what="the worker fetching the page")

    topology.worker.kill()
    ((status, attempts),) = topology.sql(
        "SELECT status, attempts FROM articles_job WHERE id = %s", job_id
    )
    replacement = topology.restart_worker()

    assert (status, attempts) == ("running", 1)
    assert topology.wait_for_job(job_id, timeout=45) == ("done", "updated", 2)
    assert replacement.running
    ((article_id, body_text),) = topology.sql(
        "SELECT id, body_text FROM articles_article WHERE slug = %s", slug
    )
    revisions = topology.sql(
        "SELECT number, body_text FROM articles_articlerevision WHERE article_id = %s"
        " ORDER BY number",
        article_id,
    )
    assert [number for number, _ in revisions] == [1, 2]  # one new revision, not two
    assert revisions[-1][1] == body_text
    notes = topology.sql(
        'SELECT exact, start, "end", anchor_state FROM annotations_annotation'
        " WHERE article_id = %s AND parent_id IS NULL",
        article_id,
    )
    assert len(notes) == 2  # a public and a private note: none dropped
    for exact, start, end, state in notes:
        assert state == "orphaned" or body_text[start:end] == exact
