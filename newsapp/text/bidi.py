"""Bidirectional formatting controls: the characters that can make "gnp.exe" display as "exe.png".

The embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the deprecated
format controls beside them (U+206A–U+206F) reorder what follows them on screen without
changing the text. Right-to-left writing sometimes needs them, so article bodies keep them in
text that holds right-to-left letters; notes, titles, tags, names and source titles never
keep them. The marks (U+200E, U+200F, U+061C) only steer punctuation and stay.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u206a-\u206f]")
# Strong right-to-left letters: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and
# their presentation forms, and the right-to-left scripts of the supplementary planes.
_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def strip_bidi_controls(text: str) -> str:
    """`text` without any embedding, override or isolate control."""
    return BIDI_CONTROLS.sub("", text)


def keep_bidi_controls_for_rtl(text: str) -> str:
    """`text` as is when it holds right-to-left letters; otherwise without bidi controls."""
    if BIDI_CONTROLS.search(text) is None or _RIGHT_TO_LEFT.search(text):
        return text
    return BIDI_CONTROLS.sub("", text)
