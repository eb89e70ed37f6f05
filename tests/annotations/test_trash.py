"""The trash says when each note was deleted the way a person would: "just now", not
"0 minutes ago"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import annotation_delete
from newsapp.reader.templatetags.time_phrases import time_ago
from tests.factories import make_annotation, make_article, make_user

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_note_deleted_a_moment_ago_was_deleted_just_now(client):
    author = make_user()
    note = make_annotation(article=make_article(), author=author)
    annotation_delete(annotation=note, user=author)
    client.force_login(author)
    page = client.get(reverse("annotations:trash")).content.decode()
    assert "deleted <time" in page
    assert ">just now</time>" in page
    assert "0 minutes" not in page


@pytest.mark.django_db
def test_older_deletions_count_minutes_then_hours(client):
    author = make_user()
    article = make_article()
    earlier = make_annotation(article=article, author=author)
    annotation_delete(annotation=earlier, user=author)
    Annotation.objects.filter(pk=earlier.pk).update(
        deleted_at=earlier.deleted_at - timedelta(hours=3, minutes=5)
    )
    client.force_login(author)
    assert ">3 hours ago</time>" in client.get(reverse("annotations:trash")).content.decode()


@pytest.mark.parametrize(
    ("before", "phrase"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=-5), "just now"),  # another server's clock, a little ahead
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=59, seconds=59), "59 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23), "23 hours ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=20), "on 26 May"),
        (timedelta(days=400), "on 11 May 2025"),
    ],
)
def test_time_ago_reads_naturally(before, phrase):
    assert time_ago(NOW - before, NOW) == phrase
