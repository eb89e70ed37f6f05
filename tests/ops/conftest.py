from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bench.stack import Postgres, Process, Redis, Stack, wait_for_server
from tests.webserver import LocalSite, _RequestHandler, _Server


@pytest.fixture
def stack():
    """A scratch folder for real services; everything started in it stops afterwards."""
    with Stack() as started:
        yield started


def require_programs(*names: str) -> None:
    """Topology tests need Debian's servers; `make test` installs them first."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(f"not installed: {', '.join(missing)}: `make test` installs them first")
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (run scripts/ensure-test-system-deps)")


@dataclass
class Topology:
    """Two gunicorn app servers behind nginx, one PostgreSQL, one Redis, one task worker."""

    stack: Stack
    postgres: Postgres
    redis: Redis
    env: dict[str, str]
    servers: list[Process]
    nginx: Process
    worker: Process
    site: LocalSite

    def url(self, server: int | None = None) -> str:
        """An app server's own address (0 or 1), or nginx's in front of both (None)."""
        port = self.nginx.port if server is None else self.servers[server].port
        return f"http://127.0.0.1:{port}"

    def sql(self, query: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.postgres.url, autocommit=True, connect_timeout=5) as db:
            return db.execute(query, params).fetchall()

    def seed(self, *args: str) -> dict:
        return self.stack.seed(self.env, *args)

    def restart_worker(self) -> Process:
        self.worker = self.stack.worker(self.env)
        return self.worker

    def wait_for_job(self, job_id: int, *, timeout: float = 30) -> tuple[str, str, int]:
        """(status, outcome, attempts) of the job once it finished, read from the database."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ((status, outcome, attempts),) = self.sql(
                "SELECT status, outcome, attempts FROM articles_job WHERE id = %s", job_id
            )
            if status in ("done", "failed"):
                return status, outcome, attempts
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} still {status} after {timeout} s")


@pytest.fixture(scope="package")
def site() -> Iterator[LocalSite]:
    """The local web server the articles come from (tests/webserver.py), for the package."""
    site = LocalSite()
    handler_class = type("SiteHandler", (_RequestHandler,), {"site": site})
    server = _Server(("127.0.0.1", 0), handler_class)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()


# Paths on the local site of the articles the topology tests check for changes, in order: the
# refresh test, the Redis outage test, the worker-kill test. Each test serves what it needs.
SOURCED_PATHS = ["/topology/refresh", "/faults/redis", "/faults/killed-worker"]
# Readers in the seed: 0 has a password (signs in through the form) and writes across servers,
# 2 and up write as traffic during the database outage (several: none nears the minute limit).
READERS = 8


@pytest.fixture(scope="package")
def seeded(topology) -> dict:
    """One seed for the whole package: starting Django for each test costs seconds."""
    sources = [arg for path in SOURCED_PATHS for arg in ("--source-url", topology.site.url(path))]
    return topology.seed("--readers", str(READERS), "--rateable", "3", "--passwords", "1",
                         *sources)  # fmt: skip


@pytest.fixture(scope="package")
def topology(site) -> Iterator[Topology]:
    require_programs("redis-server", "nginx", "runuser")
    with Stack() as stack:
        postgres = stack.postgres()
        redis = stack.redis()
        env = stack.app_env(
            database_url=postgres.url,
            redis_url=redis.url,
            # Short leases so that the fault tests see recovery in seconds, not minutes.
            GLOSS_JOB_LEASE_SECONDS="3",
            GLOSS_JOB_RESEND_SECONDS="5",
            GLOSS_FETCH_TIMEOUT="10",
        )
        stack.prepare(env)
        servers = [stack.gunicorn(env, workers=1, name=f"app{n}", wait=False) for n in (1, 2)]
        for server in servers:
            wait_for_server(server)
        nginx = stack.nginx([server.port for server in servers])
        worker = stack.worker(env)
        yield Topology(stack, postgres, redis, env, servers, nginx, worker, site)
