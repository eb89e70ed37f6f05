"""Sharing views: who may open what, link previews, share controls, cards, QR, embeds, oEmbed."""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import annotation_update
from newsapp.text.fragments import match_text_directive
from tests.factories import make_annotation, make_article
from tests.sharing.view_support import (
    BODY,
    HTMX,
    NS,
    SITE,
    SOURCE_URL,
    TRICKY_QUOTE,
    annotate,
    article,
    as_viewer,
    author,
    links,
    meta_tags,
    open_png,
    parse,
    viewers,
)

pytestmark = pytest.mark.django_db
__all__ = ["article", "author", "viewers"]  # fixtures


# --- the visibility matrix ---------------------------------------------------------------------

ONE_ANNOTATION_URLS = {
    "permalink": lambda a: reverse("annotations:permalink", args=[a.public_id]),
    "card": lambda a: reverse("sharing:card", args=[a.public_id]),
    "embed": lambda a: reverse("sharing:embed", args=[a.public_id]),
    "qr_svg": lambda a: reverse("sharing:qr_svg", args=[a.public_id]),
    "qr_png": lambda a: reverse("sharing:qr_png", args=[a.public_id]),
    "original": lambda a: reverse("sharing:original", args=[a.public_id]),
    "oembed": lambda a: (
        reverse("sharing:oembed") + "?url=" + quote(SITE + a.get_absolute_url(), safe="")
    ),
}
SUCCESS = {"original": 302}


@pytest.mark.parametrize("endpoint", ONE_ANNOTATION_URLS)
@pytest.mark.parametrize("visibility", ["private", "unlisted", "public"])
@pytest.mark.parametrize("viewer", ["author", "other", "anonymous"])
def test_visibility_matrix(client, article, author, viewers, endpoint, visibility, viewer):
    annotation = annotate(article, author, visibility)
    response = as_viewer(client, viewers[viewer]).get(ONE_ANNOTATION_URLS[endpoint](annotation))
    allowed = visibility != "private" or viewer == "author"
    expected = SUCCESS.get(endpoint, 200) if allowed else 404
    assert response.status_code == expected
    if not allowed:
        assert annotation.exact.encode() not in response.content


@pytest.mark.parametrize("endpoint", ONE_ANNOTATION_URLS)
def test_trashed_and_unknown_annotations_are_not_found(client, article, author, endpoint):
    annotation = annotate(article, author, "public")
    Annotation.objects.filter(pk=annotation.pk).update(deleted_at="2031-01-01T00:00:00Z")
    client.force_login(author)
    assert client.get(ONE_ANNOTATION_URLS[endpoint](annotation)).status_code == 404
    annotation.public_id = "no-such-annotation"
    assert client.get(ONE_ANNOTATION_URLS[endpoint](annotation)).status_code == 404


# --- link previews on the permalink page --------------------------------------------------------


def test_permalink_page_has_open_graph_and_twitter_tags_escaped(client, article, author):
    annotation = annotate(
        article,
        author,
        "unlisted",
        exact=TRICKY_QUOTE,
        note='Say "when" & <b>why</b>: the <script>alert(1)</script> minutes.\n\nSecond para.',
    )
    response = client.get(annotation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    tags = meta_tags(html)
    permalink = SITE + annotation.get_absolute_url()
    card = SITE + reverse("sharing:card", args=[annotation.public_id])
    assert tags["og:title"] == article.title == 'Bank holds rates: "a pause" as 4.5 < 5 & more'
    assert tags["og:type"] == "article"
    assert tags["og:site_name"] == "Gloss"
    assert tags["og:url"] == permalink
    assert tags["og:image"] == card
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    description = tags["og:description"]
    # The quote opens with its own quotation mark, so it is not wrapped in another.
    assert description.startswith(f"{TRICKY_QUOTE} — ")
    # The note's text exactly as its reader sees it (their "<b>" was text, not markup).
    assert description.endswith(
        'Say "when" & <b>why</b>: the <script>alert(1)</script> minutes. Second para.'
    )
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:title"] == article.title
    assert tags["twitter:description"] == description
    assert tags["twitter:image"] == card
    assert tags["robots"] == "noindex"  # unlisted: open by link, never indexed
    # Escaped in the markup itself, not merely parsed leniently.
    assert 'content="Bank holds rates: &quot;a pause&quot; as 4.5 &lt; 5 &amp; more"' in html
    assert "<script>alert(1)" not in html

    found = links(html)
    assert found["canonical:"]["href"] == permalink
    oembed = found["alternate:application/json+oembed"]["href"]
    parts = urlsplit(oembed)
    assert parts.path == reverse("sharing:oembed")
    assert f"url={quote(permalink, safe='')}" in parts.query
    assert "format=json" in parts.query
    assert client.get(oembed).status_code == 200


def test_public_permalink_may_be_indexed(client, article, author):
    annotation = annotate(article, author, "public")
    tags = meta_tags(client.get(annotation.get_absolute_url()).content.decode())
    assert "robots" not in tags
    assert tags["og:description"] == f"“{annotation.exact}” — The third pause; see the minutes."


def test_reader_page_has_no_link_preview_tags(client, article, author):
    annotate(article, author, "public")
    tags = meta_tags(client.get(article.get_absolute_url()).content.decode())
    assert "og:image" not in tags


# --- the share control in note cards -----------------------------------------------------------


def share_control(html: str, annotation):
    document = parse(html)
    card = document.find(f".//h:article[@id='note-{annotation.public_id}']", NS)
    assert card is not None
    return card.find(".//h:details[@data-share]", NS)


def test_share_control_offers_link_qr_and_the_original(client, article, author):
    annotation = annotate(article, author, "unlisted")
    client.force_login(author)
    html = client.get(article.get_absolute_url()).content.decode()
    control = share_control(html, annotation)
    field = control.find(".//h:input[@data-share-url]", NS)
    assert field.get("value") == SITE + annotation.get_absolute_url()
    assert field.get("readonly") is not None
    copy = control.find(".//h:button[@data-share-copy]", NS)
    assert copy.text == "Copy link"
    assert "share-copy" in copy.get("class").split()  # shown by share.css once share.js runs
    # "Copied" is said through the page's one live region (#toast), not one per card.
    assert control.find(".//*[@role='status']", NS) is None
    assert parse(html).find(".//*[@id='toast']").get("aria-live") == "polite"
    native = control.find(".//h:li[@data-share-native-item]", NS)
    assert native.get("class") == "share-native-item"  # shown only where navigator.share exists
    # The QR code is fetched when its section opens (htmx), or followed as a link without JS.
    qr_url = reverse("sharing:qr_svg", args=[annotation.public_id])
    qr = control.find(".//h:details[@class='share-qr']", NS)
    assert (qr.get("hx-get"), qr.get("hx-trigger")) == (qr_url, "toggle once")
    assert qr.find(".//h:a", NS).get("href") == qr_url
    assert control.find(".//h:img", NS) is None
    assert control.find(".//h:svg", NS) is None
    original = control.find(".//h:a[@class='share-original']", NS)
    assert original.get("href") == reverse("sharing:original", args=[annotation.public_id])
    assert "nofollow" in original.get("rel")
    assert "Unlisted: anyone with this link" in html


def test_original_link_opens_the_source_at_the_annotated_words(client, article, author):
    # The sentence starts twice in the article: the fragment must pick the annotated one.
    exact = "Economists expect a first cut in June"
    annotation = annotate(article, author, "public", exact=exact, occurrence=1)
    response = client.get(reverse("sharing:original", args=[annotation.public_id]))
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(SOURCE_URL + "#:~:text=")
    landed = match_text_directive(article.body_text, target)
    assert landed == (annotation.start, annotation.end)
    assert article.body_text.index(exact) != annotation.start
    # Cached: the second answer is the same without building the fragment again.
    again = client.get(reverse("sharing:original", args=[annotation.public_id]))
    assert again["Location"] == target


def test_articles_without_a_source_have_no_original_link(client, author):
    article = make_article(body=BODY)
    annotation = annotate(article, author, "public")
    html = client.get(article.get_absolute_url()).content.decode()
    control = share_control(html, annotation)
    assert control is not None
    assert control.find(".//h:a[@class='share-original']", NS) is None
    assert client.get(reverse("sharing:original", args=[annotation.public_id])).status_code == 404


def test_share_controls_add_no_queries_per_card(client, article, author):
    def queries_for_reader_page() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    client.force_login(author)
    annotate(article, author, "public")
    one = queries_for_reader_page()
    for start in range(0, 60, 6):
        text = article.body_text
        make_annotation(
            article=article, author=author, exact=text[start : start + 5], visibility="unlisted"
        )
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("data-share-url") == 11
    assert queries_for_reader_page() == one


# --- the share card PNG ------------------------------------------------------------------------


def test_the_card_goes_out_as_it_is_while_pages_are_gzipped(client, article, author):
    annotation = annotate(article, author, "public", exact=TRICKY_QUOTE)
    card = client.get(
        reverse("sharing:card", args=[annotation.public_id]), HTTP_ACCEPT_ENCODING="gzip"
    )
    assert card["Content-Type"] == "image/png"
    assert not card.has_header("Content-Encoding")  # a PNG is compressed already
    page = client.get(annotation.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"


def test_card_is_a_1200_by_630_png_with_content(client, article, author):
    annotation = annotate(article, author, "public", exact=TRICKY_QUOTE)
    response = client.get(reverse("sharing:card", args=[annotation.public_id]))
    assert response["Content-Type"] == "image/png"
    image = open_png(response.content)
    assert image.size == (1200, 630)
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # text is anti-aliased: a blank card has a handful of colours
    most_common = max(count for count, _ in colours)
    assert most_common < 0.9 * 1200 * 630
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]


def test_card_changes_when_the_note_changes_and_answers_304_when_unchanged(client, article, author):
    annotation = annotate(article, author, "public")
    url = reverse("sharing:card", args=[annotation.public_id])
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    annotation_update(
        annotation=annotation,
        user=author,
        note="A completely different first line.",
        kind="question",
        visibility="public",
        tags=[],
        sources=[],
    )
    second = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200
    assert second["ETag"] != etag
    assert second.content != first.content
    assert open_png(second.content).size == (1200, 630)


def test_private_card_is_not_cached_by_shared_caches(client, article, author):
    annotation = annotate(article, author, "private")
    client.force_login(author)
    response = client.get(reverse("sharing:card", args=[annotation.public_id]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


# --- QR codes ---------------------------------------------------------------------------------


def test_qr_svg_is_a_standalone_svg_of_the_permalink(client, article, author):
    annotation = annotate(article, author, "unlisted")
    response = client.get(reverse("sharing:qr_svg", args=[annotation.public_id]))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    assert 'role="img"' in svg
    assert "<title>" in svg
    inline = client.get(reverse("sharing:qr_svg", args=[annotation.public_id]), **HTMX)
    assert inline["Content-Type"] == "text/html; charset=utf-8"
    assert inline.content.decode().startswith('<svg role="img" aria-label="QR code for the link')
    assert "HX-Request" in inline["Vary"]
    png = client.get(reverse("sharing:qr_png", args=[annotation.public_id]))
    assert png["Content-Type"] == "image/png"
    image = open_png(png.content)
    assert image.size[0] == image.size[1] >= 200


# --- embeds and oEmbed -------------------------------------------------------------------------


def test_embed_may_be_framed_by_any_site_and_nothing_else_may(client, article, author):
    annotation = annotate(article, author, "unlisted", exact=TRICKY_QUOTE)
    embed = client.get(reverse("sharing:embed", args=[annotation.public_id]))
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert embed["Content-Security-Policy"] == "frame-ancestors *"
    html = embed.content.decode()
    assert "Rates &lt; 5% &amp; falling" in html
    assert "<strong>third</strong>" in html  # the sanitised note
    assert "author" in html
    document = parse(html)
    assert document.find(".//h:base", NS).get("target") == "_blank"
    hrefs = {a.get("href") for a in document.iterfind(".//h:a", NS)}
    assert SITE + annotation.get_absolute_url() in hrefs
    for other in ("permalink", "card", "qr_svg"):
        response = client.get(ONE_ANNOTATION_URLS[other](annotation))
        assert response["X-Frame-Options"] == "DENY"


def test_oembed_describes_a_rich_embed(client, article, author):
    annotation = annotate(article, author, "public")
    permalink = SITE + annotation.get_absolute_url()
    response = client.get(reverse("sharing:oembed"), {"url": permalink, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["provider_name"] == "Gloss"
    assert data["author_name"] == "author"
    assert annotation.exact in data["title"]
    assert article.title in data["title"]
    embed_url = SITE + reverse("sharing:embed", args=[annotation.public_id])
    iframe = parse(data["html"]).find(".//h:iframe", NS)
    assert iframe.get("src") == embed_url
    assert (iframe.get("width"), iframe.get("height")) == (
        str(data["width"]),
        str(data["height"]),
    )
    assert data["thumbnail_url"] == SITE + reverse("sharing:card", args=[annotation.public_id])
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (1200, 630)
    # The embed URL itself is accepted too, and the consumer's size limits are respected.
    small = client.get(reverse("sharing:oembed"), {"url": embed_url, "maxwidth": "320"}).json()
    assert small["width"] == 320
    assert 'width="320"' in small["html"]
    assert small["height"] == data["height"]
    huge = client.get(reverse("sharing:oembed"), {"url": embed_url, "maxwidth": "5000"}).json()
    assert huge["width"] == data["width"]


@pytest.mark.parametrize(
    "url",
    [
        "/articles/whatever/",
        SITE + "/articles/whatever/",
        "https://elsewhere.example/a/{id}/",
        SITE + "/a/no-such-id/",
        "javascript:alert(1)",
    ],
)
def test_oembed_refuses_what_is_not_a_permalink_here(client, article, author, url):
    annotation = annotate(article, author, "public")
    response = client.get(reverse("sharing:oembed"), {"url": url.format(id=annotation.public_id)})
    assert response.status_code == 404


def test_oembed_formats_and_missing_url(client, article, author):
    annotation = annotate(article, author, "public")
    permalink = SITE + annotation.get_absolute_url()
    xml = client.get(reverse("sharing:oembed"), {"url": permalink, "format": "xml"})
    assert xml.status_code == 501
    assert client.get(reverse("sharing:oembed")).status_code == 400
