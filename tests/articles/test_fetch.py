"""fetch_url: pages, redirects, revalidation, content types, size and time caps, errors."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time
from collections.abc import Iterator

import pytest

from newsapp.articles.fetch.client import FEED_TYPES, build_client, fetch_url
from newsapp.articles.fetch.errors import FetchError
from tests.articles.fetch_support import fetch_error, loopback_only_network
from tests.webserver import (
    HTTP_DATE,
    SAMPLE_ARTICLE,
    LocalSite,
    Reply,
    article_page,
)

pytest_plugins = ["tests.webserver"]
__all__ = ["loopback_only_network"]  # autouse: no test reaches beyond loopback


# --- happy paths ---------------------------------------------------------------------------


def test_fetches_an_article_page(local_site: LocalSite) -> None:
    url = local_site.add("/story", article_page(**SAMPLE_ARTICLE), etag='"v1"')
    result = fetch_url(url, allow_loopback=True)
    assert result.status == 200
    assert result.final_url == url
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert SAMPLE_ARTICLE["title"] in result.text
    assert result.bytes.decode("utf-8") == result.text
    assert result.etag == '"v1"'
    assert result.redirects == []
    assert not result.not_modified


def test_sends_accept_and_user_agent(local_site: LocalSite) -> None:
    url = local_site.add("/story", article_page(**SAMPLE_ARTICLE))
    fetch_url(url, allow_loopback=True)
    headers = local_site.requests[-1].headers
    assert headers["accept"] == "text/html, application/xhtml+xml"
    assert headers["user-agent"].startswith("Gloss/")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_follows_a_redirect_chain(local_site: LocalSite, status: int) -> None:
    final = local_site.add("/final", article_page(**SAMPLE_ARTICLE))
    local_site.redirect("/second", "/final", status=status)  # relative Location
    start = local_site.redirect("/first", local_site.url("/second"), status=status)
    result = fetch_url(start, allow_loopback=True)
    assert result.final_url == final
    assert result.redirects == [local_site.url("/second"), final]
    assert [request.path for request in local_site.requests] == ["/first", "/second", "/final"]


def test_exactly_max_redirects_is_allowed(local_site: LocalSite) -> None:
    local_site.add("/hop5", article_page(**SAMPLE_ARTICLE))
    for hop in range(5):
        local_site.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    result = fetch_url(local_site.url("/hop0"), allow_loopback=True, max_redirects=5)
    assert len(result.redirects) == 5


def test_etag_revalidation_gives_not_modified_then_a_new_revision(local_site: LocalSite) -> None:
    url = local_site.add("/story", article_page(**SAMPLE_ARTICLE), etag='"rev-1"')
    first = fetch_url(url, allow_loopback=True)
    again = fetch_url(url, allow_loopback=True, etag=first.etag)
    assert again.not_modified
    assert again.status == 304
    assert again.text == ""
    assert again.bytes == b""
    assert again.etag == '"rev-1"'
    assert local_site.requests[-1].headers["if-none-match"] == '"rev-1"'

    changed = dict(SAMPLE_ARTICLE, title="Harbour town delays its library vote")
    local_site.add("/story", article_page(**changed), etag='"rev-2"')
    revised = fetch_url(url, allow_loopback=True, etag=first.etag)
    assert not revised.not_modified
    assert revised.etag == '"rev-2"'
    assert "delays its library vote" in revised.text


def test_last_modified_revalidation(local_site: LocalSite) -> None:
    url = local_site.add("/story", article_page(**SAMPLE_ARTICLE), last_modified=HTTP_DATE)
    first = fetch_url(url, allow_loopback=True)
    assert first.last_modified == HTTP_DATE
    again = fetch_url(url, allow_loopback=True, last_modified=first.last_modified)
    assert again.not_modified
    assert again.last_modified == HTTP_DATE
    assert local_site.requests[-1].headers["if-modified-since"] == HTTP_DATE


def test_unrequested_304_is_an_error(local_site: LocalSite) -> None:
    url = local_site.route("/odd", lambda _: Reply(status=304))
    error = fetch_error(url, allow_loopback=True)
    assert error.code == FetchError.HTTP_ERROR
    assert error.status == 304


def test_gzip_body_is_decoded(local_site: LocalSite) -> None:
    page = article_page(**SAMPLE_ARTICLE).encode()
    url = local_site.add("/gz", gzip.compress(page), headers={"Content-Encoding": "gzip"})
    assert fetch_url(url, allow_loopback=True).bytes == page


def test_missing_content_type_is_sniffed(local_site: LocalSite) -> None:
    page = local_site.route("/page", lambda _: Reply(body=b"<!DOCTYPE html><html><p>Hi</p>"))
    assert fetch_url(page, allow_loopback=True).content_type == "text/html"
    blob = local_site.route("/blob", lambda _: Reply(body=b"%PDF-1.7 binary"))
    assert fetch_error(blob, allow_loopback=True).code == FetchError.BAD_CONTENT_TYPE


def test_accepts_feed_types_when_asked(local_site: LocalSite) -> None:
    url = local_site.add("/feed", "<rss version='2.0'></rss>", content_type="application/rss+xml")
    assert fetch_url(url, allow_loopback=True, accept=FEED_TYPES).text.startswith("<rss")
    assert fetch_error(url, allow_loopback=True).code == FetchError.BAD_CONTENT_TYPE


def test_supplied_client_is_used_and_left_open(local_site: LocalSite) -> None:
    url = local_site.add("/story", article_page(**SAMPLE_ARTICLE))
    with build_client(allow_loopback=True) as client:
        fetch_url(url, allow_loopback=True, client=client)
        assert fetch_url(url, allow_loopback=True, client=client).status == 200
        assert not client.is_closed


# --- error paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_http_errors_carry_the_status(local_site: LocalSite, status: int) -> None:
    url = local_site.add("/gone", "<h1>Sorry</h1>", status=status)
    error = fetch_error(url, allow_loopback=True)
    assert error.code == FetchError.HTTP_ERROR
    assert error.status == status
    assert str(status) in error.message


def test_unknown_route_is_404(local_site: LocalSite) -> None:
    assert fetch_error(local_site.url("/nothing"), allow_loopback=True).status == 404


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"%PDF-1.7\n...", "application/pdf"), (b'{"title": "x"}', "application/json")],
)
def test_wrong_content_type(local_site: LocalSite, body: bytes, content_type: str) -> None:
    url = local_site.add("/file", body, content_type=content_type)
    error = fetch_error(url, allow_loopback=True)
    assert error.code == FetchError.BAD_CONTENT_TYPE
    assert content_type in error.message


@pytest.mark.parametrize("send_length", [True, False])
def test_huge_response_is_refused(local_site: LocalSite, send_length: bool) -> None:
    url = local_site.huge("/big", 6 * 1024 * 1024, send_length=send_length)
    error = fetch_error(url, allow_loopback=True)
    assert error.code == FetchError.TOO_LARGE
    assert "5 MB" in error.message


def test_size_limit_applies_after_decompression(local_site: LocalSite) -> None:
    bomb = gzip.compress(b"<html><body>" + b" " * (2 * 1024 * 1024))
    url = local_site.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    assert len(bomb) < 100_000
    error = fetch_error(url, allow_loopback=True, max_bytes=1024 * 1024)
    assert error.code == FetchError.TOO_LARGE


def test_too_many_redirects(local_site: LocalSite) -> None:
    for hop in range(7):
        local_site.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    error = fetch_error(local_site.url("/hop0"), allow_loopback=True)
    assert error.code == FetchError.TOO_MANY_REDIRECTS
    assert len(local_site.requests) == 6  # the first request and five redirects


@pytest.mark.parametrize("loop", [["/a"], ["/a", "/b"], ["/a", "/b", "/c"]])
def test_redirect_loop(local_site: LocalSite, loop: list[str]) -> None:
    for here, there in zip(loop, loop[1:] + loop[:1], strict=True):
        local_site.redirect(here, there + "#again")
    error = fetch_error(local_site.url("/a"), allow_loopback=True)
    assert error.code == FetchError.REDIRECT_LOOP
    assert len(local_site.requests) == len(loop)


def test_redirect_without_location(local_site: LocalSite) -> None:
    url = local_site.route("/r", lambda _: Reply(status=302))
    assert fetch_error(url, allow_loopback=True).code == FetchError.HTTP_ERROR


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://files.example/a.html", "gopher://x.example/"]
)
def test_redirect_to_a_forbidden_scheme(local_site: LocalSite, target: str) -> None:
    url = local_site.redirect("/r", target)
    error = fetch_error(url, allow_loopback=True)
    assert error.code == FetchError.BAD_SCHEME


@pytest.mark.parametrize(
    "target",
    [
        "http://10.20.30.40/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::5]/",
        "http://192.168.1.1:8080/",
    ],
)
def test_redirect_to_an_internal_address_is_refused_before_connecting(
    local_site: LocalSite, loopback_only_network: list[tuple[str, int]], target: str
) -> None:
    url = local_site.redirect("/r", target)
    error = fetch_error(url, allow_loopback=True)
    assert error.code == FetchError.FORBIDDEN_ADDRESS
    # The first hop reached the local site; the redirect's target was never connected to.
    assert {ipaddress.ip_address(host).is_loopback for host, _ in loopback_only_network} == {True}


def test_slow_server_times_out(local_site: LocalSite) -> None:
    url = local_site.slow("/slow", delay=5)
    started = time.monotonic()
    error = fetch_error(url, allow_loopback=True, timeout=0.3)
    assert error.code == FetchError.TIMEOUT
    assert time.monotonic() - started < 2


def test_trickling_server_hits_the_total_deadline(local_site: LocalSite) -> None:
    def trickle() -> Iterator[bytes]:
        yield b"<html><body>"
        for _ in range(40):
            time.sleep(0.05)
            yield b"<p>drip</p>"

    url = local_site.route(
        "/drip", lambda _: Reply(body=trickle(), headers={"Content-Type": "text/html"})
    )
    error = fetch_error(url, allow_loopback=True, timeout=1.0, total_timeout=0.4)
    assert error.code == FetchError.TIMEOUT


def test_connection_refused_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{free_port}/", allow_loopback=True)
    assert error.code == FetchError.UNREACHABLE
    assert "127.0.0.1" in error.message


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    error = fetch_error("https://no-such-paper.invalid/story")
    assert error.code == FetchError.DNS_FAILURE
    assert "no-such-paper.invalid" in error.message


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://files.example/story.html", FetchError.BAD_SCHEME),
        ("file:///etc/passwd", FetchError.BAD_SCHEME),
        ("javascript:alert(1)", FetchError.BAD_SCHEME),
        ("news.example/story", FetchError.BAD_URL),
        ("http://", FetchError.BAD_URL),
        ("http://exa mple.com/", FetchError.BAD_URL),
        ("http://bad_host!.example/", FetchError.BAD_URL),
    ],
)
def test_bad_urls(url: str, code: str) -> None:
    assert fetch_error(url).code == code
