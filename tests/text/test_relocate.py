"""relocate: selectors carried across a revision with both texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.text.anchoring import Anchor, relocate, selector_for

OLD = (
    "The harbour council met on Tuesday evening.\n\n"
    "Engineers said the bridge could carry only half of its traffic. The ferry will run more "
    "often while the bridge is closed.\n\n"
    "A second vote is expected in the spring.\n\n"
    "Residents of the east bank asked for a footpath."
)


def select(text: str, words: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    return selector_for(text, start, start + len(words))


def test_text_before_the_span_changed_the_offsets_follow():
    new = "Late update. " + OLD
    [anchor] = relocate(OLD, new, [select(OLD, "asked for a footpath")])
    start = new.index("asked for a footpath")
    assert anchor == Anchor(start, start + len("asked for a footpath"), "quote", 1.0)


def test_a_span_before_the_edit_keeps_its_position():
    new = OLD.replace("in the spring", "in the autumn")
    [anchor] = relocate(OLD, new, [select(OLD, "Tuesday evening")])
    start = OLD.index("Tuesday evening")
    assert anchor == Anchor(start, start + len("Tuesday evening"), "position", 1.0)


def test_a_deleted_sentence_with_a_twin_elsewhere_is_orphaned():
    twin = "The ferry will run more often while the bridge is closed."
    old = OLD + "\n\n" + twin
    new = old.replace(" " + twin, "", 1)  # the first one goes; the last paragraph stays
    assert new.count(twin) == 1
    assert relocate(old, new, [select(old, twin, occurrence=0)]) == [None]


def test_the_twin_that_stayed_is_still_found():
    twin = "The ferry will run more often while the bridge is closed."
    old = OLD + "\n\n" + twin
    new = old.replace(" " + twin, "", 1)
    [anchor] = relocate(old, new, [select(old, twin, occurrence=1)])
    assert new[anchor.start : anchor.end] == twin


def test_a_moved_paragraph_is_followed():
    paragraphs = OLD.split("\n\n")
    new = "\n\n".join([paragraphs[0], paragraphs[2], paragraphs[3], paragraphs[1]])
    words = "could carry only half of its traffic"
    [anchor] = relocate(OLD, new, [select(OLD, words)])
    assert new[anchor.start : anchor.end] == words


def test_a_moved_and_edited_paragraph_is_followed():
    paragraphs = OLD.split("\n\n")
    edited = paragraphs[1].replace("Engineers said", "Engineers told the council")
    new = "\n\n".join([paragraphs[0], paragraphs[2], paragraphs[3], edited])
    words = "could carry only half of its traffic"
    [anchor] = relocate(OLD, new, [select(OLD, words)])
    assert new[anchor.start : anchor.end] == words


def test_a_word_edited_inside_the_span_anchors_on_the_edited_words():
    new = OLD.replace("could carry", "can carry")
    [anchor] = relocate(OLD, new, [select(OLD, "the bridge could carry only half")])
    assert new[anchor.start : anchor.end] == "the bridge can carry only half"
    assert anchor.method == "fuzzy"


def test_quote_marks_made_curly_keep_the_span():
    old = 'The mayor said "we will rebuild it" on Tuesday.'
    new = "The mayor said “we will rebuild it” on Tuesday."
    [anchor] = relocate(old, new, [select(old, 'said "we will rebuild it" on')])
    assert new[anchor.start : anchor.end] == "said “we will rebuild it” on"


def test_a_stale_position_is_found_in_the_old_text_first():
    selector = select(OLD, "asked for a footpath")
    selector["start"], selector["end"] = 3, 3 + len(selector["exact"])
    new = "Late update. " + OLD
    [anchor] = relocate(OLD, new, [selector])
    assert new[anchor.start : anchor.end] == "asked for a footpath"


def test_words_missing_from_the_old_text_are_located_on_the_new_text_alone():
    orphan = {"exact": "a new footbridge", "prefix": "council approved ", "suffix": " on"}
    new = OLD + "\n\nThe council approved a new footbridge on Friday."
    [anchor] = relocate(OLD, new, [orphan])
    assert new[anchor.start : anchor.end] == "a new footbridge"


def test_empty_or_invalid_selectors_are_orphaned():
    assert relocate(OLD, OLD, [{"exact": ""}, {"exact": None}, {}]) == [None, None, None]


# -- Properties ------------------------------------------------------------------------------

WORDS = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
SENTENCES = st.lists(WORDS, min_size=1, max_size=8).map(lambda words: " ".join(words) + ".")
PARAGRAPHS = st.lists(SENTENCES, min_size=1, max_size=4).map(" ".join)
TEXTS = st.lists(PARAGRAPHS, min_size=1, max_size=6).map("\n\n".join)


@settings(max_examples=60, deadline=None)
@given(text=TEXTS, data=st.data())
def test_an_unchanged_text_returns_the_original_offsets(text, data):
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    [anchor] = relocate(text, text, [selector_for(text, start, end)])
    assert (anchor.start, anchor.end) == (start, end)


# Words from letters the rest of the text never uses: deleting them deletes every copy.
GONE_WORDS = st.text(alphabet="klmnopqrst", min_size=1, max_size=6)
GONE = st.lists(GONE_WORDS, min_size=1, max_size=8).map(lambda words: " ".join(words) + ".")


@settings(max_examples=60, deadline=None)
@given(before=TEXTS, gone=GONE, after=TEXTS, data=st.data(), own_paragraph=st.booleans())
def test_a_span_whose_words_were_all_deleted_is_orphaned(before, gone, after, data, own_paragraph):
    joint = "\n\n" if own_paragraph else " "
    old = before + joint + gone + joint + after
    new = before + joint + after
    offset = len(before) + len(joint)
    start = data.draw(st.integers(min_value=offset, max_value=offset + len(gone) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=offset + len(gone)))
    assert relocate(old, new, [selector_for(old, start, end)]) == [None]
