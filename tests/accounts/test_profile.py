"""A reader's public page (display name, bio, public notes, for everyone) and the form where
its owner edits it. Names and bios are plain text, cleaned and length-limited."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.accounts.models import Profile
from newsapp.accounts.services import profile_update
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner():
    return make_user("mara")


@pytest.fixture
def article():
    return make_article()


def page_of(client, username="mara", params=None, **headers):
    return client.get(reverse("annotations:profile", args=[username]), params or {}, **headers)


def test_the_page_shows_public_notes_only_to_everyone(client, owner, article):
    public = make_annotation(
        article=article, author=owner, exact="We cannot keep patching", note="Seen in **2019**."
    )
    unlisted = make_annotation(
        article=article, author=owner, exact="the harbour bridge", visibility="unlisted"
    )
    private = make_annotation(article=article, author=owner, exact="too high", visibility="private")
    for viewer in (None, make_user("other"), owner):
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        html = page_of(client).content.decode()
        assert public.get_absolute_url() in html
        assert "<strong>2019</strong>" in html
        assert unlisted.get_absolute_url() not in html
        assert private.get_absolute_url() not in html
        assert "1 public note" in html


def test_display_name_and_bio_are_shown_as_text(client, owner):
    profile_update(
        user=owner,
        display_name="Mara <b>K.</b>",
        bio="Port reporter.\n<script>alert(1)</script>Tides & ferries.",
        email="",
    )
    html = page_of(client).content.decode()
    assert "<h1>Mara K.</h1>" in html
    assert "@mara" in html
    assert "Port reporter.<br>Tides &amp; ferries." in html
    assert "<script>alert" not in html


def test_the_owner_is_offered_the_edit_form(client, owner):
    client.force_login(owner)
    assert f'href="{reverse("accounts:profile_edit")}"' in page_of(client).content.decode()
    client.force_login(make_user("other"))
    assert f'href="{reverse("accounts:profile_edit")}"' not in page_of(client).content.decode()


def test_unknown_and_inactive_readers_have_no_page(client, owner):
    assert page_of(client, "nobody").status_code == 404
    owner.is_active = False
    owner.save()
    assert page_of(client).status_code == 404


def test_queries_do_not_grow_with_the_notes(client, owner, article):
    make_annotation(article=article, author=owner, exact="We cannot keep patching")
    with CaptureQueriesContext(connection) as few:
        page_of(client)
    for _ in range(12):
        make_annotation(article=make_article(), author=owner)
    with CaptureQueriesContext(connection) as many:
        page_of(client)
    assert len(many) == len(few)


def test_further_pages_come_as_a_fragment_for_htmx(client, owner):
    for _ in range(21):
        make_annotation(article=make_article(), author=owner)
    fragment = page_of(client, params={"page": 2}, **HTMX)
    html = fragment.content.decode()
    assert "<html" not in html
    assert 'id="profile-notes"' in html
    assert "Page 2 of 2" in html
    assert len(re.findall(r'<li class="my-note">', html)) == 1


def test_the_owner_edits_name_bio_and_email(client, owner):
    client.force_login(owner)
    assert client.get(reverse("accounts:profile_edit")).status_code == 200
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "  Mara\u202e Kell  ",
            "bio": "Line one\n\n\n\nLine two",
            "email": "mara@example.org",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("annotations:profile", args=["mara"])
    profile = Profile.objects.get(user=owner)
    assert profile.display_name == "Mara Kell"
    assert profile.bio == "Line one\n\nLine two"
    owner.refresh_from_db()
    assert owner.email == "mara@example.org"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"display_name": "x" * 51}, "display_name", "at most 50 characters"),
        ({"bio": "y" * 501}, "bio", "at most 500 characters"),
        ({"bio": "\n".join(["line"] * 9)}, "bio", "Keep the bio to 8 lines"),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
    ],
)
def test_bad_profile_input_is_refused_on_its_field(client, owner, data, field, message):
    client.force_login(owner)
    payload = {"display_name": "", "bio": "", "email": ""} | data
    response = client.post(reverse("accounts:profile_edit"), payload)
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index(f'id="id_{field}_error"') :]
    assert message in error[: error.index("</div>")]
    assert not Profile.objects.exists()


def test_editing_the_profile_requires_signing_in(client):
    response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_navigation_links_to_the_readers_own_page(client, owner):
    client.force_login(owner)
    own = page_of(client).content.decode()
    link = reverse("annotations:profile", args=["mara"])
    assert f'<a class="nav-user" href="{link}" aria-current="page"' in own
    other = client.get(reverse("annotations:profile", args=[make_user("other").username]))
    assert f'<a class="nav-user" href="{link}" title=' in other.content.decode()
