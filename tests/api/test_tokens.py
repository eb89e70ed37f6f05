"""Personal API tokens: bearer only, hashed, scoped, revocable; the settings page and the
management command; sessions never authorise the API."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from newsapp.annotations.models import Annotation
from newsapp.api.models import ApiToken, hash_token
from tests.api.conftest import SOURCE
from tests.api.support import CONTAINER, annotation_document, auth, post, token_for
from tests.factories import make_annotation, make_user

pytestmark = pytest.mark.django_db


def document():
    return annotation_document(SOURCE, "widen the harbour bridge")


def test_the_token_is_stored_hashed(token):
    record = ApiToken.objects.get()
    assert record.key_hash == hash_token(token)
    assert token not in {record.key_hash, record.key_start, record.name}


def test_a_wrong_token_is_401_even_for_a_read(client, article):
    response = client.get(CONTAINER, **auth("gloss_not-a-real-token"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["path"] == "Authorization"


def test_a_malformed_authorization_header_is_401(client, article):
    response = client.get(CONTAINER, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert response.status_code == 401


def test_a_revoked_token_is_401(client, author, token, article):
    client.force_login(author)
    record = ApiToken.objects.get()
    client.post(f"/settings/api-tokens/{record.pk}/revoke/")
    client.logout()
    response = post(client, document(), token)
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_a_read_only_token_reads_but_cannot_write(client, author, article):
    read_only = token_for(author, read_only=True)
    make_annotation(article=article, author=author, visibility="private")
    assert client.get(CONTAINER, **auth(read_only)).json()["total"] == 1
    response = post(client, document(), read_only)
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_writing_without_a_token_is_401(client, article):
    response = post(client, document(), None)
    assert response.status_code == 401
    assert Annotation.objects.count() == 0


def test_a_session_cookie_never_authorises_a_write(client, author, article):
    client.force_login(author)
    response = post(client, document(), None)
    assert response.status_code == 401
    assert Annotation.objects.count() == 0


def test_a_session_cookie_reads_as_anonymous(client, author, article):
    make_annotation(article=article, author=author, visibility="private")
    client.force_login(author)
    assert client.get(CONTAINER).json()["total"] == 0


def test_using_a_token_records_when(client, token, article):
    assert ApiToken.objects.get().last_used_at is None
    client.get(CONTAINER, **auth(token))
    assert ApiToken.objects.get().last_used_at is not None


def test_reads_are_rate_limited_per_token(client, token, article, settings):
    settings.GLOSS_API_READS_PER_MINUTE = 3
    statuses = [client.get(CONTAINER, **auth(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_another_token_has_its_own_limit(client, author, token, article, settings):
    settings.GLOSS_API_READS_PER_MINUTE = 1
    client.get(CONTAINER, **auth(token))
    other = token_for(make_user())
    assert client.get(CONTAINER, **auth(other)).status_code == 200


# --- the settings page -----------------------------------------------------------------------


def test_the_settings_page_creates_a_token_shown_once(client, author):
    client.force_login(author)
    response = client.post("/settings/api-tokens/", {"name": "Obsidian sync", "scope": "read"})
    shown = response.context["new_token"]
    record = ApiToken.objects.get()
    assert record.key_hash == hash_token(shown)
    assert record.read_only is True
    assert shown in response.content.decode()
    assert shown not in client.get("/settings/api-tokens/").content.decode()


def test_the_settings_page_lists_name_scope_and_last_use(client, author, token, article):
    client.get(CONTAINER, **auth(token))
    client.force_login(author)
    page = client.get("/settings/api-tokens/").content.decode()
    assert "tests" in page
    assert "read and write" in page
    assert "last used" in page


def test_a_long_name_is_refused_with_the_reason(client, author):
    client.force_login(author)
    response = client.post("/settings/api-tokens/", {"name": "n" * 81})
    assert response.status_code == 400
    assert "the limit is 80" in response.content.decode()


def test_only_the_owner_can_revoke(client, token):
    client.force_login(make_user())
    response = client.post(f"/settings/api-tokens/{ApiToken.objects.get().pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_the_settings_page_needs_a_sign_in(client, db):
    response = client.get("/settings/api-tokens/")
    assert response.status_code == 302


# --- the management command ------------------------------------------------------------------


def test_api_token_command_prints_the_token_last(client, author, article, capsys):
    call_command("api_token", "adaeze", "--name", "Script", "--read-only")
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    record = ApiToken.objects.get(name="Script")
    assert record.key_hash == hash_token(printed)
    assert record.read_only is True
    assert client.get(CONTAINER, **auth(printed)).status_code == 200


def test_api_token_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named"):
        call_command("api_token", "nobody")


def test_the_account_settings_link_to_api_tokens(client, author):
    client.force_login(author)
    page = client.get("/accounts/profile/").content.decode()
    assert 'href="/settings/api-tokens/"' in page
