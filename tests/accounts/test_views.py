from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_signup_logs_in_and_returns_to_next(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "newreader",
            "password1": "tidal-maple-9081",
            "password2": "tidal-maple-9081",
            "next": "/articles/new/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/articles/new/"
    assert get_user_model().objects.filter(username="newreader").exists()
    assert client.get(reverse("articles:new")).status_code == 200


def test_signup_refuses_mismatch_with_400(client):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "x", "password1": "tidal-maple-9081", "password2": "other-maple-9081"},
    )
    assert response.status_code == 400
    assert "didn’t match" in response.content.decode()


def test_signup_ignores_offsite_next(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "r2",
            "password1": "tidal-maple-9081",
            "password2": "tidal-maple-9081",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_login_and_logout_redirect_back(client):
    make_user("ana", password="quiet-harbour-55")
    response = client.post(
        reverse("accounts:login"),
        {"username": "ana", "password": "quiet-harbour-55", "next": "/articles/x/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/articles/x/"
    response = client.post(reverse("accounts:logout"), {"next": "/?q=a"})
    assert response.status_code == 302
    assert response["Location"] == "/?q=a"
    follow = client.get("/")
    assert "You are signed out." in follow.content.decode()


def test_login_failure_shows_message(client):
    response = client.post(reverse("accounts:login"), {"username": "ghost", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
