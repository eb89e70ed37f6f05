"""The page signed-out visitors share: rendered once a minute per page key, then served to
each visitor with their own CSRF token, already compressed.

A page carries a CSRF token (htmx's request headers, a form's hidden field), masked per
response and checked against the visitor's cookie, so the stored page is cut where the tokens
go. Each piece is also stored compressed (raw deflate, ended on a byte boundary): serving a
gzip-accepting visitor is the pieces with their fresh token compressed between them, a
checksum and a length, instead of compressing a 500 KB page of a thousand notes per request.
"""

from __future__ import annotations

import functools
import re
import struct
import zlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

from .layers import active_layers

# The article's own changes reach a shared page at once through its key; what it shows of
# elsewhere (other articles quoting the same words, say) within the minute.
SHARED_PAGE_SECONDS = 60
# What `stored_page` keeps, numbered: servers of another release that share the cache (Redis,
# during a rolling deploy) never read each other's entries.
STORED_FORMAT = 2
# Where a page carries its CSRF token: the forms' hidden field and htmx's request headers.
CSRF_SLOTS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}')
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, any OS


def shareable(request) -> bool:
    """Whether this request sees what every signed-out visitor sees: a plain GET of the page
    (no query, not HTMX) from a browser with no session and no pending messages."""
    return (
        request.method == "GET"
        and not request.GET
        and not getattr(request, "htmx", False)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def deflated(data: bytes, *, last: bool) -> bytes:
    """`data` as raw deflate blocks that another such run may follow (byte-aligned and
    independent of what precedes it), or that end the stream (`last`)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    ending = zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH
    return compressor.compress(data) + compressor.flush(ending)


def shared_page(request, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page for a `shareable` request (`render` makes it when the cache has none)."""
    layers = ",".join(layer.name for layer in active_layers())
    full_key = f"{key}:shared-page{STORED_FORMAT}:{layers}:{request.scheme}:{request.get_host()}"
    stored = cache.get(full_key)
    if stored is None:
        response = render()
        shareable_answer = response.status_code == 200 and not response.streaming
        if shareable_answer and not response.cookies and b"\0" not in response.content:
            cache.set(full_key, stored_page(response), SHARED_PAGE_SECONDS)
        return response
    token = get_token(request).encode()  # also sets this visitor's CSRF cookie, as a render would
    pieces, headers = stored["pieces"], stored["headers"]
    if not re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(token.join(pieces), headers=headers)
    else:
        response = HttpResponse(gzipped(stored, token), headers=headers)
        response.headers["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def stored_page(response: HttpResponse) -> dict:
    """The page cut where its tokens go, plain and deflated, with each piece's checksum and
    the view's headers."""
    marked = CSRF_SLOTS.sub(lambda slot: slot.group(1) + "\0", response.content.decode())
    pieces = marked.encode().split(b"\0")
    return {
        "pieces": pieces,
        "deflated": [deflated(piece, last=number == len(pieces) - 1) for number, piece in
                     enumerate(pieces)],
        "checksums": [(zlib.crc32(piece), crc32_shift(len(piece))) for piece in pieces],
        "headers": dict(response.items()),
    }  # fmt: skip


def gzipped(stored: dict, token: bytes) -> bytes:
    """One gzip member: the deflated pieces with the token deflated between them. Its CRC-32
    comes from the pieces' stored checksums, not from reading the whole page again."""
    pieces, checksums = stored["pieces"], stored["checksums"]
    body = deflated(token, last=False).join(stored["deflated"])
    token_checksum = (zlib.crc32(token), crc32_shift(len(token)))
    checksum = checksums[0][0]
    for piece_checksum in checksums[1:]:
        checksum = crc32_joined(checksum, *token_checksum)
        checksum = crc32_joined(checksum, *piece_checksum)
    size = sum(map(len, pieces)) + len(token) * (len(pieces) - 1)
    return GZIP_HEADER + body + struct.pack("<II", checksum, size & 0xFFFFFFFF)


@functools.lru_cache(maxsize=64)
def crc32_shift(length: int) -> tuple[int, ...]:
    """What `length` more bytes do to a running CRC-32, as the images of its 32 bits.

    CRC-32 is affine in its starting value, and the linear part depends only on the length of
    the data read after it: so the checksum of A+B is that part applied to crc(A), XOR crc(B).
    """
    zeros = bytes(length)
    base = zlib.crc32(zeros)
    return tuple(zlib.crc32(zeros, 1 << bit) ^ base for bit in range(32))


def crc32_joined(checksum: int, next_checksum: int, next_shift: tuple[int, ...]) -> int:
    """The CRC-32 of A+B from crc(A), crc(B) and B's `crc32_shift`."""
    carried = 0
    for image in next_shift:
        if checksum & 1:
            carried ^= image
        checksum >>= 1
    return carried ^ next_checksum
