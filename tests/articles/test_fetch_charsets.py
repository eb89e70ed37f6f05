"""Charsets of fetched pages: BOM, HTTP header, meta or XML declaration, detection."""

from __future__ import annotations

from newsapp.articles.fetch.charsets import decode_body
from newsapp.articles.fetch.client import fetch_url
from tests.articles.fetch_support import loopback_only_network
from tests.webserver import LocalSite

pytest_plugins = ["tests.webserver"]
__all__ = ["loopback_only_network"]  # autouse: no test reaches beyond loopback


FRENCH = (
    "<html><body><p>Le café de la gare a rouvert hier matin. Les habitués étaient déjà"
    " là, près de la fenêtre, à commenter la météo et les élections régionales. « Ça fait"
    " du bien », a déclaré la propriétaire, qui a refait le comptoir elle-même.</p>"
    "</body></html>"
)


def test_declared_latin1_page(local_site: LocalSite) -> None:
    url = local_site.add(
        "/fr", FRENCH, content_type="text/html; charset=ISO-8859-1", encoding="latin-1"
    )
    result = fetch_url(url, allow_loopback=True)
    assert "Le café de la gare" in result.text
    assert result.charset in ("cp1252", "iso8859-1")


def test_header_claims_utf8_for_latin1_bytes_meta_is_right(local_site: LocalSite) -> None:
    page = FRENCH.replace("<html>", '<html><head><meta charset="iso-8859-1"></head>')
    url = local_site.add("/fr", page, content_type="text/html; charset=utf-8", encoding="latin-1")
    assert "Les habitués étaient" in fetch_url(url, allow_loopback=True).text


def test_header_claims_utf8_for_latin1_bytes_detection_recovers(local_site: LocalSite) -> None:
    url = local_site.add("/fr", FRENCH, content_type="text/html; charset=utf-8", encoding="latin-1")
    result = fetch_url(url, allow_loopback=True)
    assert "Le café de la gare" in result.text
    assert "\ufffd" not in result.text


def test_utf8_bytes_labelled_latin1_are_read_as_utf8(local_site: LocalSite) -> None:
    url = local_site.add("/fr", FRENCH, content_type="text/html; charset=iso-8859-1")
    result = fetch_url(url, allow_loopback=True)
    assert result.charset == "utf-8"
    assert "« Ça fait du bien »" in result.text


def test_http_equiv_meta_without_header_charset(local_site: LocalSite) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "</head><body><p>\u201cQuoted\u201d \u2014 fine</p></body></html>"
    )
    url = local_site.add("/q", page, content_type="text/html", encoding="cp1252")
    result = fetch_url(url, allow_loopback=True)
    assert result.charset == "cp1252"
    assert "\u201cQuoted\u201d \u2014 fine" in result.text


def test_decode_body_order_and_fallbacks() -> None:
    text = "Smörgåsbord på torget"
    # A byte-order mark beats a wrong header.
    assert decode_body(b"\xef\xbb\xbf" + text.encode(), declared_charset="latin-1") == (
        "utf-8",
        text,
    )
    # Windows-1252 punctuation under a latin-1 label decodes as browsers do.
    assert decode_body("\u2019".encode("cp1252"), declared_charset="iso-8859-1")[1] == "\u2019"
    # Unknown labels are skipped.
    assert decode_body(text.encode(), declared_charset="x-no-such-charset")[1] == text
    # Nothing declared: detection names the plainest charset that fits.
    assert decode_body(b"plain ascii") == ("ascii", "plain ascii")
