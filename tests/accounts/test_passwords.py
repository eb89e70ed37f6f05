"""Passwords: what is wrong with one shows on the Password field; changing it while signed in
and resetting it by an emailed link go through Django's own views."""

from __future__ import annotations

import re

import html5lib
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from newsapp.accounts.account_views import RESET_REQUESTS_PER_HOUR
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NS = {"h": "http://www.w3.org/1999/xhtml"}


def text_of(html: str, element_id: str) -> str:
    document = html5lib.parse(html, namespaceHTMLElements=True)
    element = document.find(f".//*[@id='{element_id}']", NS)
    return "" if element is None else " ".join("".join(element.itertext()).split())


def top_box(html: str) -> str:
    document = html5lib.parse(html, namespaceHTMLElements=True)
    boxes = document.findall(".//h:div[@class='form-errors']", NS)
    return " ".join(" ".join("".join(box.itertext()).split()) for box in boxes)


# --- Sign-up ----------------------------------------------------------------------------------


def test_a_weak_password_is_explained_on_the_password_field(client):
    response = client.post(
        reverse("accounts:signup"), {"username": "mara", "password1": "abc", "password2": "abc"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "too short" in text_of(html, "id_password1_error")
    assert text_of(html, "id_password2_error") == ""
    assert "too short" not in top_box(html)
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html


def test_a_mismatch_is_explained_on_the_confirmation(client):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "mara", "password1": "tidal-maple-9081", "password2": "tidal-maple-9082"},
    )
    html = response.content.decode()
    assert "didn’t match" in text_of(html, "id_password2_error")
    assert top_box(html) == ""


def test_sign_up_may_give_an_email_address_for_resets(client):
    client.post(
        reverse("accounts:signup"),
        {
            "username": "mara",
            "email": "mara@example.org",
            "password1": "tidal-maple-9081",
            "password2": "tidal-maple-9081",
        },
    )
    assert get_user_model().objects.get(username="mara").email == "mara@example.org"


def test_a_form_error_that_belongs_to_no_field_stays_at_the_top(client):
    response = client.post(reverse("accounts:login"), {"username": "ghost", "password": "nope"})
    assert "correct username and password" in top_box(response.content.decode())


# --- Change, signed in ------------------------------------------------------------------------


def test_changing_the_password_needs_the_old_one(client):
    user = make_user("mara", password="old-harbour-password")
    client.force_login(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    wrong = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "not-it",
            "new_password1": "new-harbour-password",
            "new_password2": "new-harbour-password",
        },
    )
    assert wrong.status_code == 400
    assert "entered incorrectly" in text_of(wrong.content.decode(), "id_old_password_error")
    done = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "old-harbour-password",
            "new_password1": "new-harbour-password",
            "new_password2": "new-harbour-password",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password("new-harbour-password")


def test_a_weak_new_password_is_explained_on_the_new_password_field(client):
    client.force_login(make_user("mara", password="old-harbour-password"))
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "old-harbour-password", "new_password1": "1234", "new_password2": "1234"},
    )
    assert response.status_code == 400
    assert "too short" in text_of(response.content.decode(), "id_new_password1_error")


def test_changing_the_password_requires_signing_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- Reset by email ---------------------------------------------------------------------------


def test_a_reset_link_by_email_sets_a_new_password(client):
    user = make_user("mara", password="forgotten-password")
    user.email = "mara@example.org"
    user.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "mara@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["mara@example.org"]
    assert message.subject == "Reset your Gloss password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "remembered-at-last", "new_password2": "remembered-at-last"}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("remembered-at-last")
    used_again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in used_again


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_requests_are_limited_per_client(client):
    for _ in range(RESET_REQUESTS_PER_HOUR):
        client.post(reverse("accounts:password_reset"), {"email": "someone@example.org"})
    response = client.post(reverse("accounts:password_reset"), {"email": "someone@example.org"})
    assert response.status_code == 429
    assert "Too many reset links" in top_box(response.content.decode())


def test_the_sign_in_page_offers_a_reset(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in page
