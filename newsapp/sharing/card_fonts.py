"""Fonts for share cards: the packaged faces, and system fallbacks for scripts they lack.

Type comes from two OFL font packages on PyPI, read from their installed files: Source Serif 4
(``fontpkg-source-serif-4``) for the quote and Inter (``fontpkg-inter``) for everything else.
Without them the card still renders, in Pillow's scalable default face.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

FACES = {
    "serif": ("fontpkg_source_serif_4", "SourceSerif4[opsz,wght].ttf"),
    "serif-italic": ("fontpkg_source_serif_4", "SourceSerif4-Italic[opsz,wght].ttf"),
    "sans": ("fontpkg_inter", "Inter[opsz,wght].ttf"),
}
# System faces used, when installed, for text the packaged fonts have no glyphs for (CJK needs
# Debian's fonts-noto-cjk; DejaVu covers many other scripts). Without them such text shows boxes.
SYSTEM_FONTS = "/usr/share/fonts"
FALLBACKS = {
    ("serif", False): ("opentype/noto/NotoSerifCJK-Regular.ttc", "truetype/dejavu/DejaVuSerif.ttf"),
    ("serif", True): (
        "opentype/noto/NotoSerifCJK-Bold.ttc",
        "truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
    ("serif-italic", False): (
        "opentype/noto/NotoSerifCJK-Regular.ttc",
        "truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
    ("sans", False): ("opentype/noto/NotoSansCJK-Regular.ttc", "truetype/dejavu/DejaVuSans.ttf"),
    ("sans", True): ("opentype/noto/NotoSansCJK-Bold.ttc", "truetype/dejavu/DejaVuSans-Bold.ttf"),
}
NEVER_A_GLYPH = "\U0010fffd"


@cache
def font_file(face: str) -> str | None:
    package, filename = FACES[face]
    try:
        path = resources.files(package) / "files" / filename
    except ModuleNotFoundError:
        return None
    return str(path) if path.is_file() else None


def font_for(
    face: str, size: int, text: str, *, weight: int = 400, optical: int | None = None
) -> Font:
    """The packaged face, or the first installed fallback that has every glyph ``text`` needs."""
    needed = frozenset(c for c in text if not c.isspace())
    fallback = fallback_file(face, weight >= 600, needed)
    if fallback is not None:
        return _fixedfont(fallback, size)
    return font(face, size, weight=weight, optical=optical)


@cache
def fallback_file(face: str, bold: bool, needed: frozenset[str]) -> str | None:
    missing = [c for c in needed if not _has_glyph(_primary_key(face), c)]
    if not missing:
        return None
    for path in _fallback_files(face, bold=bold):
        if all(_has_glyph(path, c) for c in missing):
            return path
    return None


def _primary_key(face: str) -> str:
    return font_file(face) or f"default:{face}"


def _fallback_files(face: str, *, bold: bool) -> list[str]:
    candidates = FALLBACKS.get((face, bold)) or FALLBACKS.get((face, False), ())
    return [path for path in (f"{SYSTEM_FONTS}/{c}" for c in candidates) if _exists(path)]


@cache
def _exists(path: str) -> bool:
    return Path(path).is_file()


@cache
def _has_glyph(font_key: str, char: str) -> bool:
    """Whether the font draws ``char`` as something other than its missing-glyph box."""
    if font_key.startswith("default:"):
        probe = ImageFont.load_default(size=20)
    elif font_key.endswith(".ttc") or font_key.startswith(SYSTEM_FONTS):
        probe = _fixedfont(font_key, 20)
    else:
        probe = ImageFont.truetype(font_key, 20)
    return _glyph_print(probe, char) != _glyph_print(probe, NEVER_A_GLYPH)


def _glyph_print(font: Font, char: str) -> tuple[bytes, float]:
    canvas = Image.new("L", (48, 48))
    ImageDraw.Draw(canvas).text((8, 4), char, font=font, fill=255)
    return canvas.tobytes(), font.getlength(char)


@cache
def _fixedfont(path: str, size: int) -> Font:
    return ImageFont.truetype(path, size)


def font_signature() -> list[str]:
    packaged = [font_file(face) or "default" for face in FACES]
    fallbacks = sorted({p for key in FALLBACKS for p in _fallback_files(key[0], bold=key[1])})
    return [path.rsplit("/", 1)[-1] for path in packaged + fallbacks]


@cache
def font(face: str, size: int, *, weight: int = 400, optical: int | None = None) -> Font:
    path = font_file(face)
    if path is None:
        return ImageFont.load_default(size=size)
    font = ImageFont.truetype(path, size)
    axes = []
    for axis in font.get_variation_axes():
        name = axis["name"].decode() if isinstance(axis["name"], bytes) else str(axis["name"])
        wanted = weight if name.lower() == "weight" else (optical or size)
        axes.append(min(max(wanted, axis["minimum"]), axis["maximum"]))
    font.set_variation_by_axes(axes)
    return font
