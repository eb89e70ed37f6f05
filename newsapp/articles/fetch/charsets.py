"""Decode a fetched page: byte-order mark, then the HTTP charset, then the page's own
declaration (``<meta charset>`` or the XML declaration), then detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_body"]

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:\-]+)""", re.I)
# Labels that browsers decode as windows-1252; a page declaring one of them but written in
# valid multi-byte UTF-8 is far more likely mislabelled than latin-1 that happens to be UTF-8.
_WESTERN_SINGLE_BYTE = frozenset({"ascii", "latin_1", "iso8859_1", "cp1252", "iso8859_15"})


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
