"""The server-side request forgery guard: internal addresses, DNS answers, rebinding."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from newsapp.articles.fetch.client import fetch_url
from newsapp.articles.fetch.errors import FetchError
from newsapp.articles.fetch.guard import forbidden_reason
from tests.articles.fetch_support import fake_dns, fetch_error, loopback_only_network
from tests.webserver import SAMPLE_ARTICLE, LocalSite, article_page

pytest_plugins = ["tests.webserver"]
__all__ = ["loopback_only_network"]  # autouse: no test reaches beyond loopback


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
