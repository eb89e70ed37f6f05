"""Private means private in search: a private (or unlisted) note's words, tags and sources never
reach anyone but its author, in results, counts, excerpts, suggestions or quick results."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsapp.annotations.services import SourceInput
from tests.factories import make_annotation, make_article, make_user
from tests.search.helpers import counts, everything_shown, found

pytestmark = pytest.mark.django_db

SECRET = "quillwort"
SECRET_TAG = "undisclosed-deal"
SECRET_SOURCE = "Marrowgate dossier"


@pytest.fixture
def article():
    return make_article(title="Harbour bridge vote")


@pytest.fixture
def author():
    return make_user("author")


@pytest.fixture
def other():
    return make_user("other")


@pytest.fixture
def private_note(article, author):
    return make_annotation(
        article=article,
        author=author,
        note=f"My {SECRET} theory about the harbour",
        tags=[SECRET_TAG, "harbour"],
        sources=[SourceInput(url="https://marrowgate.example/files", title=SECRET_SOURCE)],
        visibility="private",
    )


@pytest.fixture
def unlisted_note(article, author):
    return make_annotation(
        article=article,
        author=author,
        exact="Critics say the cost",
        note=f"An unlisted {SECRET} aside",
        visibility="unlisted",
    )


@pytest.mark.parametrize(
    "words", [SECRET, "theory harbour", SECRET_TAG, "Marrowgate", "marrowgate.example", "aside"]
)
def test_others_find_nothing_of_private_and_unlisted_notes(
    words, private_note, unlisted_note, other
):
    for reader in (other, None):
        shown = everything_shown(reader, words)
        assert SECRET not in shown
        assert SECRET_TAG not in shown
        assert "Marrowgate" not in shown
        assert "notes" not in found(reader, words)
        assert "sources" not in found(reader, words)


def test_others_counts_leave_private_notes_out(private_note, unlisted_note, other, article):
    public = make_annotation(
        article=article, author=make_user(), note="The harbour floods", tags=["harbour"]
    )
    assert counts(other, "harbour")["notes"] == 1
    assert found(other, "harbour")["notes"] == [public]
    (tag,) = found(other, "harbour")["tags"]
    shown = everything_shown(other, "harbour")
    assert "1 note" in shown
    assert "2 notes" not in shown
    assert tag.name == "harbour"


def test_a_tag_only_on_private_notes_is_not_listed_to_others(private_note, other):
    assert "tags" not in found(other, "undisclosed")
    assert [tag.name for tag in found(private_note.author, "undisclosed")["tags"]] == [SECRET_TAG]


def test_filters_do_not_open_private_notes(private_note, unlisted_note, other):
    for text in (f"user:author {SECRET}", f"tag:{SECRET_TAG}", "user:author", "kind:note"):
        assert "notes" not in found(other, text), text


def test_the_author_finds_their_own_private_and_unlisted_notes(private_note, unlisted_note, author):
    assert set(found(author, SECRET)["notes"]) == {private_note, unlisted_note}
    assert [s.title for s in found(author, "Marrowgate")["sources"]] == [SECRET_SOURCE]
    assert set(found(author, "is:mine")["notes"]) == {private_note, unlisted_note}


def test_trashed_notes_are_found_by_nobody(private_note, author):
    from newsapp.annotations.services import annotation_delete

    annotation_delete(annotation=private_note, user=author)
    assert "notes" not in found(author, SECRET)


def test_a_misspelt_private_word_suggests_nothing_that_reveals_it(private_note, other):
    assert SECRET not in everything_shown(other, "quilwort")


def test_pages_and_fragments_show_others_nothing_private(client, private_note, other):
    client.force_login(other)
    for params, headers in (
        ({"q": SECRET}, {}),
        ({"q": SECRET}, {"HTTP_HX_REQUEST": "true"}),
        ({"q": SECRET, "preview": "1"}, {"HTTP_HX_REQUEST": "true"}),
        ({"q": SECRET_TAG, "in": "tags"}, {}),
        ({"q": "Marrowgate", "in": "sources"}, {}),
    ):
        html = client.get(reverse("search:results"), params, **headers).content.decode()
        assert "theory" not in html
        assert SECRET_SOURCE not in html
        assert "marrowgate.example" not in html
