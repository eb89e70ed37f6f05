"""Readers rate context notes; a bridging model (annotations.scoring) turns ratings into scores.

A context note is a public, top-level annotation of kind claim or quote that says something:
a note or at least one source. Scores are recomputed for all notes at once (the model needs
every rater's history): by `manage.py score_notes`, and after each rating through the task
`rescore_notes_task`. With the database task worker it runs in the background; a task finds
that a run which started after its rating already counted it and stops, so a burst of ratings
costs one or two fits, not one each. With the ImmediateBackend (tests, GLOSS_TASKS_IMMEDIATE)
it runs inside the rating request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.utils import timezone

from newsapp import ratelimit
from newsapp.annotations.models import Annotation, ContextSource, Kind, Visibility
from newsapp.annotations.scoring import Rating, score_notes
from newsapp.reader import layers

from .models import RATING_NUMBERS, NoteRating, NoteScore, NoteStatus, RatingValue, ScoringRun

CONTEXT_KINDS = (Kind.CLAIM, Kind.QUOTE)
RATINGS_PER_MINUTE = 60
KEEP_RUNS = timedelta(days=7)


def context_notes():
    """Annotations that take ratings: public, alive, top-level claims and quotes with a note
    or a source. (Anyone may see them: they are a subset of `visible_to(None)`.)"""
    return (
        Annotation.objects.visible_to(None)
        .top_level()
        .filter(kind__in=CONTEXT_KINDS)
        .filter(~Q(note="") | Exists(ContextSource.objects.filter(annotation=OuterRef("pk"))))
    )


def is_context_note(annotation: Annotation) -> bool:
    return context_notes().filter(pk=annotation.pk).exists()


def note_rate(*, annotation: Annotation, rater, value: str) -> NoteRating:
    """Record `rater`'s rating of a context note; a second rating replaces the first.

    Raises PermissionDenied for one's own note, ValidationError for a value or a note that
    cannot be rated, RateLimited past RATINGS_PER_MINUTE; nothing is written then. The caller
    answers 404 for notes the rater cannot see (see views.rateable_note).
    """
    if value not in RatingValue.values:
        raise ValidationError({"value": "Choose helpful, somewhat helpful or not helpful."})
    if annotation.author_id == rater.pk:
        raise PermissionDenied("You cannot rate your own note.")
    if annotation.visibility != Visibility.PUBLIC or not is_context_note(annotation):
        raise ValidationError(
            {"value": "Only public context notes on claims and quotes take ratings."}
        )
    limit = ratelimit.counted(
        "rate-note",
        rater.pk,
        limit=RATINGS_PER_MINUTE,
        message=f"You have rated {RATINGS_PER_MINUTE} notes in the last minute. Try again shortly.",
    )
    with limit, transaction.atomic():
        rating, _ = NoteRating.objects.update_or_create(
            annotation=annotation, rater=rater, defaults={"value": value}
        )
        # The rater's own card shows their rating; the reader caches cards per article state.
        annotation.article.mark_annotations_changed()
    request_rescore()
    return rating


def note_unrate(*, annotation: Annotation, rater) -> None:
    with transaction.atomic():
        deleted, _ = NoteRating.objects.filter(annotation=annotation, rater=rater).delete()
        if deleted:
            annotation.article.mark_annotations_changed()
    if deleted:
        request_rescore()


def request_rescore() -> None:
    """Queue a recomputation of every score that will count everything written so far."""
    rescore_notes_task.enqueue(timezone.now().isoformat())


@task
def rescore_notes_task(requested_at: str) -> str:
    if ScoringRun.objects.filter(started_at__gt=datetime.fromisoformat(requested_at)).exists():
        return "Skipped: a run that started later has counted these ratings."
    return notes_rescore().describe()


@dataclass(frozen=True)
class RescoreResult:
    notes: int
    ratings: int
    changed: int
    helpful: int

    def describe(self) -> str:
        return (
            f"Scored {self.notes} rated note(s) from {self.ratings} rating(s): "
            f"{self.changed} changed, {self.helpful} shown as helpful."
        )


def notes_rescore() -> RescoreResult:
    """Recompute and store the score of every rated context note.

    Ratings of notes that can no longer be rated (deleted, made private) are left out and
    their scores removed. Articles whose notes changed status are marked changed, so their
    pages show the new status and the "Readers added context" box at once.
    """
    run = ScoringRun.objects.create(started_at=timezone.now())
    ScoringRun.objects.filter(started_at__lt=run.started_at - KEEP_RUNS).delete()
    rows = list(
        NoteRating.objects.filter(annotation__in=context_notes().values("pk"))
        .order_by("updated_at", "pk")
        .values_list("rater_id", "annotation_id", "value")
    )
    ratings = [Rating(rater, note, RATING_NUMBERS[value]) for rater, note, value in rows]
    scores = score_notes(ratings)
    with transaction.atomic():
        changed_notes = _store_scores(scores)
        articles = Annotation.objects.filter(pk__in=changed_notes).select_related("article")
        for article in {annotation.article for annotation in articles}:
            article.mark_annotations_changed()
        shown = sorted(
            note
            for note in changed_notes
            if note in scores and scores[note].status == NoteStatus.HELPFUL
        )
        if shown:
            layers.follow_change(layers.Change(layers.NOTES_SHOWN, annotation_ids=tuple(shown)))
    result = RescoreResult(
        notes=len(scores),
        ratings=len(rows),
        changed=len(changed_notes),
        helpful=sum(1 for score in scores.values() if score.status == NoteStatus.HELPFUL),
    )
    ScoringRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        notes=result.notes,
        ratings=result.ratings,
        changed=result.changed,
        helpful=result.helpful,
    )
    return result


SCORE_FIELDS = ("score", "method", "status", "ratings", "factor")


def _store_scores(scores: dict) -> set[int]:
    """Write the scores that changed, delete those of notes no longer scored; return the notes
    whose status changed (their articles' pages must show it)."""
    stored = {score.annotation_id: score for score in NoteScore.objects.all()}
    fresh, changed_notes = [], set()
    for note_id, result in scores.items():
        previous = stored.get(note_id)
        if previous is None or previous.status != result.status:
            changed_notes.add(note_id)
        values = {name: getattr(result, name) for name in SCORE_FIELDS}
        if previous is None or any(getattr(previous, n) != v for n, v in values.items()):
            fresh.append(NoteScore(annotation_id=note_id, **values))
    gone = [note_id for note_id in stored if note_id not in scores]
    changed_notes.update(
        note_id for note_id in gone if stored[note_id].status != NoteStatus.NEEDS_RATINGS
    )
    NoteScore.objects.filter(pk__in=gone).delete()
    NoteScore.objects.bulk_create(
        fresh,
        update_conflicts=True,
        unique_fields=["annotation"],
        update_fields=[*SCORE_FIELDS, "computed_at"],
    )
    return changed_notes
