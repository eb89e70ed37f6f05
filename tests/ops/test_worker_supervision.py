"""`make run`'s task worker cannot die silently: run_worker restarts it and says so, and a
job queued afterwards is done."""

from __future__ import annotations

import sqlite3

import pytest

from bench.stack import descendants, kill_if_same, wait_until
from tests.webserver import SAMPLE_ARTICLE, article_page

pytestmark = pytest.mark.live

QUEUE_A_REFRESH = """
from newsapp.articles.jobs import job_start
from newsapp.articles.models import JobKind
from newsapp.articles.services import article_import
article = article_import(title="Weir", body="The weir held.", body_format="text",
                         source_url="{url}")
print(job_start(kind=JobKind.REFRESH, article=article).pk)
"""


def test_a_worker_that_dies_is_restarted_loudly_and_then_runs_jobs(stack, local_site):
    source = local_site.add("/supervised-story", article_page(**SAMPLE_ARTICLE))
    database = stack.folder / "gloss.sqlite3"
    env = stack.app_env(database_url=f"sqlite:///{database}", DEBUG="true")
    stack.manage(env, "migrate", "--no-input")
    supervisor = stack.worker(env)
    wait_until(lambda: descendants(supervisor.popen.pid), timeout=30, what="the db_worker")
    (first_worker,) = descendants(supervisor.popen.pid)  # run_worker's one child: db_worker

    kill_if_same([first_worker])
    wait_until(
        lambda: "the task worker stopped" in supervisor.log.read_text()
        and any(p != first_worker for p in descendants(supervisor.popen.pid)),
        timeout=30, what="a restarted worker", log=supervisor.log,
    )  # fmt: skip
    job_id = int(
        stack.manage(env, "shell", "--no-imports", "-c", QUEUE_A_REFRESH.format(url=source))
        .strip()
        .splitlines()[-1]
    )

    def job_status() -> str:
        with sqlite3.connect(database, timeout=10) as connection:
            return connection.execute(
                "SELECT status FROM articles_job WHERE id = ?", (job_id,)
            ).fetchone()[0]

    wait_until(lambda: job_status() == "done", timeout=60, what="the job", log=supervisor.log)
    assert supervisor.running
    assert "restarting it in" in supervisor.log.read_text()
