"""Ratings of context notes and the stored bridging scores behind "Readers added context"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from newsapp.annotations.models import Kind
from newsapp.annotations.services import (
    annotation_delete,
    annotation_update,
    reply_create,
)
from newsapp.claims import ratings
from newsapp.claims.models import NoteRating, NoteScore, NoteStatus, RatingValue, ScoringRun
from newsapp.claims.ratings import note_rate, notes_rescore, rescore_notes_task
from newsapp.ratelimit import RateLimited
from tests.claims.factories import (
    DISPLACED_CLAIM,
    make_context_note,
    make_quoted_article,
    rate,
    seed_camps,
)
from tests.factories import make_annotation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_quoted_article()


@pytest.fixture
def note(article):
    return make_context_note(article=article)


def status_of(note) -> str:
    score = NoteScore.objects.filter(annotation=note).first()
    return score.status if score else NoteStatus.NEEDS_RATINGS


def test_a_rating_is_stored_and_a_second_one_replaces_it(note):
    rater = make_user()
    note_rate(annotation=note, rater=rater, value=RatingValue.HELPFUL)
    note_rate(annotation=note, rater=rater, value=RatingValue.NOT_HELPFUL)
    assert NoteRating.objects.get().value == RatingValue.NOT_HELPFUL


def test_every_rating_rescores_and_marks_the_article_changed(article, note):
    before = article.annotations_changed_at
    note_rate(annotation=note, rater=make_user(), value=RatingValue.HELPFUL)
    score = NoteScore.objects.get(annotation=note)
    assert (score.method, score.status, score.ratings) == ("wilson", "needs_ratings", 1)
    article.refresh_from_db()
    assert article.annotations_changed_at > before


def test_nobody_rates_their_own_note(note):
    with pytest.raises(PermissionDenied):
        note_rate(annotation=note, rater=note.author, value=RatingValue.HELPFUL)
    assert not NoteRating.objects.exists()


@pytest.mark.parametrize("visibility", ["private", "unlisted"])
def test_only_public_notes_take_ratings(article, visibility):
    hidden = make_context_note(article=article, visibility=visibility)
    with pytest.raises(ValidationError):
        note_rate(annotation=hidden, rater=make_user(), value=RatingValue.HELPFUL)
    assert not NoteRating.objects.exists()


def test_only_context_notes_take_ratings(article):
    bare_claim = make_annotation(
        article=article, author=make_user(), exact=DISPLACED_CLAIM, kind=Kind.CLAIM
    )
    plain_note = make_annotation(
        article=article, author=make_user(), exact=DISPLACED_CLAIM, note="Big number."
    )
    reply = reply_create(
        parent=make_context_note(article=article), author=make_user(), note="I agree."
    )
    for annotation in (bare_claim, plain_note, reply):
        with pytest.raises(ValidationError):
            note_rate(annotation=annotation, rater=make_user(), value=RatingValue.HELPFUL)
    assert not NoteRating.objects.exists()


def test_a_claim_with_only_a_source_is_a_context_note(article):
    sourced = make_context_note(article=article, exact=DISPLACED_CLAIM, note="")
    note_rate(annotation=sourced, rater=make_user(), value=RatingValue.SOMEWHAT)
    assert NoteRating.objects.get().value == "somewhat"


def test_unknown_values_are_refused(note):
    with pytest.raises(ValidationError):
        note_rate(annotation=note, rater=make_user(), value="very")
    assert not NoteRating.objects.exists()


def test_ratings_are_rate_limited(monkeypatch, article):
    monkeypatch.setattr(ratings, "RATINGS_PER_MINUTE", 2)
    rater = make_user()
    notes = [make_context_note(article=article) for _ in range(3)]
    note_rate(annotation=notes[0], rater=rater, value=RatingValue.HELPFUL)
    note_rate(annotation=notes[1], rater=rater, value=RatingValue.HELPFUL)
    with pytest.raises(RateLimited):
        note_rate(annotation=notes[2], rater=rater, value=RatingValue.HELPFUL)
    assert NoteRating.objects.count() == 2


# --- the bridging model on stored ratings ------------------------------------------------------


def test_readers_who_usually_disagree_lift_a_note_to_shown(note):
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    result = notes_rescore()
    score = NoteScore.objects.get(annotation=note)
    assert (score.method, score.status) == ("bridging", NoteStatus.HELPFUL)
    assert result.helpful == 1


def test_a_like_minded_block_cannot_push_a_note_to_shown(note):
    camp_a, _ = seed_camps(per_camp=8)
    for rater in camp_a:
        rate(note, rater)
    notes_rescore()
    score = NoteScore.objects.get(annotation=note)
    assert score.method == "bridging"
    assert score.ratings == 8
    assert score.status != NoteStatus.HELPFUL


def test_one_enthusiast_rating_many_times_counts_once(note):
    camp_a, _ = seed_camps()
    for _ in range(5):
        note_rate(annotation=note, rater=camp_a[0], value=RatingValue.HELPFUL)
    assert NoteRating.objects.filter(annotation=note).count() == 1
    assert status_of(note) == NoteStatus.NEEDS_RATINGS


def test_few_ratings_stay_on_the_fallback_and_never_show(note):
    for _ in range(4):
        rate(note, make_user())
    notes_rescore()
    score = NoteScore.objects.get(annotation=note)
    assert (score.method, score.status) == ("wilson", NoteStatus.NEEDS_RATINGS)
    assert score.score > 0


def test_a_deleted_or_hidden_note_loses_its_score(note):
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    notes_rescore()
    assert status_of(note) == NoteStatus.HELPFUL
    annotation_update(
        annotation=note,
        user=note.author,
        note=note.note,
        kind=note.kind,
        visibility="private",
        tags=[],
        sources=[],
    )
    notes_rescore()
    assert not NoteScore.objects.filter(annotation=note).exists()
    annotation_delete(annotation=note, user=note.author)
    assert notes_rescore().notes == 6  # only the history notes are left


def test_rescore_marks_articles_whose_notes_changed_status(article, note):
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    article.refresh_from_db()
    before = article.annotations_changed_at
    notes_rescore()
    article.refresh_from_db()
    assert article.annotations_changed_at > before
    notes_rescore()
    unchanged = article.annotations_changed_at
    article.refresh_from_db()
    assert article.annotations_changed_at == unchanged


def test_score_notes_command_reports(note, capsys):
    from django.core.management import call_command

    rate(note, make_user())
    call_command("score_notes")
    assert "Scored 1 rated note(s) from 1 rating(s)" in capsys.readouterr().out


def test_with_a_worker_the_rating_request_only_queues_the_rescore(settings, note):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    note_rate(annotation=note, rater=make_user(), value=RatingValue.HELPFUL)
    assert not NoteScore.objects.exists()
    assert not ScoringRun.objects.exists()
    (queued,) = default_task_backend.results
    assert queued.task.name == "rescore_notes_task"
    assert rescore_notes_task.call(*queued.args).startswith("Scored 1 rated note")
    assert NoteScore.objects.get(annotation=note).ratings == 1


def test_a_queued_rescore_stops_when_a_later_run_counted_its_rating(note):
    requested = timezone.now()
    rate(note, make_user())
    notes_rescore()
    assert rescore_notes_task.call(requested.isoformat()).startswith("Skipped")
    later = timezone.now()
    assert rescore_notes_task.call(later.isoformat()).startswith("Scored")
    run = ScoringRun.objects.first()
    assert (run.notes, run.ratings) == (1, 1)
    assert run.finished_at >= run.started_at
