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
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
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
        kind=kind, requested_by=requested_by, url=url, article=article, feed=feed
    )
    result = run_job_task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


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
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = Job.objects.select_related("article", "feed", "requested_by").get(pk=job_id)
    try:
        RUNNERS[job.kind](job)
    except ValidationError as error:
        _finish(job, JobStatus.FAILED, " ".join(error.messages))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, "Something went wrong on our side; try again later.")
    return job.status


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
