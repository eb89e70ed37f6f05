"""Export downloads and the import page: full page and fragment, refusals, the report."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from newsapp.annotations.models import AnchorState, Annotation
from newsapp.sharing.w3c.reading import MAX_IMPORT_BYTES
from tests.sharing.view_support import (
    HTMX,
    NS,
    SITE,
    SOURCE_URL,
    annotate,
    article,
    as_viewer,
    author,
    parse,
    viewers,
)

pytestmark = pytest.mark.django_db
__all__ = ["article", "author", "viewers"]  # fixtures

# --- who sees what in an export ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "jsonld"])
@pytest.mark.parametrize("viewer", ["author", "other", "anonymous"])
def test_article_export_lists_what_the_viewer_may_see_listed(
    client, article, author, viewers, fmt, viewer
):
    notes = {
        visibility: annotate(article, author, visibility, note=f"{visibility} note")
        for visibility in ("private", "unlisted", "public")
    }
    response = as_viewer(client, viewers[viewer]).get(
        reverse("sharing:article_export", args=[article.slug, fmt])
    )
    assert response.status_code == 200
    body = response.content.decode()
    # Unlisted notes open by link but are never listed, so only their author exports them.
    shown = {"public"} | ({"private", "unlisted"} if viewer == "author" else set())
    for visibility, annotation in notes.items():
        assert (f"{visibility} note" in body) == (visibility in shown)
        assert (annotation.public_id in body) == (visibility in shown)


@pytest.mark.parametrize("fmt", ["md", "jsonld"])
def test_reader_export_holds_only_the_readers_own(client, article, author, viewers, fmt):
    annotate(article, author, "private", note="mine, private")
    annotate(article, viewers["other"], "public", note="someone else's")
    url = reverse("sharing:reader_export", args=[fmt])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    body = as_viewer(client, author).get(url).content.decode()
    assert "mine, private" in body
    assert "someone else" not in body
    body = as_viewer(client, viewers["other"]).get(url).content.decode()
    assert "mine, private" not in body
    assert "someone else" in body


# --- exports --------------------------------------------------------------------------------


def test_markdown_export_downloads_with_links_back(client, article, author):
    annotation = annotate(article, author, "public", tags=["rates"])
    response = client.get(reverse("sharing:article_export", args=[article.slug, "md"]))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="{article.slug}-annotations.md"'
    )
    assert "private" in response["Cache-Control"]
    text = response.content.decode()
    assert text.startswith("# Bank holds rates")
    assert f"> {annotation.exact}" in text
    assert "The **third** pause; see the minutes." in text
    assert f"[Permalink]({SITE}{annotation.get_absolute_url()})" in text
    assert f"({SITE}{article.get_absolute_url()})" in text
    assert f"({SOURCE_URL})" in text


def test_jsonld_export_names_permalinks_and_the_revision(client, article, author):
    annotation = annotate(article, author, "public")
    response = client.get(reverse("sharing:article_export", args=[article.slug, "jsonld"]))
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert document["type"] == "AnnotationCollection"
    assert document["id"] == SITE + reverse("sharing:article_export", args=[article.slug, "jsonld"])
    (item,) = document["first"]["items"]
    assert item["id"] == SITE + annotation.get_absolute_url()
    target = item["target"]
    assert target["source"]["id"] == SITE + article.get_absolute_url()
    assert target["source"]["via"] == SOURCE_URL
    revision = annotation.revision
    assert revision.number == 1
    assert target["state"]["type"] == "TimeState"
    revisions = reverse("articles:revisions", args=[article.slug])
    assert target["state"]["cached"] == f"{SITE}{revisions}?to=1"
    assert target["state"]["sourceDate"].startswith(revision.created_at.strftime("%Y-%m-%dT%H:%M"))
    selectors = {selector["type"]: selector for selector in target["selector"]}
    assert selectors["TextPositionSelector"] == {
        "type": "TextPositionSelector",
        "start": annotation.start,
        "end": annotation.end,
    }
    assert selectors["TextQuoteSelector"]["exact"] == annotation.exact


# --- import -----------------------------------------------------------------------------------


def w3c_file(article, exact: str, note: str = "Imported note") -> bytes:
    start = article.body_text.index(exact)
    return json.dumps(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "https://elsewhere.example/anno/1",
            "type": "Annotation",
            "motivation": "commenting",
            "body": {"type": "TextualBody", "value": note, "format": "text/markdown"},
            "target": {
                "source": "https://elsewhere.example/page",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": exact},
                    {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                ],
            },
        }
    ).encode()


def upload(content: bytes, name: str = "notes.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/json")


def test_import_page_needs_a_reader(client, article):
    url = reverse("sharing:import", args=[article.slug])
    assert client.get(url).status_code == 302
    assert client.post(url, {"file": upload(b"[]")}).status_code == 302


def test_import_form_full_page_and_fragment(client, article, author):
    client.force_login(author)
    url = reverse("sharing:import", args=[article.slug])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.lstrip().startswith("<!doctype html>")
    assert 'enctype="multipart/form-data"' in html
    private = parse(html).find(".//h:input[@name='visibility'][@value='private']", NS)
    assert private.get("checked") is not None  # imports are private unless chosen otherwise
    fragment = client.get(url, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="import-panel"')
    assert "<!doctype" not in fragment
    assert "HX-Request" in page["Vary"]


def test_import_then_report_after_redirect(client, article, author):
    client.force_login(author)
    url = reverse("sharing:import", args=[article.slug])
    response = client.post(
        url, {"file": upload(w3c_file(article, "the third pause")), "visibility": "unlisted"}
    )
    assert response.status_code == 302
    assert response["Location"] == url + "?report=1"
    annotation = Annotation.objects.get()
    assert annotation.author == author
    assert annotation.visibility == "unlisted"
    assert annotation.anchor_method == "position"
    assert annotation.note == "Imported note"
    report = client.get(response["Location"]).content.decode()
    assert "Imported 1 note" in report
    assert reverse("annotations:permalink", args=[annotation.public_id]) in report
    # The report is shown once; reloading the page shows the form alone.
    assert "Imported 1 note" not in client.get(response["Location"]).content.decode()


def test_import_with_htmx_returns_the_report_fragment(client, article, author):
    client.force_login(author)
    url = reverse("sharing:import", args=[article.slug])
    data = json.loads(w3c_file(article, "the third pause"))
    data["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": "words not present"}]
    response = client.post(
        url, {"file": upload(json.dumps(data).encode()), "visibility": "private"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="import-panel"')
    assert "Imported 1 note" in html
    assert "<h3>Orphaned</h3>" in html
    annotation = Annotation.objects.get()
    assert annotation.anchor_state == AnchorState.ORPHANED
    assert annotation.visibility == "private"
    assert annotation.exact == "words not present"


def test_malformed_upload_is_refused_with_the_json_path_and_nothing_written(
    client, article, author
):
    client.force_login(author)
    good = json.loads(w3c_file(article, "the third pause"))
    bad = json.loads(w3c_file(article, "held its main rate"))
    bad["target"]["selector"][1]["start"] = "four"
    payload = json.dumps([good, bad]).encode()
    url = reverse("sharing:import", args=[article.slug])
    for headers in ({}, HTMX):
        response = client.post(url, {"file": upload(payload), "visibility": "public"}, **headers)
        assert response.status_code == 400
        assert "$[1].target.selector[1].start" in response.content.decode()
    not_json = client.post(url, {"file": upload(b"{ not json"), "visibility": "public"})
    assert not_json.status_code == 400
    assert "malformed JSON at line 1" in not_json.content.decode()
    assert not Annotation.objects.exists()


def test_upload_over_five_megabytes_is_refused(client, article, author):
    client.force_login(author)
    padding = b" " * (MAX_IMPORT_BYTES + 1)
    response = client.post(
        reverse("sharing:import", args=[article.slug]),
        {"file": upload(b"[]" + padding), "visibility": "public"},
    )
    assert response.status_code == 413
    assert "the limit is 5.0" in response.content.decode()
    assert not Annotation.objects.exists()


def test_export_links_for_an_article_and_for_a_reader(rf, article, author):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    def render(**context) -> str:
        request = rf.get("/")
        request.user = context.get("user", AnonymousUser())
        return render_to_string("sharing/_export_links.html", context, request=request)

    md = reverse("sharing:article_export", args=[article.slug, "md"])
    jsonld = reverse("sharing:article_export", args=[article.slug, "jsonld"])
    importer = reverse("sharing:import", args=[article.slug])
    anonymous = render(article=article)
    assert md in anonymous
    assert jsonld in anonymous
    assert importer not in anonymous
    assert importer in render(article=article, user=author)
    mine = render(user=author)
    assert reverse("sharing:reader_export", args=["md"]) in mine
    assert reverse("sharing:reader_export", args=["jsonld"]) in mine
    assert render().strip() == ""
