from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from newsapp.sharing import card_fonts, cards
from newsapp.sharing.cards import CARD_SIZE, CardContent, card_cache_key, render_card

QUOTE_AREA = (cards.MARGIN_X - 60, cards.HEADER_BOTTOM, CARD_SIZE[0], cards.FOOTER_RULE_Y)
FOOTER_AREA = (0, cards.FOOTER_RULE_Y + 4, CARD_SIZE[0], CARD_SIZE[1])

HARBOUR = CardContent(
    quote="We will reopen the old harbour by spring.",
    speaker="Adaeze Okafor",
    article_title="Harbour vote splits the council after a decade of delays",
    source_name="The Harbour Daily",
    note_first_line="Same promise as in 2029 — see **the audit**.",
    kind="quote",
)
LONG = dataclasses.replace(
    HARBOUR,
    quote=" ".join(
        f"Clause {n} of the harbour plan moves the dredging budget to project {n + 1}."
        for n in range(60)
    ),
    kind="claim",
)


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image.convert("RGB")


def count_pixels(image: Image.Image, box, predicate) -> int:
    return int(predicate(np.asarray(image.crop(box), dtype=np.int32)).sum())


def is_ink(pixels: np.ndarray) -> np.ndarray:
    return pixels.sum(axis=-1) < 200


def is_highlighter(pixels: np.ndarray) -> np.ndarray:
    return (pixels == np.array(cards.HIGHLIGHTER)).all(axis=-1)


def test_card_is_a_1200_by_630_png():
    image = open_png(render_card(HARBOUR))
    assert image.size == (1200, 630)


def test_card_has_paper_ink_and_highlighter():
    image = open_png(render_card(HARBOUR))
    assert image.getpixel((5, 5)) == cards.PAPER
    assert len(image.getcolors(maxcolors=100_000)) > 50
    assert count_pixels(image, QUOTE_AREA, is_ink) > 5_000
    assert count_pixels(image, QUOTE_AREA, is_highlighter) > 20_000
    assert count_pixels(image, FOOTER_AREA, is_ink) > 500


def test_a_card_is_an_indexed_png_small_enough_for_link_previews():
    """Five colours and their blends: 8 bits a pixel, its colours kept (the test above)."""
    for card in (HARBOUR, LONG):
        data = render_card(card)
        assert Image.open(io.BytesIO(data)).mode == "P"
        assert len(data) < 32_000  # 50 to 72 KB as 24-bit RGB


def test_same_card_gives_the_same_bytes_and_key():
    assert render_card(HARBOUR) == render_card(dataclasses.replace(HARBOUR))
    assert card_cache_key(HARBOUR) == card_cache_key(dataclasses.replace(HARBOUR))


@pytest.mark.parametrize(
    "change",
    [
        {"quote": "We will reopen the old harbour by summer."},
        {"speaker": None},
        {"speaker": "Tomás Ruiz"},
        {"article_title": "Another title"},
        {"source_name": "Coastal Courier"},
        {"note_first_line": None},
        {"kind": "claim"},
    ],
)
def test_every_field_changes_the_image_and_the_key(change):
    other = dataclasses.replace(HARBOUR, **change)
    assert render_card(other) != render_card(HARBOUR)
    assert card_cache_key(other) != card_cache_key(HARBOUR)


def test_cache_key_is_a_sha256_hex_digest():
    key = card_cache_key(HARBOUR)
    assert len(key) == 64
    int(key, 16)


def test_long_quote_shrinks_and_stays_above_the_footer():
    short_image = open_png(render_card(HARBOUR))
    long_image = open_png(render_card(LONG))
    assert long_image.size == CARD_SIZE
    assert count_pixels(long_image, FOOTER_AREA, is_highlighter) == 0
    assert count_pixels(long_image, QUOTE_AREA, is_ink) > count_pixels(
        short_image, QUOTE_AREA, is_ink
    )
    short_bands, long_bands = highlighter_bands(short_image), highlighter_bands(long_image)
    assert len(short_bands) == 2
    assert len(long_bands) > 4
    assert max(long_bands) < min(short_bands) / 2


def highlighter_bands(image: Image.Image) -> list[int]:
    """Heights of the highlighter bands met walking down the left edge of the quote."""
    column = np.asarray(image, dtype=np.int32)[: cards.FOOTER_RULE_Y, cards.MARGIN_X - 6]
    marked = is_highlighter(column)
    bands, run = [], 0
    for flag in marked:
        if flag:
            run += 1
        elif run:
            bands.append(run)
            run = 0
    return [height for height in bands if height >= 8 and height < 200]


@pytest.mark.parametrize(
    "card",
    [
        CardContent(quote="", article_title="", source_name=""),
        CardContent(quote="   \n\t ", article_title="Only a title", source_name="Desk"),
        CardContent(quote="“”", article_title="", source_name="", speaker="", note_first_line=""),
        CardContent(
            quote="W" * 3000,
            article_title="T" * 500,
            source_name="S" * 500,
            speaker="X" * 500,
            note_first_line="# " + "n" * 800,
        ),
        CardContent(
            quote="« Nous rouvrirons la crèche à Noël », a déclaré la maire.",
            speaker="Élodie Marchand-Côté",
            article_title="Crèches : la ville promet une réouverture",
            source_name="Le Journal du Littoral",
            note_first_line="Coût « maîtrisé » — aucun chiffre donné.",
            kind="note",
        ),
        CardContent(
            quote="市议会周二投票决定重新开放旧港口，结束了十年的拖延。",
            speaker="王小明",
            article_title="港口投票",
            source_name="新闻",
            kind="quote",
        ),
        CardContent(quote="Fans replied 🎉🚢 and ❤️", article_title="Emoji", source_name="Web"),
    ],
    ids=["empty", "blank quote", "bare marks", "huge", "accents", "cjk", "emoji"],
)
def test_odd_inputs_render_a_full_card(card):
    image = open_png(render_card(card))
    assert image.size == CARD_SIZE
    assert count_pixels(image, (0, 0, CARD_SIZE[0], cards.HEADER_BOTTOM), is_ink) > 200


def test_blank_quote_puts_the_title_on_stage():
    card = CardContent(quote=" ", article_title="Glacier study maps retreat", source_name="Desk")
    image = open_png(render_card(card))
    assert count_pixels(image, QUOTE_AREA, is_highlighter) > 10_000


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        CardContent(quote="q", article_title="t", source_name="s", kind="rumour")


@pytest.mark.parametrize(
    ("face", "family"),
    [("serif", "Source Serif 4"), ("serif-italic", "Source Serif 4"), ("sans", "Inter")],
)
def test_cards_are_set_in_the_packaged_faces(face, family):
    """The lookup finds the pinned font packages' files (else cards fall back to Pillow's face)."""
    assert card_fonts.font(face, 40).getname()[0] == family


def test_quote_is_set_in_source_serif_and_the_title_in_inter(monkeypatch):
    """The faces the card's font lookup finds in the packaged fonts, not a fallback."""
    drawn: list[tuple[str, tuple[str, str]]] = []
    draw_text = ImageDraw.ImageDraw.text

    def recording(self, xy, text, *args, **kwargs):
        if self.im.size == CARD_SIZE:  # not the glyph probes the lookup draws
            drawn.append((text, kwargs["font"].getname()))
        return draw_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", recording)
    render_card(HARBOUR)
    faces = dict(drawn)
    assert faces["“We will reopen the"] == ("Source Serif 4", "Regular")
    assert faces["old harbour by spring.”"] == ("Source Serif 4", "Regular")
    assert faces["Same promise as in 2029 — see the audit."] == ("Source Serif 4", "Italic")
    assert faces[HARBOUR.article_title] == ("Inter", "Regular")


def test_missing_font_packages_fall_back_gracefully(monkeypatch):
    caches = [card_fonts.font, card_fonts.font_file, card_fonts.fallback_file]
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setitem(card_fonts.FACES, "serif", ("not_an_installed_font_package", "x.ttf"))
    monkeypatch.setitem(card_fonts.FACES, "sans", ("not_an_installed_font_package", "y.ttf"))
    try:
        fallback = render_card(HARBOUR)
        image = open_png(fallback)
        assert image.size == CARD_SIZE
        assert count_pixels(image, QUOTE_AREA, is_ink) > 2_000
        assert card_cache_key(HARBOUR) != _key_with_real_fonts(monkeypatch, caches)
    finally:
        for cached in caches:
            cached.cache_clear()


def _key_with_real_fonts(monkeypatch, caches) -> str:
    monkeypatch.undo()
    for cached in caches:
        cached.cache_clear()
    return card_cache_key(HARBOUR)
