"""Telling many followers: in the background, in batches, once each, and never at the cost of
the write that triggered it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsapp.annotations.models import Kind as NoteKind
from newsapp.notifications import fanout
from newsapp.notifications.models import Fanout, Follow, Kind, Notification, Target
from tests.claims.factories import OKAFOR_CLAIM, make_context_note, make_quoted_article
from tests.factories import make_annotation, make_user
from tests.notifications.factories import make_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_quoted_article()


@pytest.fixture
def claim(article):
    return make_annotation(
        article=article, author=make_user(), exact=OKAFOR_CLAIM, kind=NoteKind.CLAIM
    )


def followers_of(claim, count: int) -> list:
    users = [make_user() for _ in range(count)]
    Follow.objects.bulk_create(
        Follow(follower=user, target=Target.CLAIM, target_id=claim.pk) for user in users
    )
    return users


def test_followers_are_told_in_batches(
    article, claim, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(fanout, "BATCH", 3)
    runs = []
    original = fanout.fan_out_batch
    monkeypatch.setattr(
        fanout, "fan_out_batch", lambda row: runs.append(row.cursor) or original(row)
    )
    users = followers_of(claim, 10)
    with django_capture_on_commit_callbacks(execute=True):
        note = make_context_note(article=article)
    told = set(Notification.objects.filter(annotation=note).values_list("recipient", flat=True))
    assert told == {user.pk for user in users}
    assert len(runs) == 4  # 3 + 3 + 3 + 1
    row = Fanout.objects.get()
    assert (row.notified, row.finished_at is not None) == (10, True)


def test_a_follower_of_the_claim_and_the_article_hears_once_as_the_claims(
    article, claim, django_capture_on_commit_callbacks
):
    reader = make_reader()
    Follow.objects.create(follower=reader, target=Target.CLAIM, target_id=claim.pk)
    Follow.objects.create(follower=reader, target=Target.ARTICLE, target_id=article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        make_context_note(article=article)
    assert list(Notification.objects.filter(recipient=reader).values_list("kind", flat=True)) == [
        Kind.CONTEXT
    ]


def test_a_fan_out_resumes_where_it_stopped(
    article, claim, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(fanout, "BATCH", 4)
    users = followers_of(claim, 6)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = make_context_note(article=article)
    assert not Notification.objects.exists()  # nothing before the write commits
    assert len(callbacks) >= 1
    row = Fanout.objects.get()
    assert fanout.fan_out_batch(row) is False  # the worker stopped after one batch…
    row.refresh_from_db()
    fanout.fan_out_task.call(row.pk)  # …and a later run finishes the rest, telling nobody twice
    counts = Notification.objects.filter(annotation=note).values_list("recipient", flat=True)
    assert sorted(counts) == sorted(user.pk for user in users)


def test_the_write_costs_the_same_with_no_followers_or_many(article, claim):
    def queries_of_a_note(exact: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            make_context_note(article=article, exact=exact)
        return len(queries)

    alone = queries_of_a_note(OKAFOR_CLAIM)
    followers_of(claim, 50)
    followed = queries_of_a_note(OKAFOR_CLAIM)
    assert followed <= alone + 1  # the Fanout row; the notifications come after the commit
    assert not Notification.objects.exists()
