"""The embedded default under concurrency: `make run`'s setup (runserver and the supervised
database worker on one SQLite file) takes 20 readers writing at once without an error and
without losing a write."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter

import pytest

from bench.stack import PYTHON, free_port, http_status, wait_until
from tests.ops.live import Reader

pytestmark = pytest.mark.live

WRITERS = 20
ROUNDS = 4  # each writer: ROUNDS annotations, ratings and replies


def start_make_run(stack):
    """runserver and run_worker on a SQLite file, as `make run` starts them (DEBUG on)."""
    database = stack.folder / "gloss.sqlite3"
    env = stack.app_env(database_url=f"sqlite:///{database}", DEBUG="true")
    stack.manage(env, "migrate", "--no-input")
    seeded = stack.seed(env, "--readers", str(WRITERS), "--rateable", str(WRITERS + ROUNDS))
    port = free_port()
    server = stack.spawn(
        "runserver", [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], env
    )
    worker = stack.worker(env)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: http_status(f"{base}/healthz") == 200, timeout=60, what="runserver",
               log=server.log, process=server.popen)  # fmt: skip
    return database, seeded, base, worker


def write_as(reader: Reader, number: int, seeded: dict, outcomes: Counter, lock, errors: list):
    article = seeded["article"]
    exacts = article["exacts"]
    rateable = seeded["rateable"]
    for round_ in range(ROUNDS):
        requests = [
            (
                "annotation",
                lambda at=round_: reader.annotate(
                    article, exacts[(number + at) % len(exacts)], note=f"w{number} r{at}"
                ),
            ),
            (
                "rating",
                # Each writer rates ROUNDS different notes: one row per success.
                lambda at=round_: reader.post(
                    f"/a/{rateable[number + at]}/rate/", {"value": "helpful"}
                ),
            ),
            (
                "reply",
                lambda at=round_: reader.post(
                    f"/a/{seeded['public_note']}/reply/", {"note": f"reply {number}.{at}"}
                ),
            ),
        ]
        for kind, send in requests:
            try:
                status = send().status_code
            except Exception as error:  # a refused or dropped connection is an error too
                status = repr(error)
            with lock:
                if status == 302:
                    outcomes[kind] += 1
                else:
                    errors.append((kind, status))


def test_twenty_concurrent_writers_on_sqlite_get_no_errors_and_lose_nothing(stack):
    database, seeded, base, worker = start_make_run(stack)
    readers = [Reader(base, credentials) for credentials in seeded["readers"]]
    outcomes: Counter = Counter()
    errors: list = []
    lock = threading.Lock()
    threads = [
        threading.Thread(target=write_as, args=(reader, n, seeded, outcomes, lock, errors))
        for n, reader in enumerate(readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for reader in readers:
        reader.close()

    assert errors == []
    assert outcomes == {"annotation": WRITERS * ROUNDS, "rating": WRITERS * ROUNDS,
                        "reply": WRITERS * ROUNDS}  # fmt: skip
    with sqlite3.connect(database) as connection:
        usernames = [credentials["username"] for credentials in seeded["readers"]]
        marks = ",".join("?" * len(usernames))
        writers = f"SELECT id FROM auth_user WHERE username IN ({marks})"

        def count(sql: str) -> int:
            return connection.execute(sql.format(writers=writers), usernames).fetchone()[0]

        notes = count(
            "SELECT count(*) FROM annotations_annotation"
            " WHERE parent_id IS NULL AND author_id IN ({writers})"
        )
        replies = count(
            "SELECT count(*) FROM annotations_annotation"
            " WHERE parent_id IS NOT NULL AND author_id IN ({writers})"
        )
        ratings = count("SELECT count(*) FROM claims_noterating WHERE rater_id IN ({writers})")
    assert (notes, replies, ratings) == (
        outcomes["annotation"],
        outcomes["reply"],
        outcomes["rating"],
    )
    # The worker took the rescoring the ratings queued, beside the writers: nothing waits.
    assert worker.running

    def queue_drained() -> bool:
        with sqlite3.connect(database) as connection:
            waiting = connection.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status IN ('READY', 'RUNNING')"
            ).fetchone()[0]
        return waiting == 0

    wait_until(queue_drained, timeout=60, what="the task queue draining", log=worker.log)
    assert "task worker stopped" not in worker.log.read_text()
