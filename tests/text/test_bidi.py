"""Bidirectional override controls never reach a reader, except in right-to-left article text."""

from __future__ import annotations

import pytest

from newsapp.text.extract import canonical_text
from newsapp.text.sanitize import clean_article_html, clean_plain_text, render_note

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
            "\u2069", "\u206a", "\u206f"]  # fmt: skip
SPOOF = "invoice-\u202egnp.exe"  # shows as "invoice-exe.png"


@pytest.mark.parametrize("control", CONTROLS)
def test_notes_lose_every_bidi_control(control):
    rendered = render_note(f"open {control}gnp.exe now")
    assert canonical_text(rendered) == "open gnp.exe now"


@pytest.mark.parametrize("control", CONTROLS)
def test_titles_tags_and_names_lose_every_bidi_control(control):
    assert clean_plain_text(f"Ana {control}Ruiz") == "Ana Ruiz"


def test_a_spoofed_file_name_reads_as_typed():
    assert clean_plain_text(SPOOF) == "invoice-gnp.exe"
    assert canonical_text(render_note(SPOOF)) == "invoice-gnp.exe"


def test_link_titles_and_image_text_lose_them_too():
    rendered = render_note(f"[{SPOOF}](https://a.test) and ![{SPOOF}](https://a.test/i.png)")
    assert "\u202e" not in rendered


def test_left_to_right_article_text_loses_them():
    cleaned = clean_article_html(f"<p>{SPOOF}</p>")
    assert cleaned == "<p>invoice-gnp.exe</p>"


def test_right_to_left_article_text_keeps_them():
    hebrew = "\u05e9\u05dc\u05d5\u05dd \u2067abc\u2069 \u05e2\u05d5\u05dc\u05dd"
    assert clean_article_html(f"<p>{hebrew}</p>") == f"<p>{hebrew}</p>"


def test_marks_that_only_steer_punctuation_stay():
    assert clean_plain_text("\u05e9\u05dc\u05d5\u05dd!\u200f") == "\u05e9\u05dc\u05d5\u05dd!\u200f"
