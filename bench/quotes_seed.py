"""The product's own example: a plain-text article whose first line is its Title Case
headline, imported the way the app imports pasted text, then given to ``find_quotes``.

The headline repeats the speaker's surname among other capitalised words; the body names him
once in full with his role, and then quotes him by surname. The quoted line is the one in the
issue that reported the example; the rest of the article is ours.
"""

from __future__ import annotations

from newsapp.text.extract import canonical_text, text_to_html
from newsapp.text.quotes import FoundQuote, blocks_from_html, find_quotes

EXPECTED_SPEAKER = "Pete Hegseth"
QUOTED = (
    "We share the goal of a sovereign and prosperous Ukraine, but we must acknowledge that "
    "returning to pre-2014 borders is not feasible,"
)
ARTICLE = f"""Hegseth Believes Ukraine Retaking Pre-War Borders is Impractical

Allies gathered at the alliance headquarters on Wednesday expecting a pledge of new money and \
heard instead a warning about the limits of the war aims.

Addressing the room, US defence secretary Pete Hegseth said the talks would have to start \
from the line as it stands, not from the map as it was.

"{QUOTED}" Hegseth stated.

Several ministers left the meeting without speaking to reporters. A joint statement is \
expected on Thursday.
"""


def seed_quote() -> FoundQuote | None:
    """The example's quotation as found after a plain-text import, or None if it is missed."""
    body_html = text_to_html(ARTICLE)
    body_text = canonical_text(body_html)
    for quote in find_quotes(body_text, blocks_from_html(body_html)):
        if quote.text == QUOTED:
            return quote
    return None
