"""annotations_bulk_create: many annotations at once, validated like one, written all or none."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsapp.annotations.models import AnchorState, Annotation, ContextSource, Tag
from newsapp.annotations.services import (
    MAX_NOTE_CHARS,
    NewAnnotation,
    SourceInput,
    annotations_bulk_create,
)
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "The ferry timetable changes in May. Boats will leave every forty minutes instead of every "
    "half hour, and the last crossing moves from midnight to eleven."
)


@pytest.fixture
def article():
    return make_article(title="Ferry timetable", body=BODY)


@pytest.fixture
def reader():
    return make_user("ilse")


def anchored(article, words: str, **fields) -> NewAnnotation:
    start = article.body_text.index(words)
    return NewAnnotation(exact=words, start=start, end=start + len(words), **fields)


def test_creates_anchored_and_orphaned_annotations_with_tags_and_sources(article, reader):
    source = SourceInput(
        url="https://port.example/timetable", title="Port notice", stance="supports"
    )
    items = [
        anchored(
            article, "every forty minutes", kind="claim", note="Was *thirty*.", tags=["Boats"]
        ),
        NewAnnotation(
            exact="a pier that is gone",
            prefix="to ",
            anchor_method="",
            note="Lost words",
            sources=[source],
        ),
    ]

    created = annotations_bulk_create(
        article=article, author=reader, items=items, visibility="unlisted"
    )

    assert [a.exact for a in created] == ["every forty minutes", "a pier that is gone"]
    claim, orphan = (Annotation.objects.get(pk=a.pk) for a in created)
    assert claim.anchor_state == AnchorState.ANCHORED
    assert claim.note_html == "<p>Was <em>thirty</em>.</p>"
    assert list(claim.tags.values_list("name", flat=True)) == ["boats"]
    assert claim.revision == article.revisions.get()
    assert orphan.anchor_state == AnchorState.ORPHANED
    assert orphan.start is None
    assert list(orphan.sources.values_list("url", "title", "stance")) == [
        ("https://port.example/timetable", "Port notice", "supports")
    ]
    assert {a.visibility for a in (claim, orphan)} == {"unlisted"}
    assert {a.author for a in (claim, orphan)} == {reader}


def test_stamps_the_readers_cache_once(article, reader):
    before = article.annotations_changed_at
    annotations_bulk_create(article=article, author=reader, items=[anchored(article, "in May")])
    article.refresh_from_db()
    assert article.annotations_changed_at is not None
    assert article.annotations_changed_at != before


def many(article, count: int) -> list[NewAnnotation]:
    words = ["ferry", "timetable", "Boats", "forty", "minutes", "crossing", "midnight", "eleven"]
    return [
        anchored(
            article,
            words[n % len(words)],
            note=f"Note {n}",
            tags=[f"tag{n % 3}", "ferries"],
            sources=[SourceInput(url=f"https://port.example/{n}")],
        )
        for n in range(count)
    ]


def test_queries_do_not_grow_with_the_number_of_annotations(article, reader):
    Tag.objects.create(name="ferries")  # one tag exists, the others are new
    counts = []
    for size in (2, 40):
        with CaptureQueriesContext(connection) as captured:
            annotations_bulk_create(article=article, author=reader, items=many(article, size))
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert Annotation.objects.count() == 42
    assert ContextSource.objects.count() == 42


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (NewAnnotation(exact="in May", kind="rumour"), "kind", "Choose highlight"),
        (NewAnnotation(exact="  ", anchor_method=""), "exact", "Give the words"),
        (NewAnnotation(exact="in May", start=3, end=9), "exact", "not at the given place"),
        (NewAnnotation(exact="in May", start=None, end=None), "exact", "not at the given place"),
        (NewAnnotation(exact="gone", anchor_method="", start=9, end=2), "end", "ends where"),
        (NewAnnotation(exact="gone", anchor_method="", start=9), "end", "both offsets"),
        (NewAnnotation(exact="gone", anchor_method="guessed"), "anchor_method", "Say how"),
        (NewAnnotation(exact="gone", anchor_method="", prefix="p" * 65), "prefix", "at most 64"),
        (
            NewAnnotation(exact="gone", anchor_method="", note="n" * (MAX_NOTE_CHARS + 1)),
            "note",
            "the limit is",
        ),
        (NewAnnotation(exact="gone", anchor_method="", tags=["t" * 41]), "tags", "too long"),
        (
            NewAnnotation(exact="gone", anchor_method="", sources=[SourceInput(url="ftp://x")]),
            "sources",
            "http:// or https://",
        ),
    ],
)
def test_one_bad_item_refuses_all_and_says_which(article, reader, bad, field, message):
    items = [anchored(article, "in May", tags=["kept"]), bad]
    with pytest.raises(ValidationError) as caught:
        annotations_bulk_create(article=article, author=reader, items=items)
    (reason,) = caught.value.message_dict[field]
    assert reason.startswith("Annotation 2: ")
    assert message in reason
    assert not Annotation.objects.exists()
    assert not Tag.objects.exists()


def test_unknown_visibility_is_refused(article, reader):
    with pytest.raises(ValidationError):
        annotations_bulk_create(
            article=article, author=reader, items=[anchored(article, "in May")], visibility="all"
        )
    assert not Annotation.objects.exists()


def test_nothing_to_create_writes_nothing(article, reader):
    with CaptureQueriesContext(connection) as captured:
        assert annotations_bulk_create(article=article, author=reader, items=[]) == []
    assert len(captured) == 0


class Enough(Exception):
    pass


def test_progress_is_told_before_each_item_and_may_stop_the_call(article, reader):
    told: list[int] = []

    def progress(done: int) -> None:
        told.append(done)
        if done == 2:
            raise Enough

    with pytest.raises(Enough):
        annotations_bulk_create(
            article=article, author=reader, items=many(article, 5), progress=progress
        )
    assert told == [0, 1, 2]
    assert not Annotation.objects.exists()
