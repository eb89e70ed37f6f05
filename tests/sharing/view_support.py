"""Shared by the sharing view tests: an article with tricky characters, its readers, parsers."""

from __future__ import annotations

import io

import html5lib
import pytest
from PIL import Image

from tests.factories import make_annotation, make_article, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
SITE = "http://testserver"
SOURCE_URL = "https://news.example.org/2031/rates-hold"

BODY = """\
The central bank held its main rate at 4.5% on Thursday, the third pause in a row.

“Rates < 5% & falling” is how the governor put it, adding that "relief" would come in spring.

Economists expect a first cut in June. The bank said wages still rise faster than prices.

Economists expect a first cut in June, said one trader, but few are sure.
"""
TRICKY_QUOTE = '“Rates < 5% & falling” is how the governor put it, adding that "relief"'
NS = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def article():
    return make_article(
        title='Bank holds rates: "a pause" as 4.5 < 5 & more',
        body=BODY,
        source_url=SOURCE_URL,
        source_name="Harbour Ledger",
    )


@pytest.fixture
def author():
    return make_user("author")


@pytest.fixture
def viewers(author):
    return {"author": author, "other": make_user("other"), "anonymous": None}


def annotate(article, author, visibility="public", exact="held its main rate at 4.5%", **fields):
    fields.setdefault("note", "The **third** pause; see the minutes.")
    fields.setdefault("kind", "claim")
    return make_annotation(
        article=article, author=author, exact=exact, visibility=visibility, **fields
    )


def as_viewer(client, user):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client


def parse(html: str):
    return html5lib.parse(html, namespaceHTMLElements=True)


def meta_tags(html: str) -> dict[str, str]:
    document = parse(html)
    tags = {}
    for element in document.iterfind(".//h:meta", NS):
        name = element.get("property") or element.get("name")
        if name:
            tags[name] = element.get("content")
    return tags


def links(html: str) -> dict[str, dict[str, str]]:
    document = parse(html)
    return {
        element.get("rel") + ":" + element.get("type", ""): dict(element.attrib)
        for element in document.iterfind(".//h:link", NS)
    }


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image
