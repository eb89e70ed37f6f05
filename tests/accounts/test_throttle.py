"""Sign-in throttling per account and per client address, sign-up throttling per address, and
passwords that are only spaces."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from newsapp.accounts.throttle import (
    SIGNIN_FAILURES_PER_ACCOUNT,
    SIGNIN_FAILURES_PER_CLIENT,
    SIGNUPS_PER_CLIENT,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-55"


@pytest.fixture(autouse=True)
def mid_window(monkeypatch):
    """Every attempt in one counting window (a real run may cross a window's edge)."""
    monkeypatch.setattr("newsapp.ratelimit.time.time", lambda: 1_800_000_030.0)


def sign_in(client, username: str, password: str, **headers):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **headers
    )


def test_an_account_is_throttled_after_repeated_failures_even_with_the_right_password(client):
    make_user("ana", password=PASSWORD)
    failures = [
        sign_in(client, "ana", "wrong").status_code for _ in range(SIGNIN_FAILURES_PER_ACCOUNT)
    ]
    assert failures == [200] * SIGNIN_FAILURES_PER_ACCOUNT
    throttled = sign_in(client, "ANA", PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed sign-ins for this account" in throttled.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_one_account_leaves_others_open(client):
    make_user("ana", password=PASSWORD)
    make_user("ben", password=PASSWORD)
    for _ in range(SIGNIN_FAILURES_PER_ACCOUNT + 1):
        sign_in(client, "ana", "wrong")
    assert sign_in(client, "ben", PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count(client):
    make_user("ana", password=PASSWORD)
    for _ in range(SIGNIN_FAILURES_PER_ACCOUNT * 2):
        assert sign_in(Client(), "ana", PASSWORD).status_code == 302
    assert sign_in(client, "ana", "wrong").status_code == 200


def test_a_client_address_is_throttled_across_accounts(client):
    statuses = [
        sign_in(client, f"guess{number}", "wrong").status_code
        for number in range(SIGNIN_FAILURES_PER_CLIENT + 1)
    ]
    assert statuses[:-1] == [200] * SIGNIN_FAILURES_PER_CLIENT
    assert statuses[-1] == 429


def test_behind_a_trusted_proxy_each_forwarded_address_counts_alone(client, settings):
    settings.GLOSS_TRUSTED_PROXIES = 1
    for number in range(SIGNIN_FAILURES_PER_CLIENT):
        sign_in(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = sign_in(client, "someone", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 200
    # What the client adds on the left of the header is not trusted.
    spoofed = sign_in(client, "x", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert spoofed.status_code == 429


def signup(client, username: str, password: str = "tidal-maple-9081", **headers):
    return client.post(
        reverse("accounts:signup"),
        {"username": username, "password1": password, "password2": password},
        **headers,
    )


def test_sign_ups_are_throttled_per_client_address():
    statuses = [signup(Client(), f"new{n}").status_code for n in range(SIGNUPS_PER_CLIENT + 1)]
    assert statuses == [302] * SIGNUPS_PER_CLIENT + [429]
    assert get_user_model().objects.count() == SIGNUPS_PER_CLIENT
    other = Client(REMOTE_ADDR="192.0.2.44")
    assert signup(other, "elsewhere").status_code == 302


def test_refused_sign_ups_do_not_use_up_the_account_limit(client):
    for number in range(SIGNUPS_PER_CLIENT + 2):
        assert signup(client, f"bad{number}", password="short").status_code == 400
    assert signup(Client(), "fine").status_code == 302


@pytest.mark.parametrize(
    "password", [" " * 12, "\t" * 12, "\u3000" * 12, "\u200b" * 12, " \u00a0\u2002\u200d" * 4]
)
def test_a_password_of_only_blank_characters_is_refused(client, password):
    response = signup(client, "blank", password=password)
    assert response.status_code == 400
    assert "only spaces or invisible characters" in response.content.decode()
    assert not get_user_model().objects.filter(username="blank").exists()
