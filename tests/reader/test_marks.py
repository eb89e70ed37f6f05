"""Where a highlight's <mark> is decided: one function over typed marks."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.reader.marks import CONTEXT, NOTE, QUOTE, TOP, Mark, attributes, render_marks
from newsapp.text.extract import canonical_text

HTML = "<p>The minister said the border plan is not feasible.</p><p>Critics disagreed.</p>"
TEXT = canonical_text(HTML)


def span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def marks_in(body) -> list[str]:
    return re.findall(r"<mark[^>]*>", body.html)


def test_a_note_mark_is_a_highlight_with_its_number_colour_and_named_keyboard_stop():
    body = render_marks(
        HTML, [Mark(NOTE, "abc", *span("border plan"), kind="claim", label="alice")]
    )
    assert marks_in(body) == [
        '<mark class="hl hl-claim" data-ids="0" id="hl-abc" tabindex="0" aria-details="note-abc" '
        'role="group" aria-label="Claim by alice">'
    ]
    assert body.note_keys == ["abc"]


def test_overlapping_notes_share_a_piece_and_only_their_first_pieces_are_stops():
    body = render_marks(
        HTML,
        [
            Mark(NOTE, "b", *span("the border plan"), kind="note", label="bruno"),
            Mark(NOTE, "a", *span("border plan is"), kind="claim", label="alice"),
        ],
    )
    tags = marks_in(body)
    # Notes are numbered by where they start: "b" (the border plan) before "a" (border plan is).
    assert body.note_keys == ["b", "a"]
    assert tags[0] == (
        '<mark class="hl hl-note" data-ids="0" id="hl-b" tabindex="0" aria-details="note-b" '
        'role="group" aria-label="Note by bruno">'
    )
    # Both cover "border plan": the overlap lists both and takes the earlier note's colour;
    # its name says it opens both notes.
    assert tags[1] == (
        '<mark class="hl hl-note hl-overlap" data-ids="0 1" id="hl-a" tabindex="0" '
        'aria-details="note-a" role="group" aria-label="Note, claim by bruno and alice, 2 notes">'
    )
    assert tags[2] == '<mark class="hl hl-claim" data-ids="1">'


def test_a_piece_under_many_notes_stays_small():
    _, end = span("border plan")
    # Notes starting one character apart, all ending after "plan", which is a quote.
    notes = [Mark(NOTE, f"public-id-{n:04d}", n, end, kind="note") for n in range(25)]
    plan = Mark(QUOTE, 1, end - 4, end, label="Ana Ruiz")
    last = marks_in(render_marks(HTML, [*notes, plan]))[-1]
    assert last.startswith('<mark class="hl hl-note hl-overlap" data-ids="0 1 2 3 ')
    assert "public-id" not in last  # numbers, not public ids, for every note over it
    assert len(last) < 220


def test_a_quote_in_parts_is_marked_with_its_speaker_and_anchored_at_its_first_part():
    first, second = span("The minister"), span("not feasible")
    body = render_marks(
        HTML,
        [
            Mark(QUOTE, 7, *first, part=0, label="Ana Ruiz"),
            Mark(QUOTE, 7, *second, part=1, label="Ana Ruiz"),
        ],
    )
    assert marks_in(body) == [
        '<mark class="q" data-ids="" data-quote="7" title="Quote: Ana Ruiz" '
        'data-speaker="Ana Ruiz" id="q-7">',
        '<mark class="q" data-ids="" data-quote="7" title="Quote: Ana Ruiz" '
        'data-speaker="Ana Ruiz">',
    ]


def test_a_highlight_name_counts_its_notes_and_names_each_author_once():
    words = span("border plan")
    notes = [
        Mark(NOTE, "n1", *words, kind="highlight", label="alice"),
        Mark(NOTE, "n2", *words, kind="highlight", label="alice"),
    ]
    numbers = {"n1": 0, "n2": 1}
    assert attributes(notes, notes, numbers=numbers)["aria-label"] == "Highlight by alice, 2 notes"


def test_only_a_notes_first_piece_is_named():
    first, rest = span("border plan"), span("is not feasible")
    numbers = {"n1": 0}
    attrs = attributes([Mark(NOTE, "n1", *rest, kind="claim", label="alice")], [], numbers=numbers)
    assert "aria-label" not in attrs
    first_piece = attributes(
        [Mark(NOTE, "n1", *first, kind="claim")], [Mark(NOTE, "n1", *first)], numbers=numbers
    )
    assert first_piece["aria-label"] == "Claim"


def test_a_quote_without_a_speaker_says_so():
    attrs = attributes([Mark(QUOTE, 3, 0, 5)], [], numbers={})
    assert attrs["data-speaker"] == "Speaker unknown"


def test_a_note_on_a_quote_keeps_both_and_the_target_is_emphasised():
    words = span("border plan")
    covering = [Mark(NOTE, "n1", *words, kind="quote"), Mark(QUOTE, 2, *words, label="X")]
    attrs = attributes(covering, covering, numbers={"n1": 0}, target_key="n1")
    assert attrs["class"] == "hl hl-quote hl-target"
    assert attrs["data-quote"] == "2"
    assert attrs["id"] == "hl-n1"  # the note's stop wins over the quote's anchor


def test_context_marks_the_whole_claim_and_puts_the_badge_at_its_end():
    start, end = span("not feasible")
    body = render_marks(
        HTML,
        [Mark(NOTE, "c1", start, end, kind="claim"), Mark(CONTEXT, "c1", end - 1, end)],
    )
    tags = marks_in(body)
    assert tags[0].startswith('<mark class="hl hl-claim hl-context" data-ids="0"')
    assert tags[1].startswith('<mark class="hl hl-claim hl-context hl-context-end"')


def test_no_marks_leave_the_html_untouched():
    assert render_marks(HTML, []).html == HTML
    assert render_marks(HTML, [Mark(NOTE, "x", 5, 5)]).html == HTML  # empty span


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([NOTE, QUOTE, CONTEXT]),
            st.integers(0, len(TEXT)),
            st.integers(1, 20),
        ),
        max_size=12,
    )
)
def test_marks_never_change_the_text(specs):
    marks = [
        Mark(layer, f"k{number}" if layer != QUOTE else number, start, start + length)
        for number, (layer, start, length) in enumerate(specs)
    ]
    assert canonical_text(render_marks(HTML, marks).html) == TEXT


# --- top highlights ----------------------------------------------------------------------------


def top_marks(words: str, readers: int, key: str = "top-0") -> list[Mark]:
    start, end = span(words)
    return [
        Mark(TOP, key, start, end, count=readers),
        Mark(TOP, key, end - 1, end, part=1, count=readers),
    ]


def test_a_top_highlight_alone_is_a_quiet_mark_with_its_count_and_a_badge_at_the_end():
    body = render_marks(HTML, top_marks("border plan", 4))
    first, last = marks_in(body)
    assert 'class="top hl-top"' in first
    assert 'data-top="4"' in first
    assert 'data-ids=""' in first  # nothing for the note script to open
    assert "tabindex" not in first
    assert 'class="top hl-top hl-top-end"' in last
    assert 'title="Top highlight: 4 readers highlighted these words"' in last
    assert canonical_text(body.html) == TEXT


def test_a_top_highlight_over_a_note_adds_to_the_notes_mark():
    marks = [
        Mark(NOTE, "abc", *span("border plan"), kind="highlight"),
        *top_marks("border plan", 3),
    ]
    first, last = marks_in(render_marks(HTML, marks))
    assert first.startswith('<mark class="hl hl-highlight hl-top" data-ids="0"')
    assert "title=" not in first  # the note explains it
    assert "hl-top-end" in last
    assert 'title="Top highlight: 3 readers' in last


def test_a_quotes_speaker_keeps_the_title_over_a_top_highlight():
    marks = [Mark(QUOTE, 7, *span("border plan"), label="Ana Ruiz"), *top_marks("border plan", 3)]
    first, _ = marks_in(render_marks(HTML, marks))
    assert 'class="q hl-top"' in first
    assert 'title="Quote: Ana Ruiz"' in first
