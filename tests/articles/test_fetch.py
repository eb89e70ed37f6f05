from __future__ import annotations

import gzip
import ipaddress
import socket
import time
from collections.abc import Iterator

import pytest

from newsapp.articles.fetch import (
    FEED_TYPES,
    FetchError,
    build_client,
    decode_body,
    fetch_url,
    forbidden_reason,
)
from tests.webserver import (
    HTTP_DATE,
    SAMPLE_ARTICLE,
    LocalSite,
    Reply,
    article_page,
)

pytest_plugins = ["tests.webserver"]

REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection


@pytest.fixture(autouse=True)
def loopback_only_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Fail any test that would connect anywhere but loopback or send a real DNS query.

    Only IP literals and "localhost" (answered from /etc/hosts) reach the real resolver; other
    names must be given answers with fake_dns. Returns the addresses connected to.
    """
    attempts: list[tuple[str, int]] = []

    def local_getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        if host != "localhost":
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise AssertionError(f"test tried to resolve {host!r} through DNS") from None
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    def guarded(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        attempts.append(address)
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"test tried to connect to {address[0]}")
        return REAL_CREATE_CONNECTION(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", local_getaddrinfo)
    return attempts


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Make the given host names resolve to the given addresses; returns the names looked up."""
    lookups: list[str] = []
    fallback = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        lookups.append(host)
        if host not in answers:
            return fallback(host, port, *args, **kwargs)
        pending = answers[host]
        address = pending.pop(0) if len(pending) > 1 else pending[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def fetch_error(url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_url(url, **kwargs)
    return caught.value


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


# --- charsets ------------------------------------------------------------------------------

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
    # Nothing declared, nothing detectable: still a string.
    charset, decoded = decode_body(b"plain ascii")
    assert decoded == "plain ascii"
    assert charset


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
    assert all(ipaddress.ip_address(host).is_loopback for host, _ in loopback_only_network)


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


# --- server-side request forgery -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.8.9.10:8000/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.1.1/",
        "http://0.0.0.0/",
        "http://224.0.0.251/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[ff02::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.1.1.1]/",
        "http://localhost/",
        "http://LocalHost:8000/",
    ],
)
def test_internal_addresses_are_refused(
    url: str, loopback_only_network: list[tuple[str, int]]
) -> None:
    error = fetch_error(url)
    assert error.code == FetchError.FORBIDDEN_ADDRESS
    assert "Refusing" in error.message
    assert loopback_only_network == []


def test_local_server_is_refused_without_allow_loopback(local_site: LocalSite) -> None:
    url = local_site.add("/story", article_page(**SAMPLE_ARTICLE))
    assert fetch_error(url).code == FetchError.FORBIDDEN_ADDRESS
    assert local_site.requests == []


def test_allow_loopback_allows_only_loopback(
    monkeypatch: pytest.MonkeyPatch, loopback_only_network: list[tuple[str, int]]
) -> None:
    fake_dns(monkeypatch, {"intranet.example": ["10.1.2.3"]})
    for url in ("http://10.1.2.3/", "http://intranet.example/", "http://[fd12::1]/"):
        assert fetch_error(url, allow_loopback=True).code == FetchError.FORBIDDEN_ADDRESS
    assert loopback_only_network == []


@pytest.mark.parametrize("address", ["10.9.8.7", "169.254.0.1", "fd00::7", "127.0.0.1"])
def test_host_names_resolving_to_internal_addresses_are_refused(
    monkeypatch: pytest.MonkeyPatch, loopback_only_network: list[tuple[str, int]], address: str
) -> None:
    fake_dns(monkeypatch, {"innocent.example": [address]})
    error = fetch_error("https://innocent.example/story")
    assert error.code == FetchError.FORBIDDEN_ADDRESS
    assert address in error.message
    assert loopback_only_network == []


def test_a_name_with_one_internal_address_among_public_ones_is_refused(
    monkeypatch: pytest.MonkeyPatch, loopback_only_network: list[tuple[str, int]]
) -> None:
    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert fetch_error("https://mixed.example/").code == FetchError.FORBIDDEN_ADDRESS
    assert loopback_only_network == []


def test_connection_goes_to_the_checked_address_with_the_original_host(
    local_site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    local_site.add("/story", article_page(**SAMPLE_ARTICLE))
    lookups = fake_dns(monkeypatch, {"post.veldhaven.example": ["127.0.0.1"]})
    url = f"http://post.veldhaven.example:{local_site.port}/story"
    result = fetch_url(url, allow_loopback=True)
    assert result.final_url == url
    assert local_site.requests[-1].headers["host"] == f"post.veldhaven.example:{local_site.port}"
    # Checked once before the request, then resolved again and checked where it connects.
    assert lookups.count("post.veldhaven.example") == 2


def test_dns_rebinding_between_check_and_connect_is_refused(
    local_site: LocalSite,
    monkeypatch: pytest.MonkeyPatch,
    loopback_only_network: list[tuple[str, int]],
) -> None:
    local_site.add("/secret", "<html><body>internal</body></html>")
    # First answer public (passes the pre-check), every later answer loopback.
    fake_dns(monkeypatch, {"rebind.example": ["93.184.216.34", "127.0.0.1"]})
    error = fetch_error(f"http://rebind.example:{local_site.port}/secret")
    assert error.code == FetchError.FORBIDDEN_ADDRESS
    assert local_site.requests == []
    assert loopback_only_network == []


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.31.255.255", False),
        ("192.168.100.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("233.252.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.10", False),
        ("::", False),
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1", False),
        ("ff0e::1", False),
        ("::ffff:169.254.169.254", False),
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::1", False),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 wrapping 10.0.0.1
    ],
)
def test_forbidden_reason(address: str, allowed: bool) -> None:
    reason = forbidden_reason(ipaddress.ip_address(address))
    assert (reason is None) is allowed


def test_forbidden_reason_with_loopback_allowed() -> None:
    assert forbidden_reason(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert forbidden_reason(ipaddress.ip_address("::1"), allow_loopback=True) is None
    assert forbidden_reason(ipaddress.ip_address("::ffff:127.0.0.1"), allow_loopback=True) is None
    assert forbidden_reason(ipaddress.ip_address("10.0.0.1"), allow_loopback=True)
