"""Fetch one page: a GET with redirects followed by hand (each hop checked by the guard, loops
and chains cut short), the body streamed under a size cap and a deadline, the content type
checked or sniffed, and the bytes decoded.

Framework-free (no Django models or settings): configuration comes in as arguments. A
caller-supplied ``client`` gets the per-hop check, but the pinning to checked addresses only
if it was made by :func:`build_client`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from .charsets import decode_body
from .errors import FetchError
from .guard import PinnedTransport, check_target, parse_url

__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "REDIRECT_STATUSES",
    "USER_AGENT",
    "FetchResult",
    "build_client",
    "fetch_url",
]

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
    # Long: a dozen keyword options, and one loop over the hops whose every exit (redirect,
    # answer, error, deadline) reads best in one place.
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
        current = parse_url(url)
        redirects: list[str] = []
        visited = {_without_fragment(current)}
        while True:
            if time.monotonic() > deadline:
                raise FetchError("Gave up: the redirects took too long.", FetchError.TIMEOUT)
            check_target(current, allow_loopback=allow_loopback)
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
    # Long: each check of an answer (not modified, status, type, length, sniffing) in the
    # order the bytes arrive; splitting it would pass the same eight values around.
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
