"""Jobs survive a lost queue or a dead worker: jobs_recover sends again what waits and starts
again what lost its worker; a queue that cannot be reached never fails the request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks.backends.dummy import DummyBackend
from django.urls import reverse
from django.utils import timezone

from newsapp.articles import jobs
from newsapp.articles.jobs import MAX_ATTEMPTS, jobs_recover, refresh_start
from newsapp.articles.models import Job, JobKind, JobStatus
from newsapp.articles.services import article_import_url
from tests.factories import make_user
from tests.webserver import SAMPLE_ARTICLE, article_page

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
STORY = "/news/ferry-terminal"


@pytest.fixture(autouse=True)
def web_settings(settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    settings.GLOSS_FETCH_TIMEOUT = 2.0
    settings.GLOSS_JOB_LEASE_SECONDS = 30
    settings.GLOSS_JOB_RESEND_SECONDS = 60


@pytest.fixture
def article(local_site):
    local_site.add(STORY, article_page(**SAMPLE_ARTICLE))
    return article_import_url(url=local_site.url(STORY)).article


def queued_refresh(article, settings, **fields) -> Job:
    """A refresh job the (dummy) queue accepted but no worker ran."""
    settings.TASKS = DUMMY
    job = refresh_start(article=article, user=make_user())
    Job.objects.filter(pk=job.pk).update(**fields)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return job


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


class UnreachableQueue(DummyBackend):
    """A task backend whose server is down, as the Redis queue is during an outage."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_queue_that_cannot_be_reached_leaves_the_job_waiting_not_failed(
    client, article, settings
):
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.UnreachableQueue"}}
    client.force_login(make_user())
    response = client.post(reverse("articles:check", args=[article.slug]))

    assert response.status_code == 302
    job = Job.objects.get(article=article, kind=JobKind.REFRESH)
    assert (job.status, job.heartbeat_at, job.task_id) == (JobStatus.QUEUED, None, "")


def test_recovery_sends_a_job_the_queue_never_got(article, settings):
    job = queued_refresh(article, settings, heartbeat_at=None)

    assert jobs_recover() == {"resent": 1, "restarted": 0, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.outcome, job.attempts) == (JobStatus.DONE, "unchanged", 1)


def test_recovery_sends_again_a_job_that_waited_past_the_resend_delay(article, settings):
    job = queued_refresh(article, settings, heartbeat_at=ago(61))

    assert jobs_recover()["resent"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_recovery_leaves_a_job_that_was_just_queued(article, settings):
    job = queued_refresh(article, settings, heartbeat_at=ago(5))

    assert jobs_recover() == {"resent": 0, "restarted": 0, "failed": 0}
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_recovery_restarts_a_running_job_whose_worker_stopped_beating(article, settings):
    job = queued_refresh(
        article, settings, status=JobStatus.RUNNING, attempts=1, heartbeat_at=ago(31)
    )

    assert jobs_recover() == {"resent": 0, "restarted": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.attempts, job.outcome) == (JobStatus.DONE, 2, "unchanged")


def test_recovery_leaves_a_running_job_with_a_live_heartbeat(article, settings):
    job = queued_refresh(
        article, settings, status=JobStatus.RUNNING, attempts=1, heartbeat_at=ago(10)
    )

    assert jobs_recover()["restarted"] == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)


def test_recovery_gives_up_after_the_worker_died_on_it_several_times(article, settings):
    job = queued_refresh(
        article, settings, status=JobStatus.RUNNING, attempts=MAX_ATTEMPTS, heartbeat_at=ago(31)
    )

    assert jobs_recover() == {"resent": 0, "restarted": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "worker stopped" in job.message


def test_a_job_runs_once_however_often_it_is_sent(article, settings):
    job = queued_refresh(article, settings, heartbeat_at=None)

    assert jobs.run_job(job.pk) == JobStatus.DONE
    assert jobs.run_job(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1
