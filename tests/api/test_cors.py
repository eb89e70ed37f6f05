"""CORS on the API paths only: any origin, never cookies; the protocol's headers exposed."""

from __future__ import annotations

import pytest

from tests.api.support import CONTAINER

pytestmark = pytest.mark.django_db

ORIGIN = "https://reader-tool.example"


def preflight(client, path, method="PUT"):
    return client.options(
        path,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-match, content-type, prefer",
    )


def test_preflight_allows_the_protocol_headers(client):
    response = preflight(client, "/api/annotations/abc")
    allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert {"content-type", "authorization", "if-match", "prefer"} <= allowed
    assert "PUT" in response["Access-Control-Allow-Methods"]


def test_no_credentials_are_ever_allowed(client):
    assert "Access-Control-Allow-Credentials" not in preflight(client, CONTAINER)
    assert "Access-Control-Allow-Credentials" not in client.get(CONTAINER, HTTP_ORIGIN=ORIGIN)


def test_responses_expose_the_protocol_headers(client):
    response = client.get(CONTAINER, HTTP_ORIGIN=ORIGIN)
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert {"ETag", "Allow", "Link", "Location", "Content-Location", "Vary"} <= exposed


def test_errors_carry_cors_too(client):
    response = client.get("/api/annotations/nope", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_pages_outside_the_api_get_no_cors(client):
    response = client.get("/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in preflight(client, "/accounts/login/")
