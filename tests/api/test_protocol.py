"""The W3C Web Annotation Protocol: the container, its pages and Prefer, one annotation with
its headers, ETag and If-Match, create, replace and delete."""

from __future__ import annotations

import json

import pytest

from newsapp.annotations.models import Annotation
from tests.api.conftest import SOURCE
from tests.api.support import (
    ANNO,
    CONTAINER,
    annotation_document,
    auth,
    path_of,
    post,
    put,
)
from tests.factories import make_annotation

pytestmark = pytest.mark.django_db

LDP = "http://www.w3.org/ns/ldp#"
PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def create(client, token, exact="widen the harbour bridge", **extra):
    response = post(client, annotation_document(SOURCE, exact, **extra), token)
    assert response.status_code == 201, response.content
    return response


def test_post_creates_an_annotation_anchored_on_the_article(client, token, article, author):
    response = create(client, token)
    body = response.json()
    annotation = Annotation.objects.get(author=author)
    assert response["Location"] == body["id"]
    assert body["id"] == f"http://testserver/api/annotations/{annotation.public_id}"
    assert article.body_text[annotation.start : annotation.end] == "widen the harbour bridge"
    assert annotation.note == "Which budget line pays for this?"
    assert annotation.article == article


def test_post_answers_json_ld_with_the_protocol_headers(client, token, article):
    response = create(client, token)
    assert response["Content-Type"] == PROFILE
    assert response["ETag"].startswith('"')
    assert response["Link"] == f'<{LDP}Resource>; rel="type"'


def test_post_keeps_canonical_and_moves_a_client_id_to_via(client, token, article):
    response = create(
        client,
        token,
        id="https://other.example/anno/7",
        canonical="urn:uuid:3b3b0a2e-52c6-4a0e-9a5b-1f7d1c0c8a11",
    )
    fetched = client.get(path_of(response["Location"]), **auth(token)).json()
    assert fetched["via"] == "https://other.example/anno/7"
    assert fetched["canonical"] == "urn:uuid:3b3b0a2e-52c6-4a0e-9a5b-1f7d1c0c8a11"
    assert fetched["id"] != "https://other.example/anno/7"


def test_visibility_is_private_unless_asked(client, token, article):
    response = post(
        client, annotation_document(SOURCE, "widen the harbour bridge", visibility=None), token
    )
    assert response.json()["visibility"] == "private"
    assert Annotation.objects.get().visibility == "private"


def test_the_document_names_gloss_context_which_defines_visibility(client, token, article):
    document = create(client, token).json()
    assert document["@context"] == [ANNO, "http://testserver/api/ns/gloss.jsonld"]
    context = client.get("/api/ns/gloss.jsonld").json()["@context"]
    assert context["visibility"] == {"@id": "gloss:visibility"}


def test_get_one_annotation_has_the_protocol_headers(client, token, article):
    iri = create(client, token)["Location"]
    response = client.get(path_of(iri), **auth(token))
    assert response.status_code == 200
    assert response["Content-Type"] == PROFILE
    assert response["Link"] == f'<{LDP}Resource>; rel="type"'
    assert response["Allow"] == "GET, PUT, DELETE, HEAD, OPTIONS"
    assert "Accept" in response["Vary"]
    assert response["ETag"].startswith('"')


def test_head_gives_the_headers_without_a_body(client, token, article):
    iri = create(client, token)["Location"]
    got = client.get(path_of(iri), **auth(token))
    head = client.head(path_of(iri), **auth(token))
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]


def test_options_lists_the_methods(client, article):
    response = client.options(CONTAINER)
    assert response.status_code == 200
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_put_replaces_with_if_match(client, token, article):
    iri = create(client, token)["Location"]
    etag = client.get(path_of(iri), **auth(token))["ETag"]
    changed = annotation_document(SOURCE, "widen the harbour bridge", note="Now *costed*.")
    changed["body"].append({"type": "TextualBody", "value": "budget", "purpose": "tagging"})
    response = put(client, path_of(iri), changed, token, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    annotation = Annotation.objects.get()
    assert annotation.note == "Now *costed*."
    assert [tag.name for tag in annotation.tags.all()] == ["budget"]
    assert response["ETag"] != etag


def test_put_with_a_stale_etag_is_412_and_changes_nothing(client, token, article):
    iri = create(client, token)["Location"]
    stale = client.get(path_of(iri), **auth(token))["ETag"]
    put(
        client,
        path_of(iri),
        annotation_document(SOURCE, "widen the harbour bridge", note="First edit"),
        token,
        HTTP_IF_MATCH=stale,
    )
    response = put(
        client,
        path_of(iri),
        annotation_document(SOURCE, "widen the harbour bridge", note="Second edit"),
        token,
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    assert response.json()["path"] == "If-Match"
    assert Annotation.objects.get().note == "First edit"


def test_put_without_if_match_is_428(client, token, article):
    iri = create(client, token)["Location"]
    response = put(
        client, path_of(iri), annotation_document(SOURCE, "widen the harbour bridge"), token
    )
    assert response.status_code == 428


def test_put_naming_other_words_is_409(client, token, article):
    iri = create(client, token)["Location"]
    etag = client.get(path_of(iri), **auth(token))["ETag"]
    response = put(
        client,
        path_of(iri),
        annotation_document(SOURCE, "84 million euros"),
        token,
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 409
    assert response.json()["path"] == "$.target"


def test_delete_answers_204_and_the_iri_then_404(client, token, article):
    iri = create(client, token)["Location"]
    response = client.delete(path_of(iri), **auth(token))
    assert response.status_code == 204
    assert client.get(path_of(iri), **auth(token)).status_code == 404


def test_delete_with_a_stale_etag_is_412(client, token, article):
    iri = create(client, token)["Location"]
    response = client.delete(path_of(iri), **auth(token), HTTP_IF_MATCH='"stale"')
    assert response.status_code == 412
    assert client.get(path_of(iri), **auth(token)).status_code == 200


# --- the container ------------------------------------------------------------------------------


def test_container_headers(client, article, author):
    make_annotation(article=article, author=author, visibility="public")
    response = client.get(CONTAINER)
    assert response["Content-Type"] == PROFILE
    assert f'<{LDP}BasicContainer>; rel="type"' in response["Link"]
    assert f'rel="{LDP}constrainedBy"' in response["Link"]
    assert response["Vary"].startswith("Accept, Prefer")
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response["Content-Location"] == response.json()["id"]
    assert response["ETag"].startswith('"')


def test_container_describes_itself_and_embeds_the_first_page(client, article, author):
    make_annotation(article=article, author=author, visibility="public")
    document = client.get(CONTAINER).json()
    assert document["type"] == ["BasicContainer", "AnnotationCollection"]
    assert document["total"] == 1
    assert document["first"]["type"] == "AnnotationPage"
    assert document["first"]["items"][0]["type"] == "Annotation"
    assert document["last"] == "http://testserver/api/annotations/?page=0"


def test_pages_link_to_each_other(client, article, author):
    for exact in ["widen the harbour bridge", "84 million euros", "too high"]:
        make_annotation(article=article, author=author, exact=exact, visibility="public")
    page = client.get(CONTAINER, {"page": 1, "limit": 1}).json()
    assert page["startIndex"] == 1
    assert page["partOf"] == {"id": "http://testserver/api/annotations/?limit=1", "total": 3}
    assert page["next"] == "http://testserver/api/annotations/?limit=1&page=2"
    assert page["prev"] == "http://testserver/api/annotations/?limit=1&page=0"
    assert len(page["items"]) == 1


def test_a_page_past_the_end_is_404(client, article, author):
    make_annotation(article=article, author=author, visibility="public")
    response = client.get(CONTAINER, {"page": 5})
    assert response.status_code == 404
    assert response.json()["path"] == "?page"


def test_prefer_minimal_container_embeds_no_page(client, article, author):
    make_annotation(article=article, author=author, visibility="public")
    response = client.get(
        CONTAINER,
        HTTP_PREFER=f'return=representation;include="{LDP}PreferMinimalContainer"',
    )
    assert response.json()["first"] == "http://testserver/api/annotations/?page=0"
    assert response["Preference-Applied"] == "return=representation"


def test_prefer_contained_iris_lists_iris(client, article, author):
    annotation = make_annotation(article=article, author=author, visibility="public")
    response = client.get(
        CONTAINER,
        HTTP_PREFER='return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"',
    )
    first = response.json()["first"]
    assert first["items"] == [f"http://testserver/api/annotations/{annotation.public_id}"]
    assert first["id"] == "http://testserver/api/annotations/?page=0&iris=1"


def test_container_filters_by_query_parameters(client, article, author):
    make_annotation(article=article, author=author, visibility="public", tags=["budget"])
    make_annotation(
        article=article, author=author, exact="84 million euros", visibility="public", kind="claim"
    )
    assert client.get(CONTAINER, {"tag": "budget"}).json()["total"] == 1
    assert client.get(CONTAINER, {"kind": "claim"}).json()["total"] == 1
    assert client.get(CONTAINER, {"quote": "million"}).json()["total"] == 1
    assert client.get(CONTAINER, {"uri": SOURCE + "?utm_source=feed"}).json()["total"] == 2
    assert client.get(CONTAINER, {"user": "acct:adaeze@testserver"}).json()["total"] == 2


def test_container_queries_do_not_grow_with_the_page(
    client, article, author, django_assert_max_num_queries
):
    words = ["widen the harbour bridge", "84 million euros", "too high", "Mayor Ines Duarte"]
    for exact in words:
        make_annotation(
            article=article,
            author=author,
            exact=exact,
            visibility="public",
            tags=["budget", exact.split()[0].lower()],
        )
    client.get(CONTAINER, {"limit": 1})  # warm up what is loaded once per process
    with django_assert_max_num_queries(8) as few:
        client.get(CONTAINER, {"limit": 1})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(CONTAINER, {"limit": 4})
    assert len(response.json()["first"]["items"]) == 4


# --- errors ----------------------------------------------------------------------------------


def test_malformed_json_is_400_with_a_json_message(client, token, article):
    response = client.post(
        CONTAINER, "{not json", content_type="application/ld+json", **auth(token)
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"].startswith("Malformed JSON at line 1")


def test_a_bad_field_names_its_path(client, token, article):
    document = annotation_document(SOURCE, "widen the harbour bridge")
    document["target"]["selector"]["exact"] = 42
    response = post(client, document, token)
    assert response.status_code == 400
    assert response.json()["path"] == "$.target.selector.exact"


def test_a_bad_visibility_names_its_path(client, token, article):
    response = post(
        client, annotation_document(SOURCE, "widen the harbour bridge", visibility="friends"), token
    )
    assert response.status_code == 400
    assert response.json()["path"] == "$.visibility"


def test_words_not_in_a_gloss_article_are_kept_orphaned_not_lost(client, token, article):
    response = post(client, annotation_document(SOURCE, "a sentence this article never had"), token)
    assert response.status_code == 201
    assert Annotation.objects.get().anchor_state == "orphaned"


def test_a_body_over_one_megabyte_is_413(client, token, article):
    document = annotation_document(SOURCE, "widen the harbour bridge", note="x" * 1_100_000)
    response = post(client, document, token)
    assert response.status_code == 413
    assert Annotation.objects.count() == 0


def test_a_body_that_is_not_json_is_415(client, token, article):
    response = client.post(CONTAINER, "exact=bridge", content_type="text/plain", **auth(token))
    assert response.status_code == 415
    assert response.json()["path"] == "Content-Type"


def test_a_note_over_the_limit_is_400_naming_the_body(client, token, article):
    document = annotation_document(SOURCE, "widen the harbour bridge", note="y" * 10_001)
    response = post(client, document, token)
    assert response.status_code == 400
    assert response.json()["path"] == "$.body"


def test_too_many_writes_are_429_with_retry_after(client, token, article, settings):
    settings.GLOSS_API_WRITES_PER_MINUTE = 2
    for _ in range(2):
        create(client, token)
    response = post(client, annotation_document(SOURCE, "widen the harbour bridge"), token)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_a_list_instead_of_one_annotation_is_400(client, token, article):
    response = client.post(
        CONTAINER,
        json.dumps([annotation_document(SOURCE, "too high")]),
        content_type="application/ld+json",
        **auth(token),
    )
    assert response.status_code == 400
    assert response.json()["path"] == "$"


def test_put_naming_another_page_is_409(client, token, article):
    iri = create(client, token)["Location"]
    etag = client.get(path_of(iri), **auth(token))["ETag"]
    document = annotation_document("https://elsewhere.example/x", "widen the harbour bridge")
    response = put(client, path_of(iri), document, token, HTTP_IF_MATCH=etag)
    assert response.status_code == 409


def test_head_on_the_container_gives_its_headers(client, article, author):
    make_annotation(article=article, author=author, visibility="public")
    got = client.get(CONTAINER)
    head = client.head(CONTAINER)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]


def test_prefer_contained_descriptions_embeds_annotations(client, article, author):
    make_annotation(article=article, author=author, visibility="public")
    response = client.get(
        CONTAINER,
        HTTP_PREFER='return=representation;include="http://www.w3.org/ns/oa#'
        'PreferContainedDescriptions"',
    )
    assert response.json()["first"]["items"][0]["type"] == "Annotation"
    assert response["Preference-Applied"] == "return=representation"


def test_an_unsupported_method_is_405_with_allow(client, token, article):
    response = client.patch(CONTAINER, "{}", content_type="application/json", **auth(token))
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_a_weak_etag_from_a_compressing_proxy_still_matches(client, token, article):
    iri = create(client, token)["Location"]
    etag = client.get(path_of(iri), **auth(token))["ETag"]
    document = annotation_document(SOURCE, "widen the harbour bridge", note="Weakly matched")
    response = put(client, path_of(iri), document, token, HTTP_IF_MATCH=f"W/{etag}")
    assert response.status_code == 200


def test_the_group_audience_is_refused_through_the_api(client, token, article):
    response = post(
        client, annotation_document(SOURCE, "widen the harbour bridge", visibility="group"), token
    )
    assert response.status_code == 400
    assert response.json()["path"] == "$.visibility"
