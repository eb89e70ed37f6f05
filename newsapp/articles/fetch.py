"""Fetch a web page for import, safely: bounded in size and time, and never at internal hosts.

Framework-free (no Django models or settings): configuration comes in as arguments.

Server-side request forgery guard. A reader can make the server fetch any URL, so every hop
(the first URL and each redirect, followed by hand) must be http or https and its host must
resolve only to public addresses: loopback, private, link-local, multicast, reserved and
unspecified addresses are refused, IPv4 and IPv6, including IPv4 addresses embedded in IPv6
(mapped, 6to4, NAT64). ``allow_loopback`` lets tests fetch from 127.0.0.1 and nothing else.

DNS rebinding. A check on a name, followed by a connection that resolves the name again,
could be fooled by a DNS server answering "public" the first time and "127.0.0.1" the
second. The client built here therefore resolves and checks inside the connection step and
connects to the very address it checked (TLS still verifies the certificate against the
host name). A caller-supplied ``client`` gets the per-hop check, but the pinning only if it
was made by :func:`build_client`.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import charset_normalizer
import httpcore
import httpx

HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
FEED_TYPES: tuple[str, ...] = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
USER_AGENT = "Gloss/0.1 (article importer; +https://github.com/gloss-reader)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ALLOWED_SCHEMES = frozenset({"http", "https"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# After httpx's IDNA encoding: a DNS name or an IPv4/IPv6 literal, nothing else.
_HOST = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?\.?)+$|^[0-9a-f:.]+$", re.I)
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:\-]+)""", re.I)
# Labels that browsers decode as windows-1252; a page declaring one of them but written in
# valid multi-byte UTF-8 is far more likely mislabelled than latin-1 that happens to be UTF-8.
_WESTERN_SINGLE_BYTE = frozenset({"ascii", "latin_1", "iso8859_1", "cp1252", "iso8859_15"})


class FetchError(Exception):
    """Any failure to fetch a page; ``message`` is fit to show to the reader."""

    DNS_FAILURE = "dns_failure"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    BAD_CONTENT_TYPE = "bad_content_type"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    FORBIDDEN_ADDRESS = "forbidden_address"
    BAD_SCHEME = "bad_scheme"
    BAD_URL = "bad_url"
    PROTOCOL_ERROR = "protocol_error"

    def __init__(self, message: str, code: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass
class FetchResult:
    final_url: str
    status: int
    content_type: str
    charset: str
    text: str
    bytes: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)


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


def build_client(
    *, allow_loopback: bool = False, timeout: float = 10.0, connect_timeout: float = 5.0
) -> httpx.Client:
    """An httpx client for fetch_url that pins each connection to a checked public address."""
    return httpx.Client(
        transport=PinnedTransport(allow_loopback=allow_loopback),
        timeout=httpx.Timeout(timeout, connect=min(connect_timeout, timeout)),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


def fetch_url(
    url: str,
    *,
    allow_loopback: bool = False,
    max_bytes: int = 5 * 1024 * 1024,
    timeout: float = 10.0,
    connect_timeout: float = 5.0,
    total_timeout: float | None = None,
    max_redirects: int = 5,
    accept: tuple[str, ...] = HTML_TYPES,
    client: httpx.Client | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET url following at most max_redirects redirects, each hop checked; decode the body.

    ``timeout`` bounds each network read, ``connect_timeout`` each connection attempt and
    ``total_timeout`` (default three times ``timeout``) the whole fetch, so a server that
    trickles bytes cannot hold a worker. With ``etag``/``last_modified`` the request is
    conditional and a 304 answer gives ``not_modified=True`` with an empty body.
    Raises FetchError (see its codes) for every failure.
    """
    own_client = client is None
    if client is None:
        client = build_client(
            allow_loopback=allow_loopback, timeout=timeout, connect_timeout=connect_timeout
        )
    deadline = time.monotonic() + (total_timeout if total_timeout is not None else 3 * timeout)
    request_timeout = httpx.Timeout(timeout, connect=min(connect_timeout, timeout))
    headers = {"Accept": ", ".join(accept), "User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        current = _parse_url(url)
        redirects: list[str] = []
        visited = {_without_fragment(current)}
        while True:
            if time.monotonic() > deadline:
                raise FetchError("Gave up: the redirects took too long.", FetchError.TIMEOUT)
            _check_target(current, allow_loopback=allow_loopback)
            request = client.build_request("GET", current, headers=headers, timeout=request_timeout)
            with _mapped_errors(current, timeout=timeout, connect_timeout=connect_timeout):
                response = client.send(request, stream=True)
                try:
                    if response.status_code in REDIRECT_STATUSES:
                        current = _next_hop(response, current, visited, redirects, max_redirects)
                        continue
                    return _read_response(
                        response,
                        redirects=redirects,
                        accept=accept,
                        max_bytes=max_bytes,
                        deadline=deadline,
                        conditional=bool(etag or last_modified),
                        sent_etag=etag,
                        sent_last_modified=last_modified,
                    )
                finally:
                    response.close()
    finally:
        if own_client:
            client.close()


def _parse_url(url: str) -> httpx.URL:
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


def _check_target(url: httpx.URL, *, allow_loopback: bool) -> None:
    if url.scheme not in ALLOWED_SCHEMES:
        raise FetchError(
            f"Only http and https links can be fetched, not {url.scheme}: links.",
            FetchError.BAD_SCHEME,
        )
    port = url.port or (443 if url.scheme == "https" else 80)
    resolve_public_addresses(url.raw_host.decode("ascii"), port, allow_loopback=allow_loopback)


def _without_fragment(url: httpx.URL) -> str:
    return str(url.copy_with(fragment=None))


def _next_hop(
    response: httpx.Response,
    current: httpx.URL,
    visited: set[str],
    redirects: list[str],
    max_redirects: int,
) -> httpx.URL:
    location = response.headers.get("Location")
    if not location:
        raise FetchError(
            f"The server answered {response.status_code} (a redirect) without saying where to.",
            FetchError.HTTP_ERROR,
            status=response.status_code,
        )
    try:
        target = current.join(location.strip())
    except httpx.InvalidURL as error:
        raise FetchError(
            f"The server redirected to an invalid address: {location!r}.", FetchError.BAD_URL
        ) from error
    key = _without_fragment(target)
    if key in visited:
        raise FetchError(f"The page redirects in a loop (back to {key}).", FetchError.REDIRECT_LOOP)
    if len(redirects) >= max_redirects:
        raise FetchError(
            f"The page redirected more than {max_redirects} times.",
            FetchError.TOO_MANY_REDIRECTS,
        )
    visited.add(key)
    redirects.append(str(target))
    return target


def _read_response(
    response: httpx.Response,
    *,
    redirects: list[str],
    accept: tuple[str, ...],
    max_bytes: int,
    deadline: float,
    conditional: bool,
    sent_etag: str | None,
    sent_last_modified: str | None,
) -> FetchResult:
    status = response.status_code
    final_url = str(response.request.url)
    etag = response.headers.get("ETag")
    last_modified = response.headers.get("Last-Modified")
    if status == 304 and conditional:
        return FetchResult(
            final_url=final_url,
            status=status,
            content_type="",
            charset="",
            text="",
            bytes=b"",
            etag=etag or sent_etag,
            last_modified=last_modified or sent_last_modified,
            not_modified=True,
            redirects=redirects,
        )
    if not 200 <= status < 300:
        reason = response.reason_phrase or "error"
        raise FetchError(
            f"The server answered {status} {reason} for {final_url}.",
            FetchError.HTTP_ERROR,
            status=status,
        )

    content_type, declared_charset = _parse_content_type(response.headers.get("Content-Type"))
    if content_type and not _type_accepted(content_type, accept):
        raise FetchError(
            f"The address gives {content_type}, not a web page (expected {' or '.join(accept)}).",
            FetchError.BAD_CONTENT_TYPE,
        )
    declared_length = response.headers.get("Content-Length", "")
    if declared_length.isdigit() and int(declared_length) > max_bytes:
        raise _too_large(max_bytes)

    body = _read_limited(response, max_bytes=max_bytes, deadline=deadline)
    if not content_type:
        if not _sniff_accepted(body, accept):
            raise FetchError(
                "The server did not say what kind of content this is, and it does not look"
                f" like {' or '.join(accept)}.",
                FetchError.BAD_CONTENT_TYPE,
            )
        content_type = accept[0]
    charset, text = decode_body(body, declared_charset=declared_charset)
    return FetchResult(
        final_url=final_url,
        status=status,
        content_type=content_type,
        charset=charset,
        text=text,
        bytes=body,
        etag=etag,
        last_modified=last_modified,
        redirects=redirects,
    )


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(
        f"The page is larger than the {max_bytes / (1024 * 1024):g} MB limit.",
        FetchError.TOO_LARGE,
    )


def _read_limited(response: httpx.Response, *, max_bytes: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    # iter_bytes undoes Content-Encoding, so the limit also stops compression bombs.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        if time.monotonic() > deadline:
            raise FetchError(
                "The server is sending the page too slowly; gave up.", FetchError.TIMEOUT
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media_type, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def _type_accepted(content_type: str, accept: tuple[str, ...]) -> bool:
    major = content_type.split("/", 1)[0]
    return any(item == content_type or item == f"{major}/*" for item in accept)


def _sniff_accepted(body: bytes, accept: tuple[str, ...]) -> bool:
    start = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_html = start.startswith((b"<!doctype html", b"<html")) or b"<html" in start
    looks_xml = start.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf"))
    return any(
        (looks_html and item in HTML_TYPES) or (looks_xml and item.endswith("xml"))
        for item in accept
    )


def decode_body(body: bytes, *, declared_charset: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM, then the HTTP charset, then <meta>/XML declaration, then detection.

    The byte-order mark goes first, as in browsers (WHATWG encoding sniffing): it cannot be
    there by accident, while headers often are. A declared charset that fails to decode the
    bytes is skipped. Returns (Python codec name, text); falls back to UTF-8 with U+FFFD.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            try:
                return codec.removesuffix("-sig"), body.decode(codec)
            except UnicodeDecodeError:
                break
    head = body[:4096]
    candidates = [declared_charset]
    candidates += [match.group(1).decode("ascii") for match in _META_CHARSET.finditer(head)][:1]
    xml_match = _XML_ENCODING.match(head)
    candidates += [xml_match.group(1).decode("ascii")] if xml_match else []
    for label in candidates:
        decoded = _decode_as(body, label)
        if decoded is not None:
            return decoded
    best = charset_normalizer.from_bytes(body).best()
    if best is not None and best.encoding:
        return codecs.lookup(best.encoding).name, str(best)
    return "utf-8", body.decode("utf-8", errors="replace")


def _decode_as(body: bytes, label: str | None) -> tuple[str, str] | None:
    if not label:
        return None
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    tries = [codec]
    if codec.replace("-", "_") in _WESTERN_SINGLE_BYTE and not body.isascii():
        # Browsers read these labels as windows-1252; latin-1 is the last resort because it
        # decodes any byte string, even one that is really UTF-8 or windows-1252.
        whatwg = "cp1252" if codec in ("ascii", "iso8859-1") else codec
        tries = ["utf-8", whatwg, "iso8859-1"]
    for name in tries:
        try:
            return name, body.decode(name)
        except UnicodeDecodeError:
            continue
    return None


@contextmanager
def _mapped_errors(url: httpx.URL, *, timeout: float, connect_timeout: float) -> Iterator[None]:
    """Turn httpx exceptions into FetchError with a message naming the host."""
    host = url.host
    try:
        yield
    except httpx.ConnectTimeout as error:
        raise FetchError(
            f"Timed out after {min(connect_timeout, timeout):g} s connecting to {host}.",
            FetchError.TIMEOUT,
        ) from error
    except httpx.TimeoutException as error:
        raise FetchError(
            f"{host} did not answer within {timeout:g} s.", FetchError.TIMEOUT
        ) from error
    except httpx.ConnectError as error:
        raise FetchError(
            f"Could not connect to {host}: {_reason(error)}.", FetchError.UNREACHABLE
        ) from error
    except httpx.UnsupportedProtocol as error:
        raise FetchError(
            "Only http and https links can be fetched.", FetchError.BAD_SCHEME
        ) from error
    except httpx.HTTPError as error:
        raise FetchError(
            f"{host} sent a response that could not be read ({_reason(error)}).",
            FetchError.PROTOCOL_ERROR,
        ) from error


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text).rstrip(".")
