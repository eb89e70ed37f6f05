"""The supervised task worker: ``manage.py run_worker``.

It runs the worker of the configured task backend in a child process (Django's ``db_worker``
on the database, the default; ``rqworker`` when ``REDIS_URL`` is set), restarts it whenever it
exits, saying so on stderr, and in between sends again the jobs that wait too long or whose
worker died (``newsapp.articles.jobs.jobs_recover``) and the quote links that wait too long
(``newsapp.claims.linking.link_requests_recover``). A worker that dies is therefore loud and
short-lived, and a queued job never sits forever.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, close_old_connections

RQ_BACKEND = "django_tasks_rq.RQBackend"
# Restart delays after a crash double up to this; a worker that ran a while restarts at once.
MAX_RESTART_DELAY = 8.0
HEALTHY_RUN_SECONDS = 30.0


def worker_command() -> list[str]:
    """The command line of the backend's own worker."""
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == RQ_BACKEND:
        return [*manage, "rqworker", "--job-class", "django_tasks_rq.Job", *settings.RQ_QUEUES]
    # --no-reload: under the autoreloader a crashed worker thread leaves the process alive
    # and silent; without it the process exits and is restarted here.
    return [*manage, "db_worker", "--no-reload", "--no-startup-delay"]


@dataclass
class Supervisor:
    command: list[str]
    recover_every: float = 5.0
    stopping: bool = False
    restarts: int = 0
    child: subprocess.Popen | None = field(default=None, repr=False)

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def run(self) -> int:
        delay = 0.5
        while not self.stopping:
            started = time.monotonic()
            self.child = subprocess.Popen(self.command)
            self._watch(self.child)
            if self.stopping:
                break
            ran = time.monotonic() - started
            delay = 0.5 if ran > HEALTHY_RUN_SECONDS else min(delay * 2, MAX_RESTART_DELAY)
            self.restarts += 1
            say(
                f"the task worker stopped (exit status {self.child.returncode}) after"
                f" {ran:.0f} s; restarting it in {delay:.1f} s"
            )
            self._sleep(delay)
        return self._wait_for_child()

    def _watch(self, child: subprocess.Popen) -> None:
        next_recovery = 0.0
        while child.poll() is None and not self.stopping:
            if time.monotonic() >= next_recovery:
                recover_jobs()
                next_recovery = time.monotonic() + self.recover_every
            time.sleep(0.2)

    def _sleep(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < until:
            time.sleep(0.1)

    def _wait_for_child(self) -> int:
        if self.child is None:
            return 0
        try:
            return self.child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.child.kill()
            return self.child.wait()


def recover_jobs() -> None:
    from newsapp.articles.jobs import jobs_recover
    from newsapp.claims.linking import link_requests_recover

    close_old_connections()
    try:
        counts = jobs_recover()
        links = link_requests_recover()
    except DatabaseError as error:
        say(f"could not look for waiting jobs (the database is unreachable): {error}")
        close_old_connections()
        return
    if any(counts.values()):
        say(
            "jobs: {resent} sent again, {restarted} restarted after their worker stopped,"
            " {failed} given up".format(**counts)
        )
    if links:
        say(f"quote links: {links} article(s) sent again")


def say(message: str) -> None:
    """Loud on purpose: a supervisor's news goes to stderr whatever the log settings."""
    print(f"[gloss worker] {message}", file=sys.stderr, flush=True)
