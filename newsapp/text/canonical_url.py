"""Canonical form of article URLs, so that one article shared through many links is one article.

Pure: no Django, no network. The canonical form keeps what identifies the document (scheme,
host, path, meaningful query parameters) and drops what only identifies the click (fragments,
tracking parameters, default ports, spelling variants of the same host).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import idna

DEFAULT_PORTS = {"http": 80, "https": 443}

# Compared lower-case. Parameters that only record where a click came from or which campaign
# it belonged to; none of them changes which document the server returns.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "ocid",
        "ncid",
        "cid_source",
        "s_cid",
        "smid",
        "smtyp",
        "sr_share",
        "soc_src",
        "soc_trk",
        "spm",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "oly_enc_id",
        "oly_anon_id",
        "vero_id",
        "vero_conv",
        "rb_clickid",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "wt.mc_id",
        "wt_mc",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# Characters that may stand unescaped in a path or query (RFC 3986 pchar plus "/" and "?").
_SAFE_IN_PATH = frozenset("!$&'()*+,;=:@/") | _UNRESERVED
_SAFE_IN_QUERY = _SAFE_IN_PATH | frozenset("?")


def canonicalize_url(url: str) -> str:
    """Return the canonical form of an absolute URL.

    Lower-cases scheme and host, encodes international hosts with IDNA, drops default ports,
    the fragment and tracking parameters, sorts the remaining query parameters by name
    (keeping the order of repeated names), removes dot segments and a trailing slash (except
    for the root path), and normalises percent-escapes. Path case is kept: servers may treat
    it as significant. Raises ValueError when the URL has no scheme or host.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")

    netloc = _canonical_netloc(scheme, parts.netloc)
    path = _canonical_path(parts.path)
    query = _canonical_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def _canonical_netloc(scheme: str, netloc: str) -> str:
    userinfo, _, hostport = netloc.rpartition("@")
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        host = f"[{host.lower()}]"
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = hostport.partition(":")
        host = _ascii_host(host.rstrip("."))
    if port_text:
        if not port_text.isdigit():
            raise ValueError(f"invalid port in URL: {port_text!r}")
        port = int(port_text)
        if DEFAULT_PORTS.get(scheme) != port:
            host = f"{host}:{port}"
    return f"{userinfo}@{host}" if userinfo else host


def _ascii_host(host: str) -> str:
    lowered = host.lower()
    if lowered.isascii():
        return lowered
    try:
        return idna.encode(lowered, uts46=True).decode("ascii")
    except idna.IDNAError:
        # Hosts that IDNA 2008 rejects (some emoji domains) still resolve through IDNA 2003.
        try:
            return lowered.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise ValueError(f"invalid host name: {host!r}") from error


def _canonical_path(path: str) -> str:
    path = _normalise_escapes(path, _SAFE_IN_PATH)
    path = _remove_dot_segments(path) if path else "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path


def _canonical_query(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        pair = _normalise_escapes(pair, _SAFE_IN_QUERY)
        name = pair.split("=", 1)[0]
        if not is_tracking_parameter(_decode_escapes(name)):
            kept.append((name, pair))
    kept.sort(key=lambda item: item[0])  # stable: repeated names keep their order
    return "&".join(pair for _, pair in kept)


def _decode_escapes(text: str) -> str:
    return _PERCENT_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _normalise_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the others, escape unsafe characters."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        match = _PERCENT_ESCAPE.match(text, index) if char == "%" else None
        if match:
            decoded = chr(int(match.group(1), 16))
            out.append(decoded if decoded in _UNRESERVED else match.group(0).upper())
            index = match.end()
            continue
        if char in safe:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        index += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on a path that starts with "/"."""
    if not path.startswith("/"):
        path = "/" + path
    output: list[str] = []
    segments = path.split("/")[1:]
    for position, segment in enumerate(segments):
        is_last = position == len(segments) - 1
        if segment == ".":
            if is_last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if is_last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)
