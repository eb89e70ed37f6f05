from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.annotations.scoring import (
    HELPFUL,
    MIN_RATERS,
    NOT_HELPFUL,
    SHOW_THRESHOLD,
    SOMEWHAT_HELPFUL,
    NoteScore,
    Rating,
    rank_notes,
    score_notes,
    sort_key,
    wilson_lower_bound,
)

Z_SQUARED = 1.96**2


def camp_population(
    *,
    per_camp: int = 20,
    partisan_notes: int = 6,
    good_notes: int = 3,
    rated_share: float = 0.5,
    seed: int = 7,
) -> list[Rating]:
    """Two camps of readers who each rate a share of the notes: their own side's notes helpful,
    the other side's not helpful, and neutral notes the same way as everyone else."""
    rng = random.Random(seed)
    leaning = {f"a-side-{i}": "a" for i in range(partisan_notes)}
    leaning |= {f"b-side-{i}": "b" for i in range(partisan_notes)}
    leaning |= {f"neutral-good-{i}": "good" for i in range(good_notes)}
    leaning |= {f"neutral-poor-{i}": "poor" for i in range(2)}
    ratings = []
    for camp in "ab":
        for number in range(per_camp):
            for note, side in leaning.items():
                if rng.random() >= rated_share:
                    continue
                liked = side in (camp, "good")
                certain = rng.random() < 0.8
                value = SOMEWHAT_HELPFUL if not certain else HELPFUL if liked else NOT_HELPFUL
                ratings.append(Rating(f"{camp}{number}", note, value))
    return ratings


def rate(note: str, raters: list[str], value: float = HELPFUL) -> list[Rating]:
    return [Rating(rater, note, value) for rater in raters]


def camp(name: str, count: int, start: int = 0) -> list[str]:
    return [f"{name}{number}" for number in range(start, start + count)]


def sock_puppets_with_camp_a_history(count: int, target: str) -> list[Rating]:
    """Accounts that copy camp a's record on partisan notes, then all back one note."""
    rng = random.Random(99)
    ratings = []
    for number in range(count):
        puppet = f"puppet{number}"
        for i in range(6):
            for side, value in (("a", HELPFUL), ("b", NOT_HELPFUL)):
                if rng.random() < 0.5:
                    ratings.append(Rating(puppet, f"{side}-side-{i}", value))
        ratings.append(Rating(puppet, target, HELPFUL))
    return ratings


BRIDGING = rate("bridging", camp("a", 6) + camp("b", 6))
ONE_CAMP = rate("one-camp", camp("a", 20)) + rate("one-camp", camp("b", 10), NOT_HELPFUL)


def test_note_helpful_to_both_camps_outranks_one_camp_favourite_with_more_ratings() -> None:
    scores = score_notes(camp_population() + BRIDGING + ONE_CAMP)
    bridging, one_camp = scores["bridging"], scores["one-camp"]
    assert bridging.method == one_camp.method == "bridging"
    assert one_camp.ratings > bridging.ratings
    assert bridging.score > one_camp.score
    assert bridging.status == "helpful"
    assert one_camp.status != "helpful"
    ranking = rank_notes(scores)
    assert ranking.index("bridging") < ranking.index("one-camp")


def test_note_backed_by_one_camp_only_is_not_shown() -> None:
    unopposed = rate("unopposed", camp("a", 20))
    scores = score_notes(camp_population() + BRIDGING + unopposed)
    assert scores["unopposed"].status != "helpful"
    assert scores["unopposed"].score < scores["bridging"].score


def test_sock_puppets_sharing_a_camps_history_cannot_lift_a_note() -> None:
    ratings = camp_population() + BRIDGING + sock_puppets_with_camp_a_history(30, "brigaded")
    scores = score_notes(ratings)
    brigaded = scores["brigaded"]
    assert brigaded.method == "bridging"
    assert brigaded.ratings == 30
    assert brigaded.score < SHOW_THRESHOLD
    assert brigaded.status != "helpful"
    assert brigaded.score < scores["bridging"].score
    assert scores["bridging"].status == "helpful"


def test_sock_puppets_posing_as_neutral_readers_are_not_shown() -> None:
    rng = random.Random(4)
    posers = []
    for number in range(30):
        poser = f"poser{number}"
        for i in rng.sample(range(12), 5):
            posers.append(Rating(poser, f"neutral-good-{i}", HELPFUL))
        posers += [Rating(poser, f"neutral-poor-{i}", NOT_HELPFUL) for i in range(2)]
        posers.append(Rating(poser, "brigaded", HELPFUL))
    scores = score_notes(camp_population(good_notes=12) + BRIDGING + posers)
    # Their intercept can be high (they look like neutral readers), but nobody with a known
    # leaning on either side backed the note, so it is never shown.
    assert scores["brigaded"].method == "bridging"
    assert scores["brigaded"].status == "proposed"
    ranking = rank_notes(scores)
    assert ranking.index("bridging") < ranking.index("brigaded")


def test_large_one_camp_following_with_thin_histories_is_not_shown() -> None:
    # Raters who rated only a few partisan notes sit near the centre of the axis, so a big
    # one-camp following lifts the intercept; the note still lacks helpful ratings from camp b.
    population = camp_population(per_camp=200, partisan_notes=30, rated_share=0.1)
    scores = score_notes(population + BRIDGING + rate("one-camp", camp("a", 200)))
    one_camp = scores["one-camp"]
    assert one_camp.score >= SHOW_THRESHOLD
    assert one_camp.status == "proposed"
    assert scores["bridging"].status == "helpful"
    ranking = rank_notes(scores)
    assert ranking.index("bridging") < ranking.index("one-camp")


def test_a_community_that_mostly_agrees_still_shows_its_good_notes() -> None:
    rng = random.Random(11)
    ratings = []
    for number in range(40):
        for note in range(12):
            if rng.random() < 0.6:
                good, certain = note % 3 != 0, rng.random() < 0.8
                value = SOMEWHAT_HELPFUL if not certain else HELPFUL if good else NOT_HELPFUL
                ratings.append(Rating(f"r{number}", note, value))
    scores = score_notes(ratings)
    good = [scores[note] for note in range(12) if note % 3 != 0]
    poor = [scores[note] for note in range(12) if note % 3 == 0]
    assert {s.method for s in scores.values()} == {"bridging"}
    assert min(s.score for s in good) > max(s.score for s in poor)
    assert sum(s.status == "helpful" for s in good) >= len(good) // 2
    assert {s.status for s in poor} == {"not_helpful"}


def test_fresh_accounts_with_no_history_are_left_out_of_the_bridging_fit() -> None:
    throwaways = rate("brigaded", [f"new{number}" for number in range(30)])
    scores = score_notes(camp_population() + throwaways)
    assert scores["brigaded"].method == "wilson"
    assert scores["brigaded"].status == "needs_ratings"


def test_one_changed_rating_barely_moves_a_note_in_a_large_population() -> None:
    population = camp_population(per_camp=60)
    bridging = rate("bridging", camp("a", 15) + camp("b", 15))
    one_camp = rate("one-camp", camp("a", 30)) + rate("one-camp", camp("b", 15), NOT_HELPFUL)
    before = score_notes(population + bridging + one_camp)

    flipped_bridging = [*bridging[:-1], Rating("b14", "bridging", NOT_HELPFUL)]
    flipped_one_camp = [*one_camp[:-1], Rating("b14", "one-camp", HELPFUL)]
    after = score_notes(population + flipped_bridging + flipped_one_camp)

    for note in ("bridging", "one-camp"):
        assert before[note].score != after[note].score
        assert abs(before[note].score - after[note].score) < 0.05
        assert before[note].status == after[note].status
    assert after["bridging"].status == "helpful"
    assert after["one-camp"].status != "helpful"


def test_one_voter_alone_never_makes_a_note_helpful() -> None:
    scores = score_notes([Rating("solo", "note", HELPFUL)])
    assert scores == {"note": NoteScore(scores["note"].score, "wilson", "needs_ratings", 1, None)}
    assert scores["note"].score == pytest.approx(1 / (1 + Z_SQUARED), abs=1e-6)

    everything = [Rating("solo", f"note{i}", HELPFUL) for i in range(50)]
    assert {s.status for s in score_notes(everything).values()} == {"needs_ratings"}


def test_small_population_falls_back_to_wilson_for_every_note() -> None:
    raters = [f"r{number}" for number in range(MIN_RATERS - 1)]
    ratings = [Rating(rater, f"n{i}", HELPFUL) for rater in raters for i in range(8)]
    scores = score_notes(ratings)
    assert {(s.method, s.status) for s in scores.values()} == {("wilson", "needs_ratings")}
    assert scores["n0"].score == pytest.approx(wilson_lower_bound(len(raters), len(raters)))


def test_note_below_min_ratings_uses_fallback_until_it_reaches_the_minimum() -> None:
    few = rate("few", camp("a", 2) + camp("b", 2))
    assert score_notes(camp_population() + few)["few"].method == "wilson"
    assert score_notes(camp_population() + few, min_ratings=4)["few"].method == "bridging"


def test_fallback_counts_somewhat_helpful_as_half() -> None:
    ratings = [Rating("x", "n", HELPFUL), Rating("y", "n", SOMEWHAT_HELPFUL), Rating("z", "n", 0)]
    assert score_notes(ratings)["n"].score == pytest.approx(wilson_lower_bound(1.5, 3), abs=1e-6)


def test_wilson_lower_bound_known_values() -> None:
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(0, 10) == 0.0
    # With every rating positive the bound simplifies to n / (n + z²).
    assert wilson_lower_bound(10, 10) == pytest.approx(10 / (10 + Z_SQUARED))
    assert wilson_lower_bound(5, 5) == pytest.approx(5 / (5 + Z_SQUARED))
    assert wilson_lower_bound(10, 10) > wilson_lower_bound(5, 5)
    assert wilson_lower_bound(50, 100) == pytest.approx(0.40383, abs=1e-5)
    with pytest.raises(ValueError):
        wilson_lower_bound(6, 5)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 500), st.data())
def test_wilson_lower_bound_is_monotone_and_below_the_share(total: int, data) -> None:
    halves = data.draw(st.integers(0, 2 * total - 1))
    lower, higher = (
        wilson_lower_bound(halves / 2, total),
        wilson_lower_bound((halves + 1) / 2, total),
    )
    assert 0.0 <= lower < higher <= (halves + 1) / 2 / total


def test_empty_input_and_notes_nobody_rated() -> None:
    assert score_notes([]) == {}
    unrated = score_notes([], notes=["n1", 7])
    assert unrated == {
        "n1": NoteScore(0.0, "wilson", "needs_ratings", 0, None),
        7: NoteScore(0.0, "wilson", "needs_ratings", 0, None),
    }
    scores = score_notes(camp_population() + BRIDGING, notes=["silent"])
    assert scores["silent"] == NoteScore(0.0, "wilson", "needs_ratings", 0, None)
    assert rank_notes(scores).index("bridging") < rank_notes(scores).index("silent")


def test_results_do_not_depend_on_input_order() -> None:
    ratings = camp_population() + BRIDGING + ONE_CAMP
    shuffled = ratings[:]
    random.Random(3).shuffle(shuffled)
    assert score_notes(shuffled) == score_notes(ratings)
    assert rank_notes(score_notes(shuffled)) == rank_notes(score_notes(ratings))


def test_ties_break_on_ratings_then_age_then_id() -> None:
    same = NoteScore(0.2, "bridging", "proposed", 9, 0.0)
    more_rated = NoteScore(0.2, "bridging", "proposed", 12, 0.0)
    scores = {"c": same, "a": same, 10: same, 9: same, "b": more_rated}
    assert rank_notes(scores) == ["b", 9, 10, "a", "c"]
    assert rank_notes(scores, created={"c": 1, "a": 2}) == ["b", "c", "a", 9, 10]
    assert sort_key("a", same) < sort_key("c", same)


def test_status_order_puts_helpful_first_and_not_helpful_last() -> None:
    scores = {
        "hidden": NoteScore(-0.3, "bridging", "not_helpful", 40, 0.1),
        "new": NoteScore(0.9, "wilson", "needs_ratings", 3, None),
        "maybe": NoteScore(0.1, "bridging", "proposed", 20, 0.6),
        "shown": NoteScore(0.45, "bridging", "helpful", 15, 0.0),
    }
    assert rank_notes(scores) == ["shown", "maybe", "new", "hidden"]


def test_identical_notes_tie_exactly_and_order_by_id() -> None:
    twins = rate("twin-2", camp("a", 6) + camp("b", 6)) + rate(
        "twin-1", camp("a", 6) + camp("b", 6)
    )
    scores = score_notes(camp_population() + twins)
    assert scores["twin-1"] == scores["twin-2"]
    ranking = rank_notes(scores)
    assert ranking.index("twin-1") == ranking.index("twin-2") - 1


def test_a_changed_rating_replaces_the_earlier_one() -> None:
    changed = [Rating("x", "n", HELPFUL), Rating("x", "n", NOT_HELPFUL)]
    assert score_notes(changed)["n"] == NoteScore(0.0, "wilson", "needs_ratings", 1, None)


def test_rating_values_outside_zero_to_one_are_rejected() -> None:
    with pytest.raises(ValueError):
        Rating("x", "n", 1.5)
