"""Shared by the fetch tests: a network that reaches loopback only, fake DNS answers."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from newsapp.articles.fetch.client import fetch_url
from newsapp.articles.fetch.errors import FetchError

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
