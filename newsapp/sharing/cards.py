"""Share cards: a 1200×630 PNG of a highlighted quote, for link previews and social posts.

Type comes from `card_fonts` (Source Serif 4 and Inter from PyPI font packages).

Rendering is deterministic: the same ``CardContent`` (and ``CARD_VERSION``, and fonts) gives the
same bytes, so a card can be cached under ``card_cache_key``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass
from functools import cache
from itertools import combinations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import card_fonts

__all__ = [
    "CARD_SIZE",
    "CARD_VERSION",
    "KINDS",
    "CardContent",
    "card_cache_key",
    "render_card",
]

CARD_VERSION = "2"
CARD_SIZE = (1200, 630)
KINDS = ("note", "claim", "quote", "question", "highlight")

PAPER = (250, 247, 240)
INK = (29, 29, 31)
MUTED = (104, 99, 90)
RULE = (222, 215, 198)
HIGHLIGHTER = (255, 216, 77)

MARGIN_X = 84
HEADER_TOP = 58
HEADER_BOTTOM = 118
FOOTER_RULE_Y = 500
CONTENT_WIDTH = CARD_SIZE[0] - 2 * MARGIN_X
QUOTE_SIZES = range(76, 29, -2)
LINE_HEIGHT = 1.24
# More than fits even at the smallest size, so a longer quote is always shown cut.
MAX_QUOTE_CHARS = 900


@dataclass(frozen=True)
class CardContent:
    quote: str
    article_title: str
    source_name: str
    speaker: str | None = None
    note_first_line: str | None = None
    kind: str = "highlight"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")


def card_cache_key(card: CardContent) -> str:
    """sha256 over every field, the renderer's version and whether the real fonts are present."""
    payload = {
        "card": asdict(card),
        "version": CARD_VERSION,
        "fonts": card_fonts.font_signature(),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def render_card(card: CardContent) -> bytes:
    image = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    _draw_header(draw, card.kind)
    _draw_content(draw, card)
    _draw_footer(draw, card)
    buffer = io.BytesIO()
    _in_card_palette(image).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# Steps between each two of the card's colours in its palette: 10 pairs x 23 blends + 5 = 235.
BLEND_STEPS = 24


@cache
def _card_palette() -> np.ndarray:
    """The card's five colours and the blends between each two of them, as (n, 3) RGB."""
    colours = [PAPER, INK, MUTED, RULE, HIGHLIGHTER]
    entries = list(colours)
    for start, end in combinations(colours, 2):
        for step in range(1, BLEND_STEPS):
            entries.append(
                tuple(
                    round(a + (b - a) * step / BLEND_STEPS) for a, b in zip(start, end, strict=True)
                )
            )
    return np.array(entries, dtype=np.int32)


def _in_card_palette(image: Image.Image) -> Image.Image:
    """A card is drawn in five colours and the anti-aliased blends between them, so a palette
    of those colours (kept exact) and their blends stores it at 8 bits a pixel with no visible
    change (an edge pixel moves a few levels at most): 50 -> 19 KB, for every link preview.
    Each of the card's few hundred distinct colours goes to its nearest palette entry."""
    pixels = np.asarray(image, dtype=np.int32)
    packed = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    distinct, where = np.unique(packed, return_inverse=True)
    rgb = np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=-1)
    palette = _card_palette()
    nearest = ((rgb[:, None, :] - palette[None, :, :]) ** 2).sum(axis=-1).argmin(axis=1)
    indexed = Image.fromarray(nearest[where].reshape(packed.shape).astype(np.uint8), mode="P")
    indexed.putpalette(palette.astype(np.uint8).flatten().tolist())
    return indexed


# --- layout ---------------------------------------------------------------------------------


def _draw_header(draw: ImageDraw.ImageDraw, kind: str) -> None:
    label_font = card_fonts.font("sans", 19, weight=650)
    # A short marker stroke before the kind label echoes the highlighter on the quote.
    draw.rounded_rectangle(
        (MARGIN_X, HEADER_TOP + 4, MARGIN_X + 30, HEADER_TOP + 20), radius=4, fill=HIGHLIGHTER
    )
    _draw_tracked(draw, (MARGIN_X + 44, HEADER_TOP), kind.upper(), label_font, MUTED, tracking=2.6)
    _draw_wordmark(draw, right=CARD_SIZE[0] - MARGIN_X, top=HEADER_TOP - 12)


def _draw_wordmark(draw: ImageDraw.ImageDraw, *, right: int, top: int) -> None:
    font = card_fonts.font("serif", 38, weight=700, optical=40)
    width = draw.textlength("Gloss", font=font)
    left = right - width
    ascent, _ = font.getmetrics() if isinstance(font, ImageFont.FreeTypeFont) else (30, 8)
    baseline = top + ascent
    # The mark: a slanted highlighter swipe under the lower half of the letters.
    swipe = [
        (left - 8, baseline - 15),
        (right + 6, baseline - 19),
        (right + 10, baseline + 2),
        (left - 4, baseline + 5),
    ]
    draw.polygon(swipe, fill=HIGHLIGHTER)
    draw.text((left, baseline), "Gloss", font=font, fill=INK, anchor="ls")


def _draw_content(draw: ImageDraw.ImageDraw, card: CardContent) -> None:
    speaker = _single_line(card.speaker or "")
    note = _note_text(card.note_first_line or "")
    speaker_font = card_fonts.font_for("sans", 29, "— " + speaker, weight=600)
    note_font = card_fonts.font_for("serif-italic", 27, note, weight=420, optical=24)

    below_quote = 0
    if speaker:
        below_quote += 26 + 34
    if note:
        below_quote += 30 + 40
    top_limit = HEADER_BOTTOM + 22
    bottom_limit = FOOTER_RULE_Y - 34
    quote_room = bottom_limit - top_limit - below_quote

    # Without a quote the title takes the stage (and leaves the footer to the source alone).
    main_text = _quote_text(card.quote) or _single_line(card.article_title)
    font, lines, line_height = _fit_quote(main_text, quote_room)
    block_height = len(lines) * line_height + below_quote
    y = top_limit + max(0, (bottom_limit - top_limit - block_height) // 2)
    _draw_quote(draw, font, lines, line_height, y)
    y += len(lines) * line_height

    if speaker:
        y += 26
        dash = "— "
        draw.text((MARGIN_X, y), dash, font=speaker_font, fill=MUTED)
        name_x = MARGIN_X + draw.textlength(dash, font=speaker_font)
        name = _truncate(speaker, speaker_font, CONTENT_WIDTH - (name_x - MARGIN_X))
        draw.text((name_x, y), name, font=speaker_font, fill=INK)
        y += 34
    if note:
        y += 30
        draw.rectangle((MARGIN_X, y + 2, MARGIN_X + 5, y + 36), fill=HIGHLIGHTER)
        text = _truncate(note, note_font, CONTENT_WIDTH - 24)
        draw.text((MARGIN_X + 22, y + 1), text, font=note_font, fill=MUTED)


def _draw_quote(
    draw: ImageDraw.ImageDraw, font: card_fonts.Font, lines: list[str], line_height: int, top: int
) -> None:
    size = _size_of(font)
    for index, line in enumerate(lines):
        if not line:
            continue
        baseline = top + index * line_height + round(size * 0.98)
        x = MARGIN_X
        if index == 0 and line.startswith("“"):
            # Hang the opening mark in the margin so the words line up with the text below.
            x -= round(draw.textlength("“", font=font))
        width = draw.textlength(line, font=font)
        band_top = baseline - round(size * 0.52)
        band_bottom = baseline + round(size * 0.16)
        draw.rounded_rectangle(
            (MARGIN_X - 10, band_top, x + width + 10, band_bottom),
            radius=max(3, size // 10),
            fill=HIGHLIGHTER,
        )
        draw.text((x, baseline), line, font=font, fill=INK, anchor="ls")


def _draw_footer(draw: ImageDraw.ImageDraw, card: CardContent) -> None:
    draw.line((MARGIN_X, FOOTER_RULE_Y, CARD_SIZE[0] - MARGIN_X, FOOTER_RULE_Y), fill=RULE, width=2)
    title = _single_line(card.article_title) if _quote_text(card.quote) else ""
    source = _single_line(card.source_name).upper()
    title_font = card_fonts.font_for("sans", 27, title, weight=600)
    source_font = card_fonts.font_for("sans", 18, source, weight=600)
    title = _truncate(title, title_font, CONTENT_WIDTH)
    y = FOOTER_RULE_Y + 28
    if title:
        draw.text((MARGIN_X, y), title, font=title_font, fill=INK)
        y += 46
    if source:
        tracking = 1.8
        source = _fit_tracked(source, source_font, CONTENT_WIDTH, tracking)
        _draw_tracked(draw, (MARGIN_X, y), source, source_font, MUTED, tracking=tracking)


def _draw_tracked(
    draw: ImageDraw.ImageDraw,
    origin: tuple[float, float],
    text: str,
    font: card_fonts.Font,
    fill: tuple[int, int, int],
    *,
    tracking: float,
) -> None:
    x, y = origin
    for char in text:
        draw.text((x, y), char, font=font, fill=fill)
        x += draw.textlength(char, font=font) + tracking


# --- text -----------------------------------------------------------------------------------


def _quote_text(quote: str) -> str:
    text = _single_line(quote)[:MAX_QUOTE_CHARS].strip("\"“”'‘’ ")
    return f"“{text}”" if text else ""


def _note_text(note: str) -> str:
    first = next((line for line in note.splitlines() if line.strip()), "")
    first = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", first)
    first = re.sub(r"^\s{0,3}(#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)", "", first)
    first = re.sub(r"(\*\*|__|[*_`~])", "", first)
    return _single_line(first)


def _single_line(text: str) -> str:
    return " ".join(text.split())


def _fit_quote(quote: str, room: int) -> tuple[card_fonts.Font, list[str], int]:
    """The largest size whose wrapped lines fit; at the smallest size, cut with an ellipsis."""
    # Width at the largest size, scaled down, is a lower bound on the width at a smaller one
    # (optical sizes only widen small type): sizes that cannot fit are skipped unloaded.
    largest = QUOTE_SIZES[0]
    full_width = _quote_font(largest, quote).getlength(quote)
    for size in QUOTE_SIZES:
        line_height = round(size * LINE_HEIGHT)
        if full_width * size / largest / CONTENT_WIDTH * line_height > room:
            continue
        font = _quote_font(size, quote)
        lines = _wrap(quote, font, CONTENT_WIDTH)
        if len(lines) * line_height <= room:
            return font, _balance(quote, font, lines), line_height
    size = QUOTE_SIZES[-1]
    font = _quote_font(size, quote)
    line_height = round(size * LINE_HEIGHT)
    max_lines = max(1, room // line_height)
    lines = _wrap(quote, font, CONTENT_WIDTH)[:max_lines]
    lines[-1] = _truncate(lines[-1].rstrip("”"), font, CONTENT_WIDTH, force=True, closing="”")
    return font, lines, line_height


def _balance(text: str, font: card_fonts.Font, lines: list[str]) -> list[str]:
    """Re-wrap to the narrowest measure that keeps the line count, so no word sits alone."""
    if len(lines) < 2:
        return lines
    best = lines
    width = CONTENT_WIDTH
    while width > CONTENT_WIDTH * 0.55:
        width -= 16
        narrower = _wrap(text, font, width)
        if len(narrower) != len(lines):
            break
        best = narrower
    return best


def _quote_font(size: int, text: str) -> card_fonts.Font:
    weight = 560 if size >= 44 else 500
    return card_fonts.font_for("serif", size, text, weight=weight, optical=min(size, 60))


_BREAKABLE = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef][、。，．！？）」』]*"
    r"|\S+\s*|\s+"
)


def _wrap(text: str, font: card_fonts.Font, width: float) -> list[str]:
    """Greedy wrap on spaces; CJK may break between any two characters; long words are split.

    Line widths are sums of token widths (kerning across a space is negligible), which keeps
    wrapping linear in the text length.
    """
    widths: dict[str, float] = {}

    def measure(piece: str) -> float:
        if piece not in widths:
            widths[piece] = font.getlength(piece)
        return widths[piece]

    lines: list[str] = []
    current, current_width = "", 0.0
    for token in _BREAKABLE.findall(text):
        if current and current_width + measure(token.rstrip()) > width:
            lines.append(current.rstrip())
            current, current_width = "", 0.0
            token = token.lstrip()
        if not token:
            continue
        if not current and measure(token.rstrip()) > width:
            # A single word wider than the line: split it by characters.
            for char in token:
                if current.strip() and current_width + measure(char) > width:
                    lines.append(current.rstrip())
                    current, current_width = "", 0.0
                current += char
                current_width += measure(char)
            continue
        current += token
        current_width += measure(token)
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def _truncate(
    text: str, font: card_fonts.Font, width: float, *, force: bool = False, closing: str = ""
) -> str:
    """``text`` cut to ``width`` with an ellipsis (then ``closing``), at a word end if one is near.

    ``force`` marks the text as cut even when it already fits (it is the end of a longer text).
    """
    if not force and _width(text, font) <= width:
        return text
    low, high = 0, len(text) if force else len(text) - 1
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if _width(_ellipsized(text[:middle], closing), font) <= width:
            low = middle
        else:
            high = middle - 1
    body = text[:low]
    space = body.rstrip().rfind(" ")
    if low < len(text) and not text[low].isspace() and space > len(body) * 0.6:
        body = body[:space]
    return _ellipsized(body, closing)


def _ellipsized(body: str, closing: str) -> str:
    return body.rstrip(" ,;:.—–-") + "…" + closing


def _fit_tracked(text: str, font: card_fonts.Font, width: float, tracking: float) -> str:
    """Letter-spaced text cut to ``width`` with an ellipsis, measured one character at a time."""
    widths: dict[str, float] = {}
    for char in set(text) | {"…"}:
        widths[char] = font.getlength(char) + tracking
    if sum(widths[c] for c in text) <= width:
        return text
    kept, used = [], widths["…"]
    for char in text:
        if used + widths[char] > width:
            break
        kept.append(char)
        used += widths[char]
    return "".join(kept).rstrip() + "…"


def _width(text: str, font: card_fonts.Font) -> float:
    return font.getlength(text)


def _size_of(font: card_fonts.Font) -> int:
    return int(getattr(font, "size", 11))
