"""The helpers every view shares: one HTMX-aware render, one refusal, safe redirects."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from newsapp.web import refusal, render_htmx, safe_next


def request(path="/", *, htmx=False, **params):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    made = RequestFactory().get(path, params, **headers)
    made.htmx = HtmxDetails(made)
    return made


@pytest.mark.django_db
def test_render_htmx_gives_the_partial_to_htmx_and_the_page_otherwise(client):
    page = client.get("/")
    fragment = client.get("/", HTTP_HX_REQUEST="true")
    assert "<html" in page.content.decode()
    assert "<html" not in fragment.content.decode()
    assert 'id="results"' in fragment.content.decode()
    assert "HX-Request" in page["Vary"]
    assert "HX-Request" in fragment["Vary"]


def test_a_retargeted_answer_says_where_it_goes():
    response = render_htmx(
        request(htmx=True), "_refusal.html", {}, target="#slot", swap="innerHTML"
    )
    assert response["HX-Retarget"] == "#slot"
    assert response["HX-Reswap"] == "innerHTML"
    plain = render_htmx(request(), "_refusal.html", {}, target="#slot")
    assert "HX-Retarget" not in plain


def test_a_refusal_goes_to_its_slot_or_onto_a_page():
    fragment = refusal(request(htmx=True), "Too many.", status=429, slot="rating-error-1")
    assert fragment.status_code == 429
    assert fragment["HX-Retarget"] == "#rating-error-1"
    assert b'id="rating-error-1"' in fragment.content
    assert b"Too many." in fragment.content


@pytest.mark.django_db
def test_a_refusal_without_htmx_is_a_page_with_a_way_back():
    made = request()
    from django.contrib.auth.models import AnonymousUser

    made.user = AnonymousUser()
    page = refusal(made, "Not yours.", status=403, slot="x", back="/articles/a/")
    assert page.status_code == 403
    assert b"Not yours." in page.content
    assert b'href="/articles/a/"' in page.content


def test_safe_next_stays_on_this_site():
    assert safe_next(request(next="/articles/a/"), "/") == "/articles/a/"
    assert safe_next(request(next="https://evil.example/"), "/fallback/") == "/fallback/"
    assert safe_next(request(next="//evil.example/"), "/fallback/") == "/fallback/"


@pytest.mark.parametrize("target", ["000000000", "library", "articles/a/", "?q=1", "#x", "/\\evil"])
def test_safe_next_takes_only_absolute_paths(target):
    # redirect() would try to reverse a bare word as a view name: a 500 before
    assert safe_next(request(next=target), "/fallback/") == "/fallback/"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/a/%00/", "/?q=bridge%00", "/search/?q=%00"])
def test_a_nul_character_in_the_address_is_a_400_with_the_reason(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_a_nul_character_in_its_own_json_shape(client):
    response = client.get("/api/annotations/", {"tag": "harbour\x00"})
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json()["message"] == "The address holds a NUL character."
