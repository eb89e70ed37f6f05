"""Group notes and notes moderators hid, in search: a group's notes reach its members only, a
hidden note its author only, in results, counts, tags, sources, excerpts and quick results."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsapp.annotations.services import SourceInput
from newsapp.groups import services as group_services
from newsapp.moderation import services as moderation_services
from tests.factories import make_annotation, make_article, make_group, make_user
from tests.search.helpers import counts, everything_shown, found

pytestmark = pytest.mark.django_db

DESK_WORD = "stonechat"
DESK_TAG = "desk-embargo"
DESK_SOURCE = "Kestrel memo"
HIDDEN_WORD = "wheatear"


@pytest.fixture
def article():
    return make_article(title="Ferry timetable cut")


@pytest.fixture
def desk(article):
    owner, member, outsider = make_user("owner"), make_user("member"), make_user("outsider")
    group = make_group(owner=owner, name="Transport desk", members=[member])
    note = make_annotation(
        article=article,
        author=owner,
        note=f"Our {DESK_WORD} lead on the ferry",
        tags=[DESK_TAG],
        sources=[SourceInput(url="https://kestrel.example/memo", title=DESK_SOURCE)],
        visibility="group",
        group=group,
    )
    return {"owner": owner, "member": member, "outsider": outsider, "group": group, "note": note}


@pytest.fixture
def hidden(article):
    author = make_user("hider")
    note = make_annotation(
        article=article,
        author=author,
        note=f"A {HIDDEN_WORD} sighting off the pier",
        tags=["ferries"],
    )
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    moderation_services.note_hide(annotation=note, moderator=staff, reason="spam")
    return {"author": author, "note": note, "staff": staff}


def test_a_member_finds_a_group_note_its_tag_and_its_source(desk):
    member = desk["member"]
    assert found(member, DESK_WORD)["notes"] == [desk["note"]]
    assert [tag.name for tag in found(member, DESK_TAG)["tags"]] == [DESK_TAG]
    assert [source.title for source in found(member, "Kestrel")["sources"]] == [DESK_SOURCE]
    assert counts(member, DESK_WORD)["notes"] == 1


@pytest.mark.parametrize("words", [DESK_WORD, DESK_TAG, "Kestrel", "kestrel.example", "ferry"])
def test_outsiders_find_nothing_of_a_group_note(desk, words):
    for reader in (desk["outsider"], None):
        shown = everything_shown(reader, words)
        assert DESK_WORD not in shown
        assert DESK_TAG not in shown
        assert DESK_SOURCE not in shown
        assert "notes" not in found(reader, words)
        assert "sources" not in found(reader, words)


def test_group_filters_do_not_open_a_group_note_to_outsiders(desk):
    for text in (f"tag:{DESK_TAG}", "user:owner", f"user:owner {DESK_WORD}"):
        assert "notes" not in found(desk["outsider"], text), text
        assert found(desk["member"], text)["notes"] == [desk["note"]], text


def test_a_reader_who_left_the_group_no_longer_finds_its_notes(desk):
    group_services.membership_leave(group=desk["group"], user=desk["member"])
    assert "notes" not in found(desk["member"], DESK_WORD)


def test_a_hidden_note_is_found_by_its_author_only(hidden):
    assert found(hidden["author"], HIDDEN_WORD)["notes"] == [hidden["note"]]
    for reader in (make_user("passerby"), None, hidden["staff"]):
        shown = everything_shown(reader, HIDDEN_WORD)
        assert HIDDEN_WORD not in shown
        assert "notes" not in found(reader, HIDDEN_WORD)


def test_a_hidden_note_leaves_tag_counts(hidden, article):
    make_annotation(article=article, author=make_user(), note="Fewer sailings", tags=["ferries"])
    shown = everything_shown(make_user("passerby"), "ferries")
    assert "1 note" in shown
    assert "2 notes" not in shown


def test_pages_and_fragments_show_group_and_hidden_notes_to_nobody_else(client, desk, hidden):
    client.force_login(desk["outsider"])
    for words in (DESK_WORD, HIDDEN_WORD):
        for params, headers in (
            ({"q": words}, {}),
            ({"q": words}, {"HTTP_HX_REQUEST": "true"}),
            ({"q": words, "preview": "1"}, {"HTTP_HX_REQUEST": "true"}),
            ({"q": words, "in": "notes"}, {}),
        ):
            html = client.get(reverse("search:results"), params, **headers).content.decode()
            assert "lead on the ferry" not in html
            assert "sighting off the pier" not in html
            assert f"<mark>{words}</mark>" not in html


def test_a_members_hit_names_the_group(client, desk):
    client.force_login(desk["member"])
    html = client.get(reverse("search:results"), {"q": DESK_WORD}).content.decode()
    assert "· Transport desk" in html
    assert f"<mark>{DESK_WORD}</mark>" in html
