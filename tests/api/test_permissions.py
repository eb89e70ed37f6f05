"""The permission matrix through the API: author / another reader / anonymous, times private /
unlisted / public, times GET / PUT / DELETE / listed in the container / listed in search."""

from __future__ import annotations

import pytest

from tests.api.conftest import SOURCE
from tests.api.support import CONTAINER, annotation_document, auth, put, token_for
from tests.factories import make_annotation, make_user

pytestmark = pytest.mark.django_db

VISIBILITIES = ["private", "unlisted", "public"]
CALLERS = ["author", "other", "anonymous"]

EXPECTED_GET = {
    ("author", "private"): 200,
    ("author", "unlisted"): 200,
    ("author", "public"): 200,
    ("other", "private"): 404,
    ("other", "unlisted"): 200,
    ("other", "public"): 200,
    ("anonymous", "private"): 404,
    ("anonymous", "unlisted"): 200,
    ("anonymous", "public"): 200,
}
EXPECTED_WRITE = {
    ("author", "private"): "ok",
    ("author", "unlisted"): "ok",
    ("author", "public"): "ok",
    ("other", "private"): 404,
    ("other", "unlisted"): 403,
    ("other", "public"): 403,
    ("anonymous", "private"): 401,
    ("anonymous", "unlisted"): 401,
    ("anonymous", "public"): 401,
}
EXPECTED_LISTED = {
    ("author", "private"): True,
    ("author", "unlisted"): True,
    ("author", "public"): True,
    ("other", "private"): False,
    ("other", "unlisted"): False,
    ("other", "public"): True,
    ("anonymous", "private"): False,
    ("anonymous", "unlisted"): False,
    ("anonymous", "public"): True,
}


@pytest.fixture
def setting(article, author):
    """An annotation of each visibility by `author`, and a token for each caller."""
    annotations = {
        visibility: make_annotation(
            article=article,
            author=author,
            visibility=visibility,
            exact=exact,
            note=f"A {visibility} note",
        )
        for visibility, exact in zip(
            VISIBILITIES,
            ["widen the harbour bridge", "84 million euros", "too high"],
            strict=True,
        )
    }
    tokens = {"author": token_for(author), "other": token_for(make_user()), "anonymous": None}
    return annotations, tokens


def iri(annotation) -> str:
    return f"/api/annotations/{annotation.public_id}"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_get(client, setting, caller, visibility):
    annotations, tokens = setting
    response = client.get(iri(annotations[visibility]), **auth(tokens[caller]))
    assert response.status_code == EXPECTED_GET[(caller, visibility)]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_put(client, setting, caller, visibility):
    annotations, tokens = setting
    annotation = annotations[visibility]
    document = annotation_document(SOURCE, annotation.exact, note="Changed", visibility=visibility)
    response = put(client, iri(annotation), document, tokens[caller], HTTP_IF_MATCH="*")
    expected = EXPECTED_WRITE[(caller, visibility)]
    assert response.status_code == (200 if expected == "ok" else expected)
    annotation.refresh_from_db()
    assert (annotation.note == "Changed") is (expected == "ok")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_delete(client, setting, caller, visibility):
    annotations, tokens = setting
    annotation = annotations[visibility]
    response = client.delete(iri(annotation), **auth(tokens[caller]))
    expected = EXPECTED_WRITE[(caller, visibility)]
    assert response.status_code == (204 if expected == "ok" else expected)
    annotation.refresh_from_db()
    assert (annotation.deleted_at is not None) is (expected == "ok")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_listed_in_the_container(client, setting, caller, visibility):
    annotations, tokens = setting
    document = client.get(CONTAINER, {"iris": 1, "page": 0}, **auth(tokens[caller])).json()
    listed = f"http://testserver{iri(annotations[visibility])}" in document["items"]
    assert listed is EXPECTED_LISTED[(caller, visibility)]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_listed_in_search(client, setting, caller, visibility):
    annotations, tokens = setting
    rows = client.get("/api/search", **auth(tokens[caller])).json()["rows"]
    listed = annotations[visibility].public_id in {row["id"] for row in rows}
    assert listed is EXPECTED_LISTED[(caller, visibility)]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_waiting_annotations_follow_the_same_rule(client, author, caller, visibility):
    """Notes on a page Gloss does not have obey the same matrix."""
    from tests.api.support import post

    tokens = {"author": token_for(author), "other": token_for(make_user()), "anonymous": None}
    created = post(
        client,
        annotation_document("https://elsewhere.example/story", "some words", visibility=visibility),
        tokens["author"],
    )
    path = "/" + created["Location"].split("/", 3)[3]
    assert (
        client.get(path, **auth(tokens[caller])).status_code == EXPECTED_GET[(caller, visibility)]
    )
    rows = client.get("/api/search", **auth(tokens[caller])).json()["rows"]
    assert (len(rows) == 1) is EXPECTED_LISTED[(caller, visibility)]
