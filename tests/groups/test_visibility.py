"""Group notes through `visible_to` and on the reader: members see them, nobody else does,
leaving hides them at once, and the rule stays one query however many groups a reader has."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.annotations import services as annotation_services
from newsapp.annotations.models import Annotation, VisibilityChange
from newsapp.groups import services
from tests.factories import make_annotation, make_article, make_group, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk():
    owner, member, outsider = make_user("owner"), make_user("member"), make_user("outsider")
    group = make_group(owner=owner, name="Politics desk", members=[member])
    article = make_article()
    note = make_annotation(
        article=article,
        author=owner,
        exact="We cannot keep patching",
        note="desk-only draft",
        visibility="group",
        group=group,
    )
    return {"owner": owner, "member": member, "outsider": outsider, "group": group, "note": note}


def visible_ids(user, **kwargs) -> set[int]:
    return set(Annotation.objects.visible_to(user, **kwargs).values_list("pk", flat=True))


def test_members_see_a_group_note_and_nobody_else_does(desk):
    note = desk["note"]
    assert note.pk in visible_ids(desk["member"])
    assert note.pk not in visible_ids(desk["outsider"])
    assert note.pk not in visible_ids(None)
    assert note.pk not in visible_ids(desk["outsider"], via_link=True)


def test_leaving_the_group_hides_its_notes(desk):
    services.membership_leave(group=desk["group"], user=desk["member"])
    assert desk["note"].pk not in visible_ids(desk["member"])


def test_the_author_keeps_seeing_a_note_in_a_group_they_left(desk):
    owner, group = desk["owner"], desk["group"]
    services.member_set_role(group=group, user=owner, username="member", role="owner")
    services.membership_leave(group=group, user=owner)
    assert desk["note"].pk in visible_ids(owner)


def test_visible_to_is_one_query_for_a_reader_of_many_groups():
    reader = make_user()
    article = make_article()
    for number in range(12):
        group = make_group(owner=make_user(), members=[reader])
        make_annotation(
            article=article,
            author=group.created_by,
            visibility="group",
            group=group,
            note=f"group note {number}",
        )
    with CaptureQueriesContext(connection) as queries:
        notes = list(Annotation.objects.visible_to(reader).filter(article=article))
    assert len(notes) == 12
    assert len(queries.captured_queries) == 1


def test_a_reader_shares_only_with_their_own_groups(desk):
    with pytest.raises(ValidationError, match="one of your groups"):
        make_annotation(
            article=desk["note"].article,
            author=desk["outsider"],
            visibility="group",
            group=desk["group"],
        )
    with pytest.raises(ValidationError, match="one of your groups"):
        make_annotation(article=desk["note"].article, author=desk["member"], visibility="group")


def test_moving_a_note_between_audiences_is_logged(desk):
    note = desk["note"]
    annotation_services.annotation_update(
        annotation=note,
        user=desk["owner"],
        note=note.note,
        kind=note.kind,
        visibility="public",
        tags=[],
        sources=[],
    )
    change = VisibilityChange.objects.get(annotation=note)
    assert (change.from_visibility, change.from_group_id) == ("group", desk["group"].pk)
    assert (change.to_visibility, change.to_group_id) == ("public", None)
    assert change.changed_by == desk["owner"]


def test_a_note_stays_in_a_group_its_author_left_when_edited(client, desk):
    owner, group, note = desk["owner"], desk["group"], desk["note"]
    services.member_set_role(group=group, user=owner, username="member", role="owner")
    services.membership_leave(group=group, user=owner)
    client.force_login(owner)
    url = reverse("annotations:edit", args=[note.public_id])
    form = client.get(url).content.decode()
    assert f'value="group:{group.pk}" selected' in form
    response = client.post(
        url, {"kind": "note", "note": "still the desk's", "visibility": f"group:{group.pk}"}
    )
    note.refresh_from_db()
    assert response.status_code == 302
    assert (note.note, note.visibility, note.group_id) == ("still the desk's", "group", group.pk)


def test_a_former_member_cannot_move_another_note_into_the_group(desk):
    owner, group = desk["owner"], desk["group"]
    services.member_set_role(group=group, user=owner, username="member", role="owner")
    services.membership_leave(group=group, user=owner)
    private = make_annotation(
        article=desk["note"].article,
        author=owner,
        exact="Critics say the cost",
        visibility="private",
    )
    with pytest.raises(ValidationError, match="one of your groups"):
        annotation_services.annotation_update(
            annotation=private,
            user=owner,
            note="",
            kind="note",
            visibility="group",
            group=group.pk,
            tags=[],
            sources=[],
        )


def test_an_edit_that_keeps_the_audience_logs_nothing(desk):
    note = desk["note"]
    annotation_services.annotation_update(
        annotation=note,
        user=desk["owner"],
        note="reworded",
        kind=note.kind,
        visibility="group",
        group=desk["group"].pk,
        tags=[],
        sources=[],
    )
    assert not VisibilityChange.objects.exists()


def test_members_reply_to_a_group_note_within_the_group(desk):
    reply = annotation_services.reply_create(
        parent=desk["note"], author=desk["member"], note="agreed"
    )
    assert (reply.visibility, reply.group_id) == ("group", desk["group"].pk)
    assert reply.pk not in visible_ids(desk["outsider"])


def test_outsiders_cannot_reply_to_a_group_note(desk):
    with pytest.raises(ValidationError):
        annotation_services.reply_create(
            parent=desk["note"], author=desk["outsider"], note="let me in"
        )


# --- on the reader --------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_the_reader_shows_group_notes_to_members_only(client, desk, htmx):
    url = desk["note"].article.get_absolute_url()
    headers = HTMX if htmx else {}
    client.force_login(desk["member"])
    assert "desk-only draft" in client.get(url, **headers).content.decode()
    client.force_login(desk["outsider"])
    assert "desk-only draft" not in client.get(url, **headers).content.decode()
    client.logout()
    assert "desk-only draft" not in client.get(url, **headers).content.decode()


def test_leaving_a_group_hides_its_notes_from_a_cached_page_at_once(client, desk):
    url = desk["note"].article.get_absolute_url()
    client.force_login(desk["member"])
    assert "desk-only draft" in client.get(url).content.decode()
    response = client.post(reverse("groups:leave", args=[desk["group"].slug]))
    assert response.status_code == 302
    assert "desk-only draft" not in client.get(url).content.decode()
    assert "desk-only draft" not in client.get(url, **HTMX).content.decode()


def test_the_switcher_lists_the_readers_groups_and_filters_by_one(client, desk):
    article = desk["note"].article
    make_annotation(
        article=article, author=desk["member"], exact="Critics say the cost", note="public words"
    )
    client.force_login(desk["member"])
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'value="{desk["group"].slug}"' in page
    in_group = client.get(article.get_absolute_url(), {"in": desk["group"].slug}).content.decode()
    assert "desk-only draft" in in_group
    assert "public words" not in in_group
    public = client.get(article.get_absolute_url(), {"in": "public"}, **HTMX).content.decode()
    assert "public words" in public
    assert "desk-only draft" not in public


def test_only_me_shows_the_readers_private_notes(client, desk):
    article = desk["note"].article
    member = desk["member"]
    make_annotation(
        article=article, author=member, exact="Critics say the cost", note="for my eyes"
    )
    make_annotation(
        article=article,
        author=member,
        exact="Critics say the cost",
        note="private thought",
        visibility="private",
    )
    client.force_login(member)
    page = client.get(article.get_absolute_url(), {"in": "private"}).content.decode()
    assert "private thought" in page
    assert "for my eyes" not in page
    assert "desk-only draft" not in page


def test_an_outsider_naming_a_group_in_the_switcher_sees_nothing_of_it(client, desk):
    client.force_login(desk["outsider"])
    page = client.get(
        desk["note"].article.get_absolute_url(), {"in": desk["group"].slug}
    ).content.decode()
    assert "desk-only draft" not in page
    assert desk["group"].name not in page


def test_the_annotate_form_offers_the_readers_groups(client, desk):
    article = desk["note"].article
    client.force_login(desk["member"])
    form = client.get(reverse("annotations:new", args=[article.slug]), **HTMX).content.decode()
    assert f'value="group:{desk["group"].pk}"' in form
    client.force_login(desk["outsider"])
    form = client.get(reverse("annotations:new", args=[article.slug]), **HTMX).content.decode()
    assert "group:" not in form


def test_annotating_in_a_group_from_the_form(client, desk):
    article = desk["note"].article
    client.force_login(desk["member"])
    response = client.post(
        reverse("annotations:create", args=[article.slug]),
        {
            "exact": "Critics say the cost",
            "kind": "note",
            "note": "posted to the desk",
            "visibility": f"group:{desk['group'].pk}",
        },
    )
    assert response.status_code == 302
    note = Annotation.objects.get(note="posted to the desk")
    assert (note.visibility, note.group_id) == ("group", desk["group"].pk)


def test_posting_to_someone_elses_group_is_refused_with_a_reason(client, desk):
    article = desk["note"].article
    client.force_login(desk["outsider"])
    response = client.post(
        reverse("annotations:create", args=[article.slug]),
        {
            "exact": "Critics say the cost",
            "kind": "note",
            "note": "sneaking in",
            "visibility": f"group:{desk['group'].pk}",
        },
        **HTMX,
    )
    assert response.status_code == 400
    assert "one of your groups" in response.content.decode()
    assert not Annotation.objects.filter(note="sneaking in").exists()


def test_the_group_default_for_new_notes_is_offered_while_reading_in_the_group(client, desk):
    group = desk["group"]
    client.force_login(desk["member"])
    page = client.get(desk["note"].article.get_absolute_url(), {"in": group.slug})
    assert f'data-default-visibility="group:{group.pk}"' in page.content.decode()
