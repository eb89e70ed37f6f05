"""Background work readers ask for: import a page, check an article for changes, read a feed.

A request creates a Job row (what the reader's page polls) and enqueues ``run_job_task``
through Django's tasks framework (``django.tasks``). Which backend runs it is a setting:

- Django's default ``ImmediateBackend`` runs the task inside ``enqueue``: tests and a bare
  checkout get their result at once, in the request;
- a database-backed worker (``django_tasks_db.DatabaseBackend`` and its ``db_worker``
  command, started by ``make run`` beside the web server) runs it outside the request.

The job records its stage (``progress``) as it goes and ends ``done`` with a message, or
``failed`` with the reason. Every service it calls writes atomically, so a failed job leaves
nothing half-written.

The Job row, not the queue, is the record of what must be done, so no work is lost when a
queue or a worker is: a job the queue could not take (Redis down) waits in the database, and a
running job beats (``heartbeat_at``) while its worker lives. ``jobs_recover``, called by every
``run_worker`` process, sends again what waits unsent or too long and starts again a job whose
worker died mid-way (a few times at most). Running a job twice is harmless: only one run can
claim it, and a revision compares texts before it stores anything.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from .feed_services import feed_poll, feed_subscribe
from .models import Job, JobKind, JobStatus
from .revisions import article_refresh
from .services import article_import_url

logger = logging.getLogger(__name__)

# Jobs one reader may have waiting or running at once: each is a fetch of someone's server.
MAX_ACTIVE_JOBS_PER_READER = 5


class TooManyJobs(Exception):
    """The reader already has MAX_ACTIVE_JOBS_PER_READER jobs under way."""


def job_start(*, kind: str, requested_by=None, url: str = "", article=None, feed=None) -> Job:
    """Record a job and hand it to the task backend; returns it as it stands after enqueueing
    (already finished with the immediate backend). Raises TooManyJobs past the reader's cap."""
    if requested_by is not None:
        under_way = Job.objects.active().filter(
            requested_by=requested_by, created_at__gte=timezone.now() - Job.STALE_AFTER
        )
        if under_way.count() >= MAX_ACTIVE_JOBS_PER_READER:
            raise TooManyJobs(
                f"You already have {MAX_ACTIVE_JOBS_PER_READER} imports or checks under way."
                " Wait for one of them to finish, then try again."
            )
    job = Job.objects.create(
        kind=kind,
        requested_by=requested_by,
        url=url,
        article=article,
        feed=feed,
        heartbeat_at=timezone.now(),
    )
    job_send(job.pk)
    job.refresh_from_db()
    return job


def job_send(job_id: int) -> bool:
    """Hand a queued job to the task backend; False (and the job left waiting, unsent, for the
    recovery loop) when the queue cannot be reached."""
    try:
        result = run_job_task.enqueue(job_id)
    except Exception as error:  # whatever the backend raises: Redis down, a full queue...
        logger.warning("job %s: the task queue is unreachable, it waits: %r", job_id, error)
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(heartbeat_at=None)
        return False
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])
    return True


def lease() -> timedelta:
    """A running job with no heartbeat for this long lost its worker."""
    return timedelta(seconds=getattr(settings, "GLOSS_JOB_LEASE_SECONDS", 30))


def resend_after() -> timedelta:
    """A job queued this long without starting is sent again (the queue may have lost it)."""
    return timedelta(seconds=getattr(settings, "GLOSS_JOB_RESEND_SECONDS", 60))


# A job whose worker died this many times fails instead of starting again.
MAX_ATTEMPTS = 3


def jobs_recover() -> dict[str, int]:
    """Send again waiting jobs the queue never got or lost, restart jobs whose worker died.

    Safe to run from several workers at once: each change is a conditional update that only
    one of them wins. Returns how many jobs were resent, restarted and given up.
    """
    now = timezone.now()
    counts = {"resent": 0, "restarted": 0, "failed": 0}
    orphaned = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - lease())
    gave_up = orphaned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=JobStatus.FAILED,
        finished_at=now,
        message="The worker stopped while running this job, several times; try again later.",
    )
    counts["failed"] = gave_up
    for job_id, beat in orphaned.values_list("pk", "heartbeat_at"):
        taken = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, heartbeat_at=beat)
        if taken.update(status=JobStatus.QUEUED, heartbeat_at=now, progress=""):
            logger.warning("job %s: its worker stopped mid-way; starting it again", job_id)
            counts["restarted"] += 1
            job_send(job_id)
    waiting = Job.objects.filter(status=JobStatus.QUEUED).filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - resend_after())
    )
    for job_id, beat in waiting.values_list("pk", "heartbeat_at"):
        # heartbeat_at=None filters IS NULL: an unsent job is taken as one too.
        taken = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED, heartbeat_at=beat)
        if taken.update(heartbeat_at=now):
            counts["resent"] += 1
            job_send(job_id)
    return counts


def active_refresh(article, user) -> Job | None:
    """The reader's refresh of this article that is still waiting or running, if any."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Job.objects.active()
        .filter(article=article, kind=JobKind.REFRESH, requested_by=user)
        .order_by("-created_at")
        .first()
    )


def refresh_start(*, article, user) -> Job:
    """Start checking the article for changes, or return the check already under way."""
    recent = timezone.now() - Job.STALE_AFTER
    running = (
        Job.objects.active()
        .filter(article=article, kind=JobKind.REFRESH, created_at__gte=recent)
        .order_by("-created_at")
        .first()
    )
    if running is not None:
        return running
    return job_start(kind=JobKind.REFRESH, requested_by=user, article=article)


@task
def run_job_task(job_id: int) -> str:
    return run_job(job_id)


def run_job(job_id: int) -> str:
    """Run a queued job once; returns its final status. Never raises for the job's failures."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    job = Job.objects.select_related("article", "feed", "requested_by").get(pk=job_id)
    with Heartbeat(job_id):
        try:
            RUNNERS[job.kind](job)
        except ValidationError as error:
            _finish(job, JobStatus.FAILED, " ".join(error.messages))
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, JobStatus.FAILED, "Something went wrong on our side; try again later.")
    return job.status


class Heartbeat:
    """While a worker runs a job, a thread marks it alive every third of the lease.

    Inside a request (the immediate backend) nobody recovers jobs, so it does nothing there.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if not _runs_in_request():
            self.thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}-beat")
            self.thread.daemon = True
            self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()

    def _beat(self) -> None:
        every = lease().total_seconds() / 3
        try:
            while not self.stopped.wait(every):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as error:
                    logger.warning("job %s: heartbeat not recorded: %r", self.job_id, error)
        finally:
            connection.close()  # this thread's own connection


def _runs_in_request() -> bool:
    backend = settings.TASKS["default"]["BACKEND"]
    return backend.endswith(("ImmediateBackend", "DummyBackend"))


def _progress(job: Job) -> Callable[[str], None]:
    def report(stage: str) -> None:
        job.progress = stage[:200]
        Job.objects.filter(pk=job.pk).update(progress=job.progress)

    return report


def _finish(job: Job, status: str, message: str, *, outcome: str = "") -> None:
    job.status = status
    job.message = message
    job.outcome = outcome
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "message",
            "outcome",
            "finished_at",
            "article",
            "feed",
            "revision",
        ]
    )


def _run_import(job: Job) -> None:
    result = article_import_url(url=job.url, added_by=job.requested_by, on_progress=_progress(job))
    job.article = result.article
    if result.created:
        _finish(job, JobStatus.DONE, f"Imported “{result.article.title}”.", outcome="imported")
    else:
        _finish(
            job,
            JobStatus.DONE,
            f"Already in the library as “{result.article.title}”: not imported again.",
            outcome="duplicate",
        )


def _run_refresh(job: Job) -> None:
    if job.article is None:
        raise ValidationError("The article was deleted.")
    result = article_refresh(article=job.article, on_progress=_progress(job))
    job.revision = result.revision
    _finish(
        job, JobStatus.DONE, result.describe(), outcome="updated" if result.changed else "unchanged"
    )


def _run_subscribe(job: Job) -> None:
    result = feed_subscribe(user=job.requested_by, url=job.url, on_progress=_progress(job))
    job.feed = result.subscription.feed
    name = str(job.feed)
    if not result.created:
        _finish(job, JobStatus.DONE, f"You already follow “{name}”.", outcome="duplicate")
        return
    message = f"Subscribed to “{name}”."
    if result.poll is not None:
        message += f" {result.poll.describe().capitalize()}."
    _finish(job, JobStatus.DONE, message, outcome="subscribed")


def _run_poll(job: Job) -> None:
    if job.feed is None:
        raise ValidationError("The feed was deleted.")
    poll = feed_poll(job.feed, on_progress=_progress(job))
    if poll.error:
        raise ValidationError(poll.error)
    _finish(job, JobStatus.DONE, f"“{job.feed}”: {poll.describe()}.", outcome="polled")


RUNNERS: dict[str, Callable[[Job], None]] = {
    JobKind.IMPORT_URL: _run_import,
    JobKind.REFRESH: _run_refresh,
    JobKind.SUBSCRIBE: _run_subscribe,
    JobKind.POLL_FEED: _run_poll,
}
