"""QR codes for annotation permalinks: inline SVG for pages, PNG for downloads and cards."""

from __future__ import annotations

import io
from html import escape

import segno

__all__ = ["qr_png", "qr_svg"]

INK = "#1d1d1f"
PAPER = "#ffffff"
# Four modules of quiet zone is what the QR specification asks scanners to rely on.
QUIET_ZONE = 4


def _code(url: str) -> segno.QRCode:
    if not url:
        raise ValueError("a QR code needs a non-empty URL")
    # Level M at least; segno raises it for free when the symbol has room to spare.
    return segno.make_qr(url, error="m")


def qr_svg(url: str, *, label: str | None = None) -> str:
    """Inline ``<svg>`` markup that scales with its container (viewBox, no fixed size).

    It carries ``role="img"``, an ``aria-label`` and a ``<title>`` so screen readers announce it.
    """
    label = label or f"QR code for {url}"
    svg = _code(url).svg_inline(
        scale=1,
        border=QUIET_ZONE,
        dark=INK,
        light=PAPER,
        title=label,
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG of the code, ``scale`` pixels per module, ink on white with the quiet zone."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark=INK, light=PAPER)
    return buffer.getvalue()
