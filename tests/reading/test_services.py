"""The reading list's writes: save, archive, remove, progress, mark as read, library visits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsapp.ratelimit import RateLimited
from newsapp.reading import services
from newsapp.reading.models import LibraryVisit, ReadingEntry, Status
from newsapp.reading.services import (
    REMOVE,
    library_visit_record,
    parse_offset,
    reading_mark_read,
    reading_record_progress,
    reading_set_status,
)
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return make_user()


@pytest.fixture
def article():
    return make_article()


def test_saving_puts_the_article_on_the_list_and_removing_forgets_it(reader, article):
    entry = reading_set_status(reader=reader, article=article, status=Status.SAVED)
    assert entry.on_the_list
    assert reading_set_status(reader=reader, article=article, status=REMOVE) is None
    assert not ReadingEntry.objects.exists()


def test_an_unknown_status_is_refused_and_writes_nothing(reader, article):
    with pytest.raises(ValidationError) as refused:
        reading_set_status(reader=reader, article=article, status="favourite")
    assert "status" in refused.value.message_dict
    assert not ReadingEntry.objects.exists()


def test_progress_moves_a_saved_article_to_reading_and_keeps_the_furthest_point(reader, article):
    reading_set_status(reader=reader, article=article, status=Status.SAVED)
    half = len(article.body_text) // 2
    entry = reading_record_progress(reader=reader, article=article, position=half)
    assert entry.status == Status.READING
    assert entry.progress == pytest.approx(half / len(article.body_text))
    back_up = reading_record_progress(reader=reader, article=article, position=10)
    assert back_up.position == 10
    assert back_up.progress == pytest.approx(half / len(article.body_text))


def test_progress_on_an_unlisted_article_starts_reading_it(reader, article):
    entry = reading_record_progress(reader=reader, article=article, position=5, seen=40)
    assert entry.status == Status.READING
    assert entry.progress == pytest.approx(40 / len(article.body_text))


def test_an_archived_article_keeps_its_place_on_the_shelf_while_reread(reader, article):
    reading_mark_read(reader=reader, article=article)
    entry = reading_record_progress(reader=reader, article=article, position=3)
    assert entry.status == Status.ARCHIVED
    assert entry.position == 3


@pytest.mark.parametrize("position", [-1, 10**9])
def test_offsets_outside_the_text_are_refused(reader, article, position):
    with pytest.raises(ValidationError):
        reading_record_progress(reader=reader, article=article, position=position)
    assert not ReadingEntry.objects.exists()


@pytest.mark.parametrize("raw", ["", "abc", "1.5", None, "١٢", "-3", "9" * 40])
def test_offsets_must_be_whole_numbers(raw):
    with pytest.raises(ValidationError):
        parse_offset(raw, "position")


def test_mark_as_read_archives_it_read_to_the_end(reader, article):
    entry = reading_mark_read(reader=reader, article=article)
    assert (entry.status, entry.progress) == (Status.ARCHIVED, 1.0)
    assert entry.finished_at is not None


def test_progress_reports_are_rate_limited(reader, article, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_PER_MINUTE", 3)
    for _ in range(3):
        reading_record_progress(reader=reader, article=article, position=1)
    with pytest.raises(RateLimited):
        reading_record_progress(reader=reader, article=article, position=2)


def test_a_visit_remembers_where_the_previous_one_ended(reader):
    start = timezone.now()
    assert library_visit_record(reader=reader, now=start) is None  # a first visit: nothing new
    later_same_visit = start + timedelta(minutes=10)
    assert library_visit_record(reader=reader, now=later_same_visit) is None
    next_day = start + timedelta(days=1)
    assert library_visit_record(reader=reader, now=next_day) == later_same_visit
    # the rest of that visit keeps the same line between old and new
    assert library_visit_record(reader=reader, now=next_day + timedelta(minutes=5)) == (
        later_same_visit
    )
    assert LibraryVisit.objects.get(reader=reader).last_seen_at == next_day + timedelta(minutes=5)
