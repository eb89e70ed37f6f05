"""Re-anchoring annotations on a new revision, the summary counts, and re-attaching orphans."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.annotations.models import AnchorState, Annotation, Visibility
from newsapp.annotations.reanchor import (
    BATCH_SIZE,
    OffsetMap,
    ReanchorCounts,
    annotation_reattach,
    reanchor_annotations,
    summary_for,
)
from newsapp.annotations.services import annotation_delete, reply_create
from newsapp.articles.models import ArticleRevision
from newsapp.text.anchoring import selector_for
from newsapp.text.diff import word_diff
from newsapp.text.extract import canonical_text, markdown_to_html
from tests.factories import make_annotation, make_article, make_user

PARAGRAPHS = {
    "a": "The harbour council met on Tuesday evening to discuss the ageing bridge.",
    "b": "Residents of the east bank asked for a footpath during the works.",
    "c": "Engineers said the old structure could carry only half of the traffic it sees today.",
    "d": "A second vote on the budget is expected in the spring, officials said.",
    "e": "The mayor promised that the ferry would run more often while the bridge is closed.",
}


def body(*keys: str, **replacements: str) -> str:
    return "\n\n".join(replacements.get(key, PARAGRAPHS[key]) for key in keys) + "\n"


def text_of(markdown: str) -> str:
    return canonical_text(markdown_to_html(markdown))


def new_revision(article, markdown: str) -> tuple[ArticleRevision, str]:
    html = markdown_to_html(markdown)
    text = canonical_text(html)
    revision = ArticleRevision.objects.create(
        article=article, number=2, title=article.title, body_html=html, body_text=text
    )
    return revision, text


# --- Pure parts ---------------------------------------------------------------------------


def test_offset_map_follows_unchanged_text_and_gives_up_inside_changes():
    old = "One two three. Four five six."
    new = "Zero. One two three. Four FIVE six."
    offsets = OffsetMap(word_diff(old, new))
    start = old.index("two three")
    mapped = offsets.span(start, start + len("two three"))
    assert mapped is not None
    assert new[mapped[0] : mapped[1]] == "two three"
    five = old.index("five")
    assert offsets.span(five, five + 4) is None


WORDS = st.sampled_from(["ferry", "bridge", "vote", "the", "council", "."])


@settings(max_examples=60, deadline=None)
@given(
    kept=st.lists(WORDS, min_size=2),
    rest=st.lists(WORDS, min_size=2),
    data=st.data(),
)
def test_offset_map_keeps_untouched_words_and_never_maps_onto_different_text(kept, rest, data):
    """Edits fall in `rest` only: a span within `kept` must map onto the same words, and no
    span anywhere may map onto different text (it maps exactly or not at all)."""
    edited = list(rest)
    position = data.draw(st.integers(0, len(edited) - 1))
    edited[position] = data.draw(st.sampled_from(["harbour", "quay", "mayor"]))
    if data.draw(st.booleans()):
        edited.insert(data.draw(st.integers(0, len(edited))), "new")
    old, new = " ".join(kept + rest), " ".join(kept + edited)
    offsets = OffsetMap(word_diff(old, new))

    untouched = len(" ".join(kept))
    start = data.draw(st.integers(0, untouched - 1))
    end = data.draw(st.integers(start + 1, untouched))
    assert offsets.span(start, end) == (start, end)

    start = data.draw(st.integers(0, len(old) - 1))
    end = data.draw(st.integers(start + 1, len(old)))
    mapped = offsets.span(start, end)
    assert mapped is None or new[mapped[0] : mapped[1]] == old[start:end]


def test_counts_read_as_one_sentence():
    assert ReanchorCounts().sentence() == ""
    assert ReanchorCounts(kept=1).sentence() == "1 note kept its place"
    assert (
        ReanchorCounts(kept=42, moved=3, adjusted=2, orphaned=1).sentence()
        == "42 notes kept their place, 3 moved, 2 followed edited words, 1 orphaned"
    )
    assert ReanchorCounts(orphaned=2).sentence() == "0 notes kept their place, 2 orphaned"


def test_summary_shows_public_counts_plus_the_readers_own():
    stored = {
        "public": {"kept": 4, "moved": 0, "adjusted": 0, "orphaned": 1},
        "own": {"7": {"kept": 1, "moved": 0, "adjusted": 0, "orphaned": 1}},
    }

    class Reader:
        is_authenticated = True

        def __init__(self, pk):
            self.pk = pk

    assert summary_for(stored, Reader(7)) == ReanchorCounts(kept=5, orphaned=2)
    assert summary_for(stored, Reader(8)) == ReanchorCounts(kept=4, orphaned=1)
    assert summary_for(stored, None) == ReanchorCounts(kept=4, orphaned=1)
    assert summary_for({}, Reader(7)) == ReanchorCounts()


# --- Re-anchoring -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_body", "quote", "outcome", "method"),
    [
        # Text after the quote changed: same words, same offsets.
        (
            body("a", "b", "c", "d", e="The mayor left."),
            "discuss the ageing bridge",
            "kept",
            "position",
        ),
        # A paragraph inserted before it: same words, shifted where the edit put them.
        (body("d", "a", "b", "c", "d", "e"), "asked for a footpath", "kept", "quote"),
        # Its paragraph moved to the end.
        (body("a", "c", "d", "e", "b"), "asked for a footpath", "moved", "quote"),
        # A typo fixed inside the quote: the closest match.
        (
            body("a", "b", "c", "d", "e", c=PARAGRAPHS["c"].replace("could carry", "can carry")),
            "the old structure could carry only half of the traffic",
            "adjusted",
            "fuzzy",
        ),
        # Its sentence deleted.
        (body("a", "b", "c", "e"), "A second vote on the budget is expected", "orphaned", ""),
    ],
)
def test_each_annotation_records_how_it_anchored(new_body, quote, outcome, method):
    article = make_article(body=body("a", "b", "c", "d", "e"))
    author = make_user()
    annotation = make_annotation(article=article, author=author, exact=quote)
    first_revision = annotation.revision
    updated_at = annotation.updated_at
    revision, new_text = new_revision(article, new_body)

    report = reanchor_annotations(
        article=article, revision=revision, old_text=article.body_text, new_text=new_text
    )

    annotation.refresh_from_db()
    assert report.outcomes == {annotation.pk: outcome}
    assert report.public == ReanchorCounts(**{outcome: 1})
    assert annotation.anchor_method == method
    assert annotation.updated_at == updated_at  # not the author's edit
    if outcome == "orphaned":
        assert annotation.anchor_state == AnchorState.ORPHANED
        assert annotation.exact == quote
        assert annotation.revision == first_revision
    else:
        assert annotation.anchor_state == AnchorState.ANCHORED
        assert annotation.revision == revision
        assert new_text[annotation.start : annotation.end] == annotation.exact
        assert annotation.prefix == new_text[max(0, annotation.start - 32) : annotation.start]
        assert annotation.suffix == new_text[annotation.end : annotation.end + 32]


@pytest.mark.django_db
def test_counts_keep_private_notes_to_their_author_and_skip_the_trash():
    article = make_article(body=body("a", "b", "c", "d", "e"))
    ana, ben = make_user(), make_user()
    public = make_annotation(article=article, author=ana, exact="discuss the ageing bridge")
    private = make_annotation(
        article=article, author=ben, exact="A second vote", visibility=Visibility.PRIVATE
    )
    unlisted = make_annotation(
        article=article, author=ben, exact="footpath", visibility=Visibility.UNLISTED
    )
    trashed = make_annotation(article=article, author=ana, exact="The mayor promised")
    annotation_delete(annotation=trashed, user=ana)
    reply = reply_create(parent=public, author=ben, note="Agreed.")
    revision, new_text = new_revision(article, body("a", "b", "c", "e"))

    report = reanchor_annotations(
        article=article, revision=revision, old_text=article.body_text, new_text=new_text
    )

    assert report.public == ReanchorCounts(kept=1)
    assert report.own == {ben.pk: ReanchorCounts(kept=1, orphaned=1)}
    assert set(report.outcomes) == {public.pk, private.pk, unlisted.pk, trashed.pk}
    assert report.as_json()["own"] == {
        str(ben.pk): {"kept": 1, "moved": 0, "adjusted": 0, "orphaned": 1}
    }
    trashed.refresh_from_db()
    assert trashed.revision == revision  # re-anchored all the same, for a restore
    reply.refresh_from_db()
    assert reply.start is None
    assert reply.anchor_method == ""
    assert Annotation.objects.count() == 5  # nothing deleted


@pytest.mark.django_db
def test_an_orphan_comes_back_when_its_words_return():
    article = make_article(body=body("a", "b", "c", "d"))
    note = make_annotation(article=article, author=make_user(), exact="A second vote on the budget")
    second, second_text = new_revision(article, body("a", "b", "c"))
    reanchor_annotations(
        article=article, revision=second, old_text=article.body_text, new_text=second_text
    )
    note.refresh_from_db()
    assert note.is_orphaned

    third_html = markdown_to_html(body("a", "b", "c", "d"))
    third = ArticleRevision.objects.create(
        article=article,
        number=3,
        title=article.title,
        body_html=third_html,
        body_text=canonical_text(third_html),
    )
    report = reanchor_annotations(
        article=article, revision=third, old_text=second_text, new_text=third.body_text
    )
    note.refresh_from_db()
    assert report.outcomes[note.pk] == "moved"
    assert note.anchor_state == AnchorState.ANCHORED
    assert note.revision == third
    assert third.body_text[note.start : note.end] == "A second vote on the budget"


@pytest.mark.django_db
def test_a_deleted_sentence_with_a_twin_elsewhere_is_orphaned_not_moved_onto_the_twin():
    twin = "The mayor promised that the ferry would run more often while the bridge is closed."
    article = make_article(body=body("a", "e", "b", "e"))  # the same paragraph twice
    first = make_annotation(article=article, author=make_user(), exact=twin, occurrence=0)
    second = make_annotation(article=article, author=make_user(), exact=twin, occurrence=1)
    revision, new_text = new_revision(article, body("a", "b", "e"))  # the first one went
    report = reanchor_annotations(
        article=article, revision=revision, old_text=article.body_text, new_text=new_text
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert report.outcomes[first.pk] == "orphaned"
    assert first.is_orphaned
    assert (second.start, second.end) == (new_text.index(twin), new_text.index(twin) + len(twin))


@pytest.mark.django_db
def test_many_annotations_are_written_back_in_batches():
    article = make_article(body=body("a", "b", "c"))
    author = make_user()
    quote = "asked for a footpath"
    start = article.body_text.index(quote)
    selector = selector_for(article.body_text, start, start + len(quote))
    Annotation.objects.bulk_create(
        Annotation(article=article, author=author, **selector) for _ in range(BATCH_SIZE + 50)
    )
    revision, new_text = new_revision(article, body("d", "a", "b", "c"))
    report = reanchor_annotations(
        article=article, revision=revision, old_text=article.body_text, new_text=new_text
    )
    assert report.public == ReanchorCounts(kept=BATCH_SIZE + 50)
    moved_to = new_text.index(quote)
    stored = Annotation.objects.filter(article=article)
    assert stored.filter(revision=revision, start=moved_to, anchor_method="quote").count() == (
        BATCH_SIZE + 50
    )


# --- Re-attaching -------------------------------------------------------------------------


@pytest.fixture
def orphan(db):
    article = make_article(body=body("a", "b", "c"))
    author = make_user()
    note = make_annotation(article=article, author=author, exact="discuss the ageing bridge")
    Annotation.objects.filter(pk=note.pk).update(anchor_state=AnchorState.ORPHANED)
    note.refresh_from_db()
    return note


def test_the_author_reattaches_an_orphan_to_a_new_selection(orphan):
    article = orphan.article
    before = timezone.now()
    start = article.body_text.index("the east bank")
    annotation_reattach(
        annotation=orphan,
        user=orphan.author,
        exact="the east bank",
        start=start,
        end=start + len("the east bank"),
    )
    orphan.refresh_from_db()
    article.refresh_from_db()
    assert orphan.anchor_state == AnchorState.ANCHORED
    assert orphan.anchor_method == "manual"
    assert (orphan.start, orphan.exact) == (start, "the east bank")
    assert orphan.prefix == article.body_text[start - 32 : start]
    assert orphan.revision == article.latest_revision
    assert article.annotations_changed_at >= before


def test_only_the_author_reattaches(orphan):
    with pytest.raises(PermissionDenied):
        annotation_reattach(annotation=orphan, user=make_user(), exact="the east bank")
    orphan.refresh_from_db()
    assert orphan.is_orphaned


def test_reattaching_to_words_not_in_the_article_is_refused(orphan):
    with pytest.raises(ValidationError, match="not in this article"):
        annotation_reattach(annotation=orphan, user=orphan.author, exact="a sentence never written")
    orphan.refresh_from_db()
    assert orphan.is_orphaned
    assert orphan.exact == "discuss the ageing bridge"


def test_replies_are_not_reattached(orphan):
    Annotation.objects.filter(pk=orphan.pk).update(anchor_state=AnchorState.ANCHORED)
    reply = reply_create(parent=orphan, author=orphan.author, note="More context.")
    with pytest.raises(ValidationError, match="Replies follow"):
        annotation_reattach(annotation=reply, user=orphan.author, exact="the east bank")
