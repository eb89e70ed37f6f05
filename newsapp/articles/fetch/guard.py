"""Server-side request forgery guard: which addresses the server may connect to, and a client
transport that connects only to addresses it has just checked.

A reader can make the server fetch any URL, so every hop (the first URL and each redirect,
followed by hand) must be http or https and its host must resolve only to public addresses:
loopback, private, link-local, multicast, reserved and unspecified addresses are refused, IPv4
and IPv6, including IPv4 addresses embedded in IPv6 (mapped, 6to4, NAT64). ``allow_loopback``
lets tests fetch from 127.0.0.1 and nothing else.

DNS rebinding. A check on a name, followed by a connection that resolves the name again,
could be fooled by a DNS server answering "public" the first time and "127.0.0.1" the
second. ``PinnedTransport`` therefore resolves and checks inside the connection step and
connects to the very address it checked (TLS still verifies the certificate against the
host name).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
from functools import cache
from typing import Any

import httpcore
import httpx

from .errors import FetchError

__all__ = [
    "ALLOWED_SCHEMES",
    "IPAddress",
    "PinnedTransport",
    "check_target",
    "forbidden_reason",
    "parse_url",
    "resolve_public_addresses",
]

ALLOWED_SCHEMES = frozenset({"http", "https"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# After httpx's IDNA encoding: a DNS name or an IPv4/IPv6 literal, nothing else.
_HOST = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?\.?)+$|^[0-9a-f:.]+$", re.I)
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def forbidden_reason(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why the server must not connect to this address, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            address = embedded
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "a non-public address"),
    )
    return next((reason for failed, reason in checks if failed), None)


def resolve_public_addresses(host: str, port: int, *, allow_loopback: bool) -> list[IPAddress]:
    """Resolve host; raise FetchError unless every address it resolves to is allowed.

    Refusing when any address is internal (not only the first) matters: the connection may
    try them all in turn.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(
            f"Could not find the server {host!r} (DNS lookup failed).", FetchError.DNS_FAILURE
        ) from error
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"The server {host!r} has no address.", FetchError.DNS_FAILURE)
    for address in addresses:
        reason = forbidden_reason(address, allow_loopback=allow_loopback)
        if reason:
            raise FetchError(
                f"Refusing to fetch from {host!r}: it resolves to {address}, {reason}.",
                FetchError.FORBIDDEN_ADDRESS,
            )
    return addresses


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects only to addresses it has just resolved and checked itself."""

    def __init__(self, *, allow_loopback: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_loopback = allow_loopback

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_public_addresses(host, port, allow_loopback=self._allow_loopback)
        last_error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        assert last_error is not None
        raise last_error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise FetchError("Refusing to connect to a local socket.", FetchError.FORBIDDEN_ADDRESS)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for all clients: loading the CA bundle takes ~50 ms."""
    return httpx.create_ssl_context(trust_env=False)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with the connection step replaced by :class:`_PinnedBackend`.

    httpx 0.28 does not take a network backend as an argument, so the connection pool it
    builds is swapped for one that has ours (pinned version; a rebinding test guards this).
    """

    def __init__(self, *, allow_loopback: bool, max_connections: int = 10) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=max_connections,
            network_backend=_PinnedBackend(allow_loopback=allow_loopback),
        )


def parse_url(url: str) -> httpx.URL:
    """The URL a reader gave, if it is a complete http(s) address with a plain host."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise FetchError(f"Not a valid web address: {url!r}.", FetchError.BAD_URL) from error
    if parsed.scheme and parsed.scheme not in ALLOWED_SCHEMES:
        raise FetchError(
            f"Only http and https links can be fetched, not {parsed.scheme}: links.",
            FetchError.BAD_SCHEME,
        )
    if not parsed.scheme or not parsed.host or not _HOST.match(parsed.raw_host.decode("ascii")):
        raise FetchError(
            f"Not a complete web address (it needs http:// or https:// and a host): {url!r}.",
            FetchError.BAD_URL,
        )
    return parsed


def check_target(url: httpx.URL, *, allow_loopback: bool) -> None:
    """Refuse a hop (the first URL or a redirect) whose scheme or addresses are not allowed."""
    if url.scheme not in ALLOWED_SCHEMES:
        raise FetchError(
            f"Only http and https links can be fetched, not {url.scheme}: links.",
            FetchError.BAD_SCHEME,
        )
    port = url.port or (443 if url.scheme == "https" else 80)
    resolve_public_addresses(url.raw_host.decode("ascii"), port, allow_loopback=allow_loopback)
