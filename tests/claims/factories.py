"""Test data for claims: articles with their quotes found, context notes, rater histories."""

from __future__ import annotations

from newsapp.annotations.models import Kind
from newsapp.annotations.services import SourceInput
from newsapp.claims.models import NoteRating, RatingValue
from newsapp.claims.ratings import notes_rescore
from newsapp.claims.services import quotes_refresh
from tests.factories import make_annotation, make_article, make_user

TALKS = "\n\n".join(
    [
        "GENEVA — The two delegations agreed on Tuesday to halt artillery fire for 30 days.",
        "“Returning to the 2019 line is not feasible, and everyone in that room knows it,” "
        "Defence Minister Adaeze Okafor said after the talks.",
        "Monitors will watch 14 crossing points, according to a draft timetable.",
        "“A pause in shelling is welcome. It is not a settlement,” said Radomír Šťastný, "
        "the envoy of Morvath.",
        "The fighting has displaced more than 38,000 people since March.",
    ]
)

MARKETS = "\n\n".join(
    [
        "The central bank held its main rate at 4.25 percent on Thursday as the truce lifted "
        "markets.",
        "Defence Minister Adaeze Okafor said the truce would hold. “A return to the 2019 line "
        "is simply not feasible — and everyone in the room knows that,” Okafor said.",
        "Shares in exporters rose by 3 percent.",
    ]
)

OKAFOR_CLAIM = "Returning to the 2019 line is not feasible"
DISPLACED_CLAIM = "displaced more than 38,000 people"


def make_quoted_article(*, body: str = TALKS, title: str | None = None, **fields):
    """An article with its quotes found, as import will do."""
    article = make_article(body=body, title=title, **fields)
    quotes_refresh(article=article)
    article.refresh_from_db()
    return article


def make_context_note(*, article, author=None, exact: str = OKAFOR_CLAIM, **fields):
    """A public claim with a note and a disputing source: a context note readers can rate."""
    fields.setdefault("note", "The 2019 line was agreed but **never ratified**.")
    fields.setdefault(
        "sources",
        [
            SourceInput(
                url="https://treaties.example/2019", title="Treaty register", stance="disputes"
            )
        ],
    )
    return make_annotation(
        article=article, author=author or make_user(), exact=exact, kind=Kind.CLAIM, **fields
    )


def rate(note, rater, value: str = RatingValue.HELPFUL) -> NoteRating:
    """A rating written straight to the table: seeding histories, not exercising note_rate."""
    rating, _ = NoteRating.objects.update_or_create(
        annotation=note, rater=rater, defaults={"value": value}
    )
    return rating


def seed_camps(*, per_camp: int = 6, side_a=(), side_b=()):
    """Two camps of raters with histories on three notes each camp likes and the other does
    not, on an article of their own. Extra users in `side_a`/`side_b` get the same history.
    Returns (camp a raters, camp b raters), the extras included."""
    history = make_article(title="History", body="One. Two. Three. Four. Five. Six. Seven.")
    author = make_user()
    words = ["One", "Two", "Three", "Four", "Five", "Six"]
    notes = [
        make_context_note(article=history, author=author, exact=word, note=f"Context {word}")
        for word in words
    ]
    liked_by_a, liked_by_b = notes[:3], notes[3:]
    camp_a = [make_user() for _ in range(per_camp)] + list(side_a)
    camp_b = [make_user() for _ in range(per_camp)] + list(side_b)
    for camp, liked, disliked in (
        (camp_a, liked_by_a, liked_by_b),
        (camp_b, liked_by_b, liked_by_a),
    ):
        for rater in camp:
            for note in liked:
                rate(note, rater, RatingValue.HELPFUL)
            for note in disliked:
                rate(note, rater, RatingValue.NOT_HELPFUL)
    notes_rescore()
    return camp_a, camp_b
