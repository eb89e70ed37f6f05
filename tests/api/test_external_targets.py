"""A target Gloss does not have is kept, listed, and attaches (re-anchored) when an article
with that canonical URL is imported; the reader then says how many notes were waiting."""

from __future__ import annotations

import pytest

from newsapp.annotations.models import Annotation
from newsapp.api.models import WaitingAnnotation
from tests.api.support import (
    CONTAINER,
    annotation_document,
    auth,
    path_of,
    post,
    put,
    token_for,
)
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

PAGE = "https://www.elsewhere.example/2031/ferry-strike"
BODY = """\
Ferry crews walked out at dawn on Monday, stranding commuters on both sides of the strait.

“Nobody chooses to strike in winter,” said union steward Tomasz Greer.

The operator says it lost 2.3 million euros in the first week of disruption.
"""


def send(
    client,
    token,
    *,
    source=PAGE + "?utm_source=social",
    exact="stranding commuters",
    visibility="public",
    **extra,
):
    response = post(
        client, annotation_document(source, exact, visibility=visibility, **extra), token
    )
    assert response.status_code == 201, response.content
    return response


def import_page(**fields):
    return make_article(title="Ferry strike", body=BODY, source_url=PAGE, **fields)


def test_a_target_gloss_does_not_have_is_stored_not_refused(client, token):
    response = send(client, token)
    document = response.json()
    waiting = WaitingAnnotation.objects.get()
    assert document["target"]["source"]["id"] == PAGE + "?utm_source=social"
    assert waiting.canonical_url == PAGE  # the tracking parameter is not part of the address
    assert waiting.exact == "stranding commuters"


def test_it_is_listed_in_the_container_and_readable_at_its_iri(client, token):
    iri = send(client, token)["Location"]
    items = client.get(CONTAINER, {"iris": 1, "page": 0}).json()["items"]
    assert items == [iri]
    assert client.get(path_of(iri)).json()["body"][0]["value"] == (
        "Which budget line pays for this?"
    )


def test_a_whole_page_target_without_words_is_kept_too(client, token):
    response = send(client, token, exact=None)
    assert response.json()["target"] == PAGE + "?utm_source=social"
    assert WaitingAnnotation.objects.get().exact == ""


def test_it_attaches_re_anchored_when_the_article_is_imported(client, token, author):
    send(client, token)
    article = import_page()
    annotation = Annotation.objects.get(article=article)
    assert annotation.author == author
    assert article.body_text[annotation.start : annotation.end] == "stranding commuters"
    assert annotation.anchor_state == "anchored"
    assert WaitingAnnotation.objects.get().attached_to == annotation


def test_words_changed_on_the_way_anchor_fuzzily(client, token):
    document = annotation_document(PAGE, "stranding commuters on both sides of the straits")
    document["target"]["selector"]["prefix"] = "dawn on Monday, "
    assert post(client, document, token).status_code == 201
    article = import_page()
    annotation = Annotation.objects.get(article=article)
    assert annotation.anchor_method == "fuzzy"
    assert "commuters" in article.body_text[annotation.start : annotation.end]


def test_words_not_in_the_article_attach_orphaned_not_lost(client, token):
    send(client, token, exact="a sentence the article never had")
    article = import_page()
    annotation = Annotation.objects.get(article=article)
    assert annotation.anchor_state == "orphaned"
    assert annotation.exact == "a sentence the article never had"


def test_attached_notes_show_in_the_reader_with_the_waiting_notice(client, token):
    send(client, token)
    send(client, token, exact="2.3 million euros")
    article = import_page()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "2 notes were waiting for this article." in page
    assert page.count('class="hl') >= 2


def test_the_notice_counts_only_what_the_viewer_may_see(client, token):
    send(client, token)
    send(client, token, exact="2.3 million euros", visibility="private")
    article = import_page()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "1 note was waiting for this article." in page


def test_the_import_page_says_how_many_notes_were_waiting(client, token, author):
    send(client, token)
    send(client, token, exact="2.3 million euros")
    send(client, token, exact="Tomasz Greer")
    client.force_login(make_user())
    response = client.post(
        "/articles/new/",
        {"title": "Ferry strike", "body": BODY, "body_format": "markdown", "source_url": PAGE},
        follow=True,
    )
    assert "3 notes were waiting for this article." in response.content.decode()


def test_its_old_iri_moves_to_the_attached_annotation(client, token):
    iri = send(client, token)["Location"]
    import_page()
    response = client.get(path_of(iri))
    annotation = Annotation.objects.get()
    assert response.status_code == 301
    assert response["Location"] == f"http://testserver/api/annotations/{annotation.public_id}"


def test_the_container_lists_it_once_after_attaching(client, token):
    send(client, token)
    import_page()
    assert client.get(CONTAINER).json()["total"] == 1


def test_another_address_does_not_attach(client, token):
    send(client, token)
    make_article(title="Other", body=BODY, source_url="https://elsewhere.example/other")
    assert Annotation.objects.count() == 0


def test_a_target_naming_a_gloss_article_page_anchors_at_once(client, token):
    article = import_page()
    response = send(client, token, source=f"http://testserver{article.get_absolute_url()}")
    assert Annotation.objects.get().article == article
    assert response.json()["target"]["source"]["id"].endswith(article.get_absolute_url())


def test_search_by_uri_finds_waiting_notes(client, token):
    send(client, token)
    other = token_for(make_user())
    rows = client.get("/api/search", {"uri": PAGE}, **auth(other)).json()["rows"]
    assert [row["uri"] for row in rows] == [PAGE + "?utm_source=social"]


def test_a_target_urllib_cannot_split_is_kept_as_given(client, token):
    response = send(client, token, source="http://[::1/story")
    assert WaitingAnnotation.objects.get().canonical_url == "http://[::1/story"
    assert response.status_code == 201


def test_a_page_imported_from_the_web_picks_up_what_waited_for_its_canonical_url(
    client, token, local_site, settings
):
    from newsapp.articles.services import article_import_url
    from tests.webserver import SAMPLE_ARTICLE, article_page

    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    # Served at another address; the page names its canonical one.
    url = local_site.add("/shared/story-from-a-feed", article_page(**SAMPLE_ARTICLE))
    canonical = local_site.url(SAMPLE_ARTICLE["canonical"])
    send(
        client, token, source=canonical, exact="ending a debate that has run for almost four years"
    )
    imported = article_import_url(url=url)
    annotation = Annotation.objects.get(article=imported.article)
    assert annotation.exact == "ending a debate that has run for almost four years"


def test_a_waiting_annotation_can_be_replaced_and_deleted(client, token):
    iri = path_of(send(client, token)["Location"])
    etag = client.get(iri, **auth(token))["ETag"]
    changed = annotation_document(
        PAGE, "stranding commuters", note="Edited while waiting", visibility="private"
    )
    assert put(client, iri, changed, token, HTTP_IF_MATCH=etag).status_code == 200
    waiting = WaitingAnnotation.objects.get()
    assert waiting.note == "Edited while waiting"
    assert waiting.visibility == "private"
    assert client.delete(iri, **auth(token)).status_code == 204
    assert client.get(iri, **auth(token)).status_code == 404
    import_page()
    assert Annotation.objects.count() == 0  # deleted, so it never attaches


def test_another_reader_cannot_change_a_waiting_annotation(client, token):
    iri = path_of(send(client, token)["Location"])
    other = token_for(make_user())
    assert client.delete(iri, **auth(other)).status_code == 403
    assert WaitingAnnotation.objects.get().deleted_at is None


def test_search_by_a_gloss_article_url_finds_its_notes(client, token):
    article = import_page()
    send(client, token, source=f"http://testserver{article.get_absolute_url()}")
    rows = client.get("/api/search", {"uri": f"http://testserver{article.get_absolute_url()}"})
    assert rows.json()["total"] == 1
