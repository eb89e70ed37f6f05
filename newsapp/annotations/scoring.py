"""Order readers' context notes so that one reader or one like-minded camp cannot lift a note.

Pure Python + numpy, no Django: the caller passes plain ratings (rater id, note id, value) and gets
back a score, a method and a status per note, so it can run in a background job.

Bridging score (``method="bridging"``), in the spirit of Community Notes. We fit

    rating ≈ μ + b_rater + b_note + f_rater · f_note

with one-dimensional factors by regularised least squares (Community Notes' loss: mean squared
error plus λ · mean(parameter²) per parameter group, intercepts at 0.15 and factors at 0.03),
solved by alternating least squares from a fixed-seed start, so it is deterministic. Support
that lines up with the factor axis is cheaper to explain through ``f_rater · f_note`` than
through ``b_note``, so a note's score, its intercept ``b_note``, is high only when raters on both
sides of the axis rate it helpful. Rater factors are constrained to sum to zero: without that, in
a community that mostly agrees, the factor term acts as a second intercept and swallows the
support of good notes. Only raters with ``MIN_RATINGS_PER_RATER`` ratings enter the fit: a fresh
account has no position on the axis, so its rating would land on the note's intercept. A note is
fitted when it has ``min_ratings`` ratings from those raters and there are ``MIN_RATERS`` of them.

Statuses: ``"helpful"`` needs a score of at least ``SHOW_THRESHOLD`` (Community Notes' 0.40)
and ``MIN_HELPFUL_PER_SIDE`` ratings of 1.0 from raters on each side of the axis. The second rule
matters when histories are thin: the fit puts some raters near the centre, so a big one-camp
following leaks into the intercept, and accounts that rated only consensus notes look neutral.
``"not_helpful"`` is a score below ``HIDE_THRESHOLD``; anything else is ``"proposed"``. The
factor's sign is arbitrary; only its size and its sign relative to other notes of a fit matter.

Wilson fallback (``method="wilson"``): every other note gets the 95% Wilson lower bound on its
helpful share, counting helpful as 1 and somewhat helpful as half a positive. Its status is
always ``"needs_ratings"``, never ``"helpful"``: a lower bound cannot tell one camp's enthusiasm
from agreement across camps, so any bar a fallback note could pass, a like-minded group could
pass too. It only orders the notes that still need ratings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

type RaterId = int | str
type NoteId = int | str
type Method = Literal["bridging", "wilson"]
type Status = Literal["needs_ratings", "helpful", "not_helpful", "proposed"]

HELPFUL = 1.0
SOMEWHAT_HELPFUL = 0.5
NOT_HELPFUL = 0.0

MIN_RATINGS_PER_NOTE = 5
MIN_RATINGS_PER_RATER = 3
MIN_RATERS = 10
SHOW_THRESHOLD = 0.40
HIDE_THRESHOLD = -0.05
MIN_HELPFUL_PER_SIDE = 2
SIDE_DEAD_ZONE = 0.25

LAMBDA_INTERCEPT = 0.15
LAMBDA_FACTOR = 0.03
MAX_ITERATIONS = 500
TOLERANCE = 1e-7
SEED = 20240
WILSON_Z = 1.96

ORDERING_EXPLANATION = (
    "Notes rise when readers who usually disagree both rate them helpful; "
    "a single reader or a like-minded group cannot lift a note on its own."
)

_STATUS_ORDER: dict[str, int] = {"helpful": 0, "proposed": 1, "needs_ratings": 2, "not_helpful": 3}


@dataclass(frozen=True)
class Rating:
    """One reader's rating of one note: 1.0 helpful, 0.5 somewhat helpful, 0.0 not helpful."""

    rater: RaterId
    note: NoteId
    value: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.value <= 1.0:
            raise ValueError(f"rating value must be within [0, 1], got {self.value!r}")


@dataclass(frozen=True)
class NoteScore:
    """``score`` is b_note (bridging) or the Wilson bound; ``ratings`` counts all ratings."""

    score: float
    method: Method
    status: Status
    ratings: int
    factor: float | None


def wilson_lower_bound(positive: float, total: int, z: float = WILSON_Z) -> float:
    """Lower end of the Wilson score interval for ``positive`` successes out of ``total``.

    ``positive`` may be fractional (somewhat helpful counts as half). No ratings gives 0.
    """
    if total <= 0:
        return 0.0
    if not 0.0 <= positive <= total:
        raise ValueError(f"positive must be within [0, {total}], got {positive!r}")
    share = positive / total
    z2 = z * z
    centre = share + z2 / (2 * total)
    margin = z * math.sqrt(share * (1 - share) / total + z2 / (4 * total * total))
    return max(0.0, (centre - margin) / (1 + z2 / total))


def score_notes(
    ratings: Iterable[Rating],
    *,
    notes: Iterable[NoteId] = (),
    min_ratings: int = MIN_RATINGS_PER_NOTE,
) -> dict[NoteId, NoteScore]:
    """Score every rated note, plus any ids in ``notes`` (unrated ones get a Wilson 0).

    If a rater rated the same note more than once, the last rating in ``ratings`` wins.
    """
    latest = {(rating.rater, rating.note): rating.value for rating in ratings}
    note_ids = sorted({note for _, note in latest} | set(notes), key=_id_key)

    history = Counter(rater for rater, _ in latest)
    counted = {
        key: value for key, value in latest.items() if history[key[0]] >= MIN_RATINGS_PER_RATER
    }
    counted_per_note = Counter(note for _, note in counted)
    bridged = {note for note in note_ids if counted_per_note[note] >= min_ratings}
    if len({rater for rater, _ in counted}) < MIN_RATERS:
        bridged = set()
    fitted, rater_factors = _bridging_fit(counted) if bridged else ({}, {})
    backed_by_both_sides = _helpful_on_both_sides(counted, rater_factors)

    totals = Counter(note for _, note in latest)
    positives: Counter[NoteId] = Counter()
    for (_, note), value in latest.items():
        positives[note] += value

    scores: dict[NoteId, NoteScore] = {}
    for note in note_ids:
        if note in bridged:
            intercept, factor = fitted[note]
            status = _bridging_status(intercept, note in backed_by_both_sides)
            scores[note] = NoteScore(intercept, "bridging", status, totals[note], factor)
        else:
            lower = round(wilson_lower_bound(positives[note], totals[note]), 6)
            scores[note] = NoteScore(lower, "wilson", "needs_ratings", totals[note], None)
    return scores


def _id_key(item_id: RaterId | NoteId) -> tuple[int, int | str]:
    """Orders ids deterministically even when ints and strings are mixed: ints first."""
    return (1, item_id) if isinstance(item_id, str) else (0, item_id)


def sort_key(note_id: NoteId, note: NoteScore, created: Any = None) -> tuple:
    """Display order: status (helpful, proposed, needs ratings, not helpful), then higher score,
    then more ratings, then older (``created``, if given, e.g. a datetime), then id.

    Scores from the two methods are never compared: every fallback note is "needs_ratings".
    """
    age = (0, created) if created is not None else (1,)
    return (_STATUS_ORDER[note.status], -note.score, -note.ratings, age, _id_key(note_id))


def rank_notes(
    scores: Mapping[NoteId, NoteScore], created: Mapping[NoteId, Any] | None = None
) -> list[NoteId]:
    """Note ids in display order (see ``sort_key``); ``created`` maps ids to creation times."""
    ages = created or {}
    return sorted(scores, key=lambda note: sort_key(note, scores[note], ages.get(note)))


def _bridging_status(intercept: float, both_sides: bool) -> Status:
    if intercept >= SHOW_THRESHOLD and both_sides:
        return "helpful"
    if intercept < HIDE_THRESHOLD:
        return "not_helpful"
    return "proposed"


def _helpful_on_both_sides(
    ratings: Mapping[tuple[RaterId, NoteId], float], rater_factors: Mapping[RaterId, float]
) -> set[NoteId]:
    """Notes rated helpful by ``MIN_HELPFUL_PER_SIDE`` raters on each side of the factor axis.

    Rater factors sum to zero, so a factor's sign is a side. Raters within ``SIDE_DEAD_ZONE`` root
    mean squares of zero are on neither: noise must not let consensus-only raters pass for both.
    """
    if not rater_factors:
        return set()
    spread = math.sqrt(sum(f * f for f in rater_factors.values()) / len(rater_factors))
    per_side = Counter(
        (note, rater_factors[rater] > 0)
        for (rater, note), value in ratings.items()
        if value >= HELPFUL and abs(rater_factors[rater]) > SIDE_DEAD_ZONE * spread
    )
    enough = {key for key, count in per_side.items() if count >= MIN_HELPFUL_PER_SIDE}
    return {note for note, positive in enough if positive and (note, False) in enough}


def _bridging_fit(
    ratings: Mapping[tuple[RaterId, NoteId], float],
) -> tuple[dict[NoteId, tuple[float, float]], dict[RaterId, float]]:
    """Alternating least squares for the module docstring's model: (b_note, f_note) per note,
    f_rater per rater."""
    rater_ids = sorted({rater for rater, _ in ratings}, key=_id_key)
    note_ids = sorted({note for _, note in ratings}, key=_id_key)
    rater_index = {rater: i for i, rater in enumerate(rater_ids)}
    note_index = {note: i for i, note in enumerate(note_ids)}
    # Sorting the rows makes every sum run in the same order whatever order the input came in.
    rows = sorted((note_index[n], rater_index[r], value) for (r, n), value in ratings.items())
    table = np.array(rows, dtype=float)
    notes, raters, values = table[:, 0].astype(int), table[:, 1].astype(int), table[:, 2]

    rater_factor = np.random.default_rng(SEED).normal(0.0, 0.1, len(rater_ids))
    rater_intercept = np.zeros(len(rater_ids))
    note_intercept = np.zeros(len(note_ids))
    note_factor = np.zeros(len(note_ids))
    mean = float(values.mean())
    # Community Notes' loss: mean squared error + λ · mean(parameter²) for each parameter group.
    # Times the number of ratings, each parameter's penalty is λ · (ratings per rater or note).
    per_rater = len(values) / len(rater_ids)
    per_note = len(values) / len(note_ids)
    for _ in range(MAX_ITERATIONS):
        previous = note_intercept
        target = values - mean - rater_intercept[raters]
        note_intercept, note_factor = _ridge_per_group(
            notes, per_note, target, rater_factor[raters], centre=False
        )
        target = values - mean - note_intercept[notes]
        rater_intercept, rater_factor = _ridge_per_group(
            raters, per_rater, target, note_factor[notes], centre=True
        )
        explained = rater_intercept[raters] + note_intercept[notes]
        explained += rater_factor[raters] * note_factor[notes]
        mean = float((values - explained).sum() / (len(values) * (1 + LAMBDA_INTERCEPT)))
        if np.max(np.abs(note_intercept - previous)) < TOLERANCE:
            break
    notes_fitted = {
        note: (round(float(note_intercept[i]), 6), round(float(note_factor[i]), 6))
        for i, note in enumerate(note_ids)
    }
    return notes_fitted, dict(zip(rater_ids, rater_factor.tolist(), strict=True))


def _ridge_per_group(
    group: np.ndarray, per_member: float, target: np.ndarray, feature: np.ndarray, centre: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per group member, ridge-fit ``target ≈ intercept + slope · feature`` (a 2x2 solve); with
    ``centre``, under the constraint that the slopes sum to zero (one Lagrange multiplier)."""
    size = int(group.max()) + 1
    a11 = np.bincount(group, minlength=size) + LAMBDA_INTERCEPT * per_member
    a12 = np.bincount(group, feature, size)
    a22 = np.bincount(group, feature * feature, size) + LAMBDA_FACTOR * per_member
    b1 = np.bincount(group, target, size)
    b2 = np.bincount(group, feature * target, size)
    determinant = a11 * a22 - a12 * a12
    intercept = (a22 * b1 - a12 * b2) / determinant
    slope = (a11 * b2 - a12 * b1) / determinant
    if centre:
        multiplier = slope.sum() / (a11 / determinant).sum()
        intercept += multiplier * a12 / determinant
        slope -= multiplier * a11 / determinant
    return intercept, slope
