from __future__ import annotations

import json

import pytest
from django.urls import reverse

from newsapp.groups.models import Group, Invite, Membership, ReadingListEntry
from tests.factories import make_annotation, make_article, make_group, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def team():
    owner, member, outsider = make_user("owner"), make_user("member"), make_user("outsider")
    group = make_group(owner=owner, name="Fact desk", members=[member])
    article = make_article(title="Bridge vote")
    note = make_annotation(
        article=article,
        author=member,
        exact="We cannot keep patching",
        note="check the 2019 figure",
        visibility="group",
        group=group,
        tags=["budget"],
    )
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "group": group,
        "article": article,
        "note": note,
    }


def test_creating_a_group_makes_you_its_owner(client):
    reader = make_user()
    client.force_login(reader)
    response = client.post(
        reverse("groups:create"),
        {"name": "Media class", "description": "Week 3", "colour": "#336699",
         "default_visibility": "group"},
    )  # fmt: skip
    group = Group.objects.get(name="Media class")
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert Membership.objects.get(group=group).user == reader


def test_a_refused_group_says_why_and_creates_nothing(client):
    client.force_login(make_user())
    response = client.post(
        reverse("groups:create"), {"name": "Desk", "colour": "blue", "default_visibility": "group"}
    )
    assert response.status_code == 400
    assert "#rrggbb" in response.content.decode()
    assert not Group.objects.exists()


def test_your_groups_lists_groups_and_invitations(client, team):
    invited = make_user("invited")
    other = make_group(owner=team["owner"], name="Other desk")
    client.force_login(team["owner"])
    client.post(reverse("groups:invite_reader", args=[other.slug]), {"username": "invited"})
    client.force_login(invited)
    page = client.get(reverse("groups:index")).content.decode()
    assert "Other desk" in page
    assert "owner invited you" in page


@pytest.mark.parametrize("htmx", [False, True])
def test_the_group_page_shows_members_the_groups_notes(client, team, htmx):
    client.force_login(team["owner"])
    response = client.get(team["group"].get_absolute_url(), **(HTMX if htmx else {}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "check the 2019 figure" in html
    assert ("Reading list" in html) is not htmx  # the fragment is the notes list only


def test_the_group_page_filters_by_member_kind_and_tag(client, team):
    make_annotation(
        article=team["article"],
        author=team["owner"],
        exact="Critics say the cost",
        note="owner question",
        kind="question",
        visibility="group",
        group=team["group"],
    )
    client.force_login(team["owner"])
    url = team["group"].get_absolute_url()
    by_member = client.get(url, {"by": "member"}, **HTMX).content.decode()
    assert "check the 2019 figure" in by_member
    assert "owner question" not in by_member
    questions = client.get(url, {"kind": "question"}, **HTMX).content.decode()
    assert "owner question" in questions
    assert "check the 2019 figure" not in questions
    tagged = client.get(url, {"tag": "budget"}).content.decode()
    assert "check the 2019 figure" in tagged
    assert "owner question" not in tagged


def test_the_group_page_never_lists_public_or_private_notes(client, team):
    make_annotation(article=team["article"], author=team["member"], note="a public note")
    make_annotation(
        article=team["article"], author=team["member"], note="a secret", visibility="private"
    )
    client.force_login(team["owner"])
    html = client.get(team["group"].get_absolute_url()).content.decode()
    assert "a public note" not in html
    assert "a secret" not in html


GROUP_PAGES = {
    "detail": lambda g: reverse("groups:detail", args=[g.slug]),
    "settings": lambda g: reverse("groups:settings", args=[g.slug]),
    "export_md": lambda g: reverse("groups:export", args=[g.slug, "md"]),
    "export_jsonld": lambda g: reverse("groups:export", args=[g.slug, "jsonld"]),
}


@pytest.mark.parametrize("page", GROUP_PAGES)
def test_group_pages_do_not_exist_for_outsiders(client, team, page):
    client.force_login(team["outsider"])
    response = client.get(GROUP_PAGES[page](team["group"]))
    assert response.status_code == 404
    assert b"check the 2019 figure" not in response.content


@pytest.mark.parametrize("page", GROUP_PAGES)
def test_group_pages_send_anonymous_readers_to_sign_in(client, team, page):
    response = client.get(GROUP_PAGES[page](team["group"]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_settings_are_for_owners_and_moderators(client, team):
    client.force_login(team["member"])
    assert client.get(GROUP_PAGES["settings"](team["group"])).status_code == 403
    client.force_login(team["owner"])
    assert client.get(GROUP_PAGES["settings"](team["group"])).status_code == 200


@pytest.mark.parametrize("fmt", ["md", "jsonld"])
def test_members_export_the_groups_notes(client, team, fmt):
    make_annotation(article=team["article"], author=team["member"], note="public elsewhere")
    client.force_login(team["owner"])
    response = client.get(GROUP_PAGES[f"export_{fmt}"](team["group"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "check the 2019 figure" in body
    assert "public elsewhere" not in body
    assert "private" in response["Cache-Control"]
    if fmt == "jsonld":
        assert json.loads(body)["type"] == "AnnotationCollection"


def test_joining_by_link(client, team):
    invite = Invite.objects.create(group=team["group"], created_by=team["owner"])
    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    page = client.get(invite.get_absolute_url())
    assert "Join Fact desk" in page.content.decode()
    response = client.post(invite.get_absolute_url())
    assert response.status_code == 302
    assert Membership.objects.filter(group=team["group"], user=newcomer).exists()


def test_an_anonymous_visitor_is_asked_to_sign_in_before_joining(client, team):
    invite = Invite.objects.create(group=team["group"], created_by=team["owner"])
    page = client.get(invite.get_absolute_url()).content.decode()
    assert "Sign in to join" in page
    response = client.post(invite.get_absolute_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert Membership.objects.filter(group=team["group"]).count() == 2


def test_a_used_up_link_says_so_and_admits_nobody(client, team):
    invite = Invite.objects.create(
        group=team["group"], created_by=team["owner"], max_uses=1, uses=1
    )
    client.force_login(team["outsider"])
    assert "used as many times" in client.get(invite.get_absolute_url()).content.decode()
    response = client.post(invite.get_absolute_url())
    assert response.status_code == 302
    assert not Membership.objects.filter(user=team["outsider"]).exists()


def test_an_unknown_invitation_is_not_found(client):
    assert client.get(reverse("groups:join", args=["no-such-token"])).status_code == 404


def test_the_owner_makes_and_withdraws_a_link(client, team):
    client.force_login(team["owner"])
    response = client.post(
        reverse("groups:invite_link", args=[team["group"].slug]),
        {"expires_in_days": "7", "max_uses": "5"},
    )
    invite = Invite.objects.get(group=team["group"], max_uses=5)
    assert response.status_code == 302
    assert invite.expires_at is not None
    client.post(reverse("groups:revoke", args=[team["group"].slug, invite.pk]))
    invite.refresh_from_db()
    assert invite.revoked_at is not None


def test_a_member_making_a_link_is_refused(client, team):
    client.force_login(team["member"])
    response = client.post(reverse("groups:invite_link", args=[team["group"].slug]), **HTMX)
    assert response.status_code == 403
    assert not Invite.objects.filter(group=team["group"]).exclude(created_by=team["owner"])


def test_the_owner_changes_a_role_and_a_member_cannot(client, team):
    url = reverse("groups:role", args=[team["group"].slug, "member"])
    client.force_login(team["member"])
    assert client.post(url, {"role": "owner"}, **HTMX).status_code == 403
    client.force_login(team["owner"])
    client.post(url, {"role": "moderator"})
    assert Membership.objects.get(user=team["member"]).role == "moderator"


def test_the_only_owner_leaving_is_told_why(client, team):
    client.force_login(team["owner"])
    response = client.post(reverse("groups:leave", args=[team["group"].slug]), follow=True)
    assert "only owner" in response.content.decode()
    assert Membership.objects.filter(user=team["owner"]).exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_saving_an_article_to_a_groups_reading_list(client, team, htmx):
    other = make_article(title="Harbour budget")
    client.force_login(team["member"])
    response = client.post(
        reverse("groups:reading_list", args=[team["group"].slug]),
        {"article": other.slug},
        **(HTMX if htmx else {}),
    )
    assert ReadingListEntry.objects.filter(group=team["group"], article=other).exists()
    if htmx:
        assert "Saved to Fact desk’s reading list" in response.content.decode()
    else:
        assert response.status_code == 302
    page = client.get(team["group"].get_absolute_url()).content.decode()
    assert "Harbour budget" in page


def test_an_outsider_cannot_save_to_a_group(client, team):
    client.force_login(team["outsider"])
    response = client.post(
        reverse("groups:reading_list", args=[team["group"].slug]),
        {"article": team["article"].slug},
    )
    assert response.status_code == 404
    assert not ReadingListEntry.objects.exists()


def test_the_reader_offers_saving_to_readers_in_a_group(client, team):
    save_url = reverse("groups:save", args=[team["article"].slug])
    client.force_login(team["member"])
    assert save_url in client.get(team["article"].get_absolute_url()).content.decode()
    client.force_login(team["outsider"])
    assert save_url not in client.get(team["article"].get_absolute_url()).content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_the_save_panel_lists_the_readers_groups_and_what_they_saved(client, team, htmx):
    mine = make_group(owner=team["member"], name="My other desk")
    ReadingListEntry.objects.create(group=mine, article=team["article"])
    make_group(owner=team["outsider"], name="Not mine")
    client.force_login(team["member"])
    response = client.get(
        reverse("groups:save", args=[team["article"].slug]), **(HTMX if htmx else {})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fact desk" in html
    assert "Saved · remove" in html
    assert "Not mine" not in html
    assert ("<html" in html) is not htmx
