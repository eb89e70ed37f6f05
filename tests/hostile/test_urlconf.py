"""What holds for every endpoint in the URL conf: ids are range-checked, numbers in the query
string never cost a 500, every POST needs the CSRF token, odd path values are 404s."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from newsapp.converters import MAX_ID
from tests.hostile.catalogue import (
    TOKEN_ONLY,
    build_world,
    endpoints,
    sample_kwargs,
    sample_path,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = endpoints()
WITH_IDS = [endpoint for endpoint in ENDPOINTS if ("pk", "IdConverter") in endpoint.parameters]
HUGE_NUMBERS = [
    "0", "-1", str(MAX_ID + 1), "9" * 19, "9" * 40, "9" * 5000, "1e99", "0x10", "１２",
    "NaN", "", " 7", "7.5",
]  # fmt: skip
QUERY_NUMBERS = ["page", "notes_page", "from", "to", "maxwidth", "maxheight", "start", "end"]


@pytest.fixture
def world(production):
    return build_world()


@pytest.fixture
def owner(world):
    client = Client(raise_request_exception=False)
    assert client.login(username=world["owner"], password=world["password"])
    return client


def ids(endpoint_list):
    return [endpoint.name for endpoint in endpoint_list]


def test_the_catalogue_sees_every_app_and_fills_every_path(world):
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert {"articles:library", "annotations:preview", "sharing:oembed", "claims:quote"} <= names
    assert all(sample_path(endpoint, world) for endpoint in ENDPOINTS)


def test_no_pattern_uses_an_unbounded_integer_converter():
    unbounded = [
        endpoint.name
        for endpoint in endpoints(include_not_fuzzed=True)
        if any(converter == "IntConverter" for _, converter in endpoint.parameters)
        and endpoint.namespace != "admin"
    ]
    assert unbounded == []
    assert WITH_IDS, "no <id:…> patterns found: the catalogue lost them"


def with_path_values(endpoint, world, value: str) -> str:
    """The endpoint's sample path with every parameter (but a regex's) replaced by `value`."""
    kwargs = sample_kwargs(endpoint, world)
    path = reverse(endpoint.name, kwargs=kwargs)
    for name, converter in endpoint.parameters:
        if converter != "regex":
            path = path.replace(f"/{kwargs[name]}", f"/{quote(value, safe='%')}", 1)
    return path


def test_ids_beyond_the_database_range_are_404(owner, world):
    answers = {
        path: (owner.get(path).status_code, owner.post(path).status_code)
        for endpoint in WITH_IDS
        for value in ["0", str(MAX_ID + 1), "9" * 19, "9" * 40, "9" * 4000]
        for path in [with_path_values(endpoint, world, value)]
    }
    assert {path: answer for path, answer in answers.items() if answer != (404, 404)} == {}


def test_numbers_in_the_query_string_never_cost_a_500(owner, world):
    failures = []
    for endpoint in ENDPOINTS:
        path = sample_path(endpoint, world)
        for value in HUGE_NUMBERS:
            query = {name: value for name in QUERY_NUMBERS}
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                status = owner.get(path, query, **headers).status_code
                if status >= 500:
                    failures.append((path, value, status))
    assert failures == []


def test_odd_path_values_are_never_a_500(owner, world):
    failures = []
    for endpoint in ENDPOINTS:
        if not endpoint.parameters:
            continue
        for value in ["x" * 400, "%00", "..", "%E2%80%AE", "ü" * 50, "<script>", "9" * 60, "-"]:
            path = with_path_values(endpoint, world, value)
            statuses = (owner.get(path).status_code, owner.post(path).status_code)
            if max(statuses) >= 500:
                failures.append((path, statuses))
    assert failures == []


def test_no_view_is_exempt_from_csrf():
    exempt = [
        endpoint.name
        for endpoint in ENDPOINTS
        if getattr(get_resolver().resolve(_any_path(endpoint)).func, "csrf_exempt", False)
        and endpoint.name not in TOKEN_ONLY
    ]
    assert exempt == []


def _any_path(endpoint) -> str:
    world = {
        "slug": "s", "public_id": "p", "speaker": "s", "job": 1, "feed": 1, "quote": 1,
        "owner": "u", "follow": 1, "notification": 1,
        "group": "g", "invite": 1,
        "api_token": 1,
    }  # fmt: skip
    return sample_path(endpoint, world)


def test_every_post_without_the_csrf_token_is_refused(world):
    signed_in = Client(enforce_csrf_checks=True, raise_request_exception=False)
    assert signed_in.login(username=world["owner"], password=world["password"])
    signed_out = Client(enforce_csrf_checks=True, raise_request_exception=False)
    answers = {}
    for endpoint in ENDPOINTS:
        path = sample_path(endpoint, world)
        form = {"note": "x", "title": "x", "url": "http://127.0.0.1:9/", "username": "x"}
        answers[path] = (
            signed_in.post(path, form).status_code,
            signed_out.post(path, form).status_code,
        )
    # Token-only API endpoints never read the session: without a token, a POST to the container
    # is 401 (and to any other API resource 405), signed in or not.
    expected = {
        sample_path(endpoint, world): (401, 401) if endpoint.name == "api:container" else (405, 405)
        for endpoint in ENDPOINTS
        if endpoint.name in TOKEN_ONLY
    }
    assert {
        path: answer for path, answer in answers.items() if answer != expected.get(path, (403, 403))
    } == {}
