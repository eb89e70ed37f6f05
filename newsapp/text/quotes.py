"""Find the quotations in an article's canonical text and who said them.

`find_quotes(text)` returns the direct quotations (speech) in document order. It works on the
text alone; `find_quotes(body_text, blocks_from_html(body_html))` also knows the paragraph,
heading and block-quote boundaries exactly. `quote_similarity` matches the same quotation
across articles despite small wording changes; `speaker_slug` keys a speaker for URLs.

Conventions:

- Offsets are code points into `text`. `start`/`end` cover the quoted words only: the quote
  marks are never included, and the whitespace just inside them is trimmed.
- One quotation is one `FoundQuote`, even when it is interrupted by its attribution
  ("“We will not,” she said, “go back.”") or runs over several paragraphs (the opening mark
  repeated at each paragraph, no closing mark until the last). `parts` holds the quoted
  stretches; `text` is those stretches joined by one space, that is the words spoken without
  the attribution. For a one-part quote `text == original[start:end]`; for several parts
  `start..end` also covers what lies between them.
- A block quote without quote marks is a quotation when the blocks say so, or when it is a
  paragraph introduced by a paragraph that ends with a speech verb and a colon.
- Nested quotes are part of the outer quotation. Scare quotes and titles of works are not
  speech: `find_quotes(..., include_other=True)` also returns them, with `kind` "scare" or
  "title".
- The speaker is resolved to the fullest name the article gives ("Okafor" -> "Adaeze
  Okafor"; "the minister" -> the one minister named; "she" -> the nearest compatible person).
  When that is ambiguous or unknown, `speaker` is None and `speaker_as_written` still says
  what the article wrote.

Everything is linear in the length of the text: one pass pairs the marks with a stack, and
each quotation looks only at a bounded window around it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from xml.etree.ElementTree import Element

import html5lib
from rapidfuzz import fuzz


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Two quotes whose `quote_similarity` reaches this are taken to be the same quotation.
SAME_QUOTE_THRESHOLD = 0.75

QUOTE_MARKS = "\"'“”„‟«»‹›‘’‚‛"
_CLOSERS_FOR = {
    "“": '”"',
    "„": '“”"',
    "‟": '”"',
    "”": "”",
    '"': '"”',
    "«": "»",
    "»": "«»",
    "‘": "’'",
    "‚": "‘’'",
    "‛": "’'",
    "'": "'’",
    "‹": "›",
    "›": "‹›",
}
_OPENERS_FOR: dict[str, str] = {}
for _opener, _closers in _CLOSERS_FOR.items():
    for _closer in _closers:
        _OPENERS_FOR[_closer] = _OPENERS_FOR.get(_closer, "") + _opener
_OPEN_AFTER = frozenset("([{<—–-/:") | frozenset(QUOTE_MARKS)
_CLOSE_BEFORE = frozenset(".,;:!?)]}>—–-/…") | frozenset(QUOTE_MARKS)
_NO_OPEN_BEFORE = frozenset(".,;:!?)]}")
_ELISIONS = frozenset({"em", "tis", "twas", "n", "til", "cause", "bout", "round", "s"})
_TERMINAL = ".!?…"
# Stands in for a quotation's words in the masked text, so windows never read inside quotes.
_MASK = "\ue000"

_SPEECH_VERBS = _wordset(
    """said says say saying stated states told tells added adds adding warned warns argued
    argues insisted insists noted notes wrote writes asked asks replied replies continued
    continues explained explains declared declares remarked observed recalled recalls
    acknowledged admitted admits conceded cautioned complained countered responded responds
    suggested stressed emphasised emphasized announced claimed claims predicted urged joked
    concluded maintained reiterated posted tweeted described describes shouted whispered
    answered testified confirmed promised vowed pledged mused protested objected thundered
    reported recounted calls called"""
) | _wordset(
    # The commonest reporting verbs of French, German, Spanish and Italian news text, for
    # quotations in « », „ “ and » « that come with their own language's attribution.
    """dit déclaré déclare affirmé affirme ajouté ajoute expliqué explique estimé estime
    souligné souligne indiqué indique assuré assure précisé précise répondu répond confié
    sagte sagt erklärte erklärt betonte betont meinte warnte schrieb fügte dijo afirmó
    declaró explicó añadió aseguró señaló detto dichiarato spiegato aggiunto sa sade säger
    sagde siger sier zei zegt powiedział powiedziała dodał dodała"""
)
# "selon X", "laut X", "según X", "secondo X": the single-word forms of "according to".
_ACCORDING_WORDS = frozenset({"selon", "laut", "según", "secondo"})
# A French or Italian auxiliary before a past participle ("a déclaré", "ha detto").
_AUXILIARIES = frozenset({"a", "ha"})
_NO_INVERSION = frozenset({"told", "tells", "described", "describes", "posted", "saying"})
_PRONOUNS = {
    "he": "m", "she": "f", "they": None, "i": None, "we": None, "it": None,
    "er": "m", "il": "m", "elle": "f", "han": "m", "hon": "f", "hun": "f",
}  # fmt: skip
_SKIPPABLE = _wordset(
    """later also then again once has had have would will did does simply quietly flatly
    firmly bluntly repeatedly previously recently earlier now just still only been first
    finally further since already"""
)
_DETERMINERS = frozenset(
    {"the", "its", "his", "her", "their", "our", "this", "that", "la", "le", "der", "die", "el"}
)
_INDEFINITES = frozenset(
    {"a", "an", "one", "another", "some", "several", "two", "three", "many", "most", "both"}
)
_STOP_WORDS = _wordset(
    """at of in for with from on by to who whose which where when that and or but as into
    after before during outside inside under over about than while because"""
)
_TITLE_NOUNS = _wordset(
    """book novel film movie documentary report song album play series show essay poem
    article paper study column journal magazine newspaper podcast episode exhibition opera
    memoir painting programme program single track musical anthology collection blog
    newsletter manifesto speech lecture sculpture symphony ballet game app"""
)
_NAMING_VERBS = frozenset({"titled", "entitled", "called", "named", "dubbed", "headlined"})
_ROLE_TITLES = _wordset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend father sister
    mayor governor minister president premier chancellor secretary senator sen
    representative rep councillor councilor councilman councilwoman alderman judge justice
    general gen colonel col captain capt lieutenant lt sergeant sgt admiral commander
    ambassador envoy commissioner inspector detective superintendent bishop archbishop
    rabbi imam pope king queen prince princess sheikh speaker director dean coach chief
    chairman chairwoman chair spokesman spokeswoman spokesperson ministre ministerin
    ministern ministro ministra président présidente präsident präsidentin presidente
    kanzler kanzlerin bürgermeister bürgermeisterin maire alcalde alcaldesa sindaco
    sprecher sprecherin porte-parole landrat landrätin constable sheriff marshal warden
    deputy vice"""
)
# Compound titles (German "Verteidigungsministerin") end with one of these.
_ROLE_SUFFIXES = ("minister", "ministerin", "präsident", "präsidentin", "sprecher", "sprecherin")
_HONORIFIC_GENDER = {
    "mr": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m", "father": "m",
    "councilman": "m", "chairman": "m", "spokesman": "m",
    "mrs": "f", "ms": "f", "miss": "f", "dame": "f", "lady": "f", "queen": "f",
    "princess": "f", "sister": "f", "councilwoman": "f", "chairwoman": "f",
    "spokeswoman": "f",
}  # fmt: skip
_ROLE_SYNONYMS = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "prof": "professor"}
_ABBREVIATIONS = _wordset(
    """mr mrs ms mx dr prof st gen col lt sgt capt rev sen rep gov jr sr no vs mt ft inc ltd
    co corp dept univ approx"""
)
_NOT_NAMES = _wordset(
    """the a an in on at but and for if when while after before since although as by from
    with without of to it he she they we i you this that these those there here outside
    inside most many some each every not nobody everyone according asked yet so then still
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december officials analysts residents
    critics experts economists scientists researchers investors police witnesses others
    both neither all none few several negotiators monitors councillors traders selon laut
    según secondo er sie es il elle ils elles le la les der die das den dem el los las un
    une ein eine han hon hun montag dienstag mittwoch donnerstag freitag samstag sonntag
    lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves
    viernes sábado domingo lunedì martedì mercoledì giovedì venerdì sabato domenica"""
)
# Short words of other languages that sit between a name and a date ("Sieber am Mittwoch").
_FOREIGN_FUNCTION_WORDS = _wordset("am im um an auf vom zum beim en au aux dans sur del nel per")
_NOT_PERSON_LAST = _wordset(
    """bank ministry institute university council union agency committee fund office
    department party army forces court parliament assembly group association company corp
    inc ltd commission organisation organization centre center observatory school hospital
    times ledger post news review courier gazette wire herald tribune observer record
    journal letters street road lane square avenue bridge park river glacier sea ocean lake
    mountains alps valley city republic kingdom federation nations states research workers
    airport station museum library church cathedral market hall house club league
    cup"""
)
_PLACE_FIRST = _wordset("port mount lake fort cape north south east west upper lower new saint st")
_PARTICLES = "van|von|der|den|de|da|di|du|del|della|la|le|al|bin|ibn|el|dos|das|ter|ten|af|zu"
_PARTICLE_SET = frozenset(_PARTICLES.split("|"))
_GENDER_PRONOUN_RE = re.compile(r"\b(?:(he|him|his|himself)|(she|her|hers|herself))\b", re.I)


def _uppercase_class() -> str:
    """A character class of every uppercase letter in the Basic Multilingual Plane."""
    ranges: list[str] = []
    start = previous = None
    for code in range(0x10000):
        if chr(code).isupper():
            if previous is not None and code == previous + 1:
                previous = code
                continue
            if start is not None:
                ranges.append(_range(start, previous))
            start = previous = code
    if start is not None:
        ranges.append(_range(start, previous))
    return "[" + "".join(ranges) + "]"


def _range(first: int | None, last: int | None) -> str:
    assert first is not None and last is not None
    return re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")


_UPPER = _uppercase_class()
_NAME_WORD = rf"{_UPPER}[^\W_]*(?:[’'\-][^\W\d_]+)*\.?"
_NAME_RE = re.compile(
    rf"(?<![\w’'\-]){_NAME_WORD}(?:[ \u00a0](?:(?:{_PARTICLES})[ \u00a0])*{_NAME_WORD})*"
)
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[^\w\s]")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s)")
_WORD_RE = re.compile(r"[^\W\d_]+")
_BOUNDARY_RE = re.compile(r"[.!?…][\"'”’»)\]]*\s+|\n+")
_HINT_WORDS = _SPEECH_VERBS | _ACCORDING_WORDS | {"according", "words"}


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """One quotation. See the module docstring for what the offsets and `text` cover."""

    start: int
    end: int
    text: str
    speaker: str | None
    speaker_as_written: str | None = None
    verb: str | None = None
    parts: tuple[tuple[int, int], ...] = ()
    kind: str = "speech"
    # How the speaker was found: "after" (“…,” she said), "before" (She said: “…”),
    # "interrupted" (“…,” she said, “…”), "according to" (later in the sentence),
    # "continuation" (a further quote after an attributed one), "same sentence",
    # "previous sentence" (Okafor said the talks had stalled. “…”), or None.
    attribution: str | None = None


@dataclass(slots=True)
class _Span:
    open_pos: int  # index of the opening mark, or the block's start
    close_pos: int  # index of the closing mark, or the block's end
    parts: list[tuple[int, int]]
    para_first: int
    para_last: int
    block: bool = False
    gap_attribution: _Attribution | None = None


@dataclass(slots=True)
class _Attribution:
    speaker_tokens: list[str] | None  # None: no speaker named
    kind: str  # "name", "role", "pronoun", "indefinite", "none"
    written: str | None
    verb: str | None
    position: int
    end: int  # end of the sentence holding the attribution


class _Phrase(NamedTuple):
    kind: str  # "name", "role", "pronoun", "indefinite"
    words: list[str]
    first: int  # token indices: the phrase is tokens[first:stop]
    stop: int


# -- Public API ---------------------------------------------------------------------------


def find_quotes(
    text: str,
    blocks: Iterable[tuple[int, int, str]] | None = None,
    *,
    include_other: bool = False,
) -> list[FoundQuote]:
    """The quotations in `text`, in document order.

    `blocks`, when given, are the text ranges of the article's leaf blocks in order, each
    `(start, end, kind)` with kind the element name: "blockquote" for text inside a block
    quote, "h1".."h6" for headings, anything else for ordinary paragraphs. Without them,
    lines of `text` are the paragraphs.
    """
    paragraphs = _paragraphs(text, blocks)
    spans = _pair_marks(text, paragraphs)
    spans = _add_block_quotes(text, paragraphs, spans, blocks is not None)
    masked = _mask(text, spans)
    spans = _merge_interrupted(text, masked, spans)
    people = _People(text, masked)
    return _Resolver(text, masked, paragraphs, people).run(spans, include_other)


def normalize_quote(text: str) -> str:
    """`text` reduced for comparison: compatibility-normalised, case-folded, quote marks,
    apostrophes and punctuation removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[’'‘`´ʼ]", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def quote_similarity(a: str, b: str) -> float:
    """0..1: how alike two quotations are after `normalize_quote`, tolerant of the small
    wording and word-order changes between outlets. At least `SAME_QUOTE_THRESHOLD` means
    the same quotation."""
    left, right = normalize_quote(a), normalize_quote(b)
    if not left or not right:
        return 1.0 if left == right else 0.0
    return max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right)) / 100.0


def speaker_slug(name: str) -> str:
    """A URL-safe key for a speaker: accents folded, lower case, words joined by hyphens
    ("Radomír Šťastný" -> "radomir-stastny"). Letters of other scripts are kept."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.translate(str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                                             "ß": "ss", "đ": "d", "Đ": "D", "ł": "l",
                                             "Ł": "L", "þ": "th", "ı": "i"}))  # fmt: skip
    words = re.findall(r"[^\W_]+", folded.lower())
    return "-".join(words)


_LEAF_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figcaption", "td", "th", "dt", "dd"}
)


def blocks_from_html(clean_html: str) -> list[tuple[int, int, str]]:
    """The `blocks` argument of `find_quotes` for an article's sanitised HTML: each leaf
    block's `(start, end, kind)` in offsets of `canonical_text(clean_html)`, with kind
    "blockquote" for blocks inside a block quote and the element name otherwise.

    The walk mirrors `newsapp.text.extract.canonical_text` (html5lib fragment parser, every
    text node in order) so the offsets agree with the stored `body_text`."""
    if not clean_html:
        return []
    root = html5lib.parseFragment(
        clean_html, container="div", treebuilder="etree", namespaceHTMLElements=False
    )
    blocks: list[tuple[int, int, str]] = []
    length = _walk_blocks(root, 0, False, blocks)
    blocks.sort()
    # Text outside any block (bare text, a <div> of inline content) is a paragraph too.
    text = _text_of(root)
    filled: list[tuple[int, int, str]] = []
    cursor = 0
    for start, end, kind in [*blocks, (length, length, "")]:
        if text[cursor:start].strip():
            filled.append((cursor, start, "div"))
        if kind:
            filled.append((start, end, kind))
        cursor = end
    return filled


def _walk_blocks(
    element: Element, offset: int, quoted: bool, blocks: list[tuple[int, int, str]]
) -> int:
    """Appends the innermost blocks under `element`; returns the offset after it."""
    tag = element.tag if isinstance(element.tag, str) else ""
    quoted = quoted or tag == "blockquote"
    start, inner = offset, len(blocks)
    if element.text:
        offset += len(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag != "template":
            offset = _walk_blocks(child, offset, quoted, blocks)
        if child.tail:
            offset += len(child.tail)
    innermost = len(blocks) == inner
    if innermost and offset > start and (tag in _LEAF_BLOCKS or tag == "blockquote"):
        blocks.append((start, offset, "blockquote" if quoted else tag))
    return offset


def _text_of(element: Element) -> str:
    parts: list[str] = []
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag != "template":
            parts.append(_text_of(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


# -- Paragraphs and marks ------------------------------------------------------------------


def _paragraphs(
    text: str, blocks: Iterable[tuple[int, int, str]] | None
) -> list[tuple[int, int, str]]:
    if blocks is None:
        return [(m.start(), m.end(), "p") for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    result = []
    for start, end, kind in sorted(blocks):
        segment = text[start:end]
        if segment.strip():
            lead = len(segment) - len(segment.lstrip())
            result.append((start + lead, start + len(segment.rstrip()), kind.lower()))
    return result


def _flanking_re() -> re.Pattern[str]:
    """Each mark that may open or close, with its flanking decided by the regex engine.

    Group 1: "both"; group 2: "left" (can open: space or opening punctuation before, a word
    after); group 3: "right" (can close). Guillemets also match with no group, since French
    spacing (« … ») leaves them flanked by spaces. Marks inside words (don’t) never match.
    The pattern starts with the mark itself so the engine skips ahead to candidates; the
    look-behinds span the character before and the mark (or the start of the text)."""
    marks = re.escape(QUOTE_MARKS)
    opening = re.escape("".join(sorted(_OPEN_AFTER)))
    opening_solid = re.escape("".join(sorted(_OPEN_AFTER - frozenset("([{"))))
    closing = re.escape("".join(sorted(_CLOSE_BEFORE)))
    closing_solid = re.escape("".join(sorted(_CLOSE_BEFORE - _NO_OPEN_BEFORE)))
    no_open = re.escape("".join(sorted(_NO_OPEN_BEFORE)))
    return re.compile(
        rf"[{marks}](?:"
        rf"((?<=[{opening_solid}][{marks}])(?=[{closing_solid}]))"
        rf"|((?:(?<=[\s{opening}][{marks}])|(?<=^[{marks}]))(?=[^\s{no_open}]))"
        rf"|((?<=[^\s(\[{{][{marks}])(?=[\s{closing}]|$)))"
        r"|[«»‹›]"
    )


_FLANKED_MARK_RE = _flanking_re()
_CAN_OPEN = (False, True, True, False)  # indexed by the group that matched (0: none)
_CAN_CLOSE = (False, True, False, True)


def _mark_flags(text: str, i: int, ch: str, flank: int) -> tuple[bool, bool]:
    """(can open, can close) for the mark `ch` at `i`, given its flanking group."""
    left = _CAN_OPEN[flank]
    right = _CAN_CLOSE[flank]
    if ch in '“”"‟':
        return left, right
    if ch in "„‚":
        return left, False
    if ch in "«‹»›":
        prev = text[i - 1] if i else " "
        open_context = prev.isspace() or prev in _OPEN_AFTER
        nxt = text[i + 1] if i + 1 < len(text) else " "
        close_context = nxt.isspace() or nxt in _CLOSE_BEFORE
        if ch in "«‹":
            return (True, False) if open_context else (False, close_context)
        return (True, False) if left else (False, close_context)
    if ch == "‘":
        return left and not text[i + 1].isdigit(), right
    if ch == "'" and left:
        word = _WORD_RE.match(text, i + 1)
        if text[i + 1].isdigit() or (word and word.group().lower() in _ELISIONS):
            left = False
    if right and ch in "’'" and _closes_elision(text, i):
        right = False
    return (left if ch in "'‛" else False), right


def _closes_elision(text: str, i: int) -> bool:
    """The second apostrophe of rock ’n’ roll: the word before began with one."""
    j = i - 1
    while j >= 0 and i - j <= 3 and text[j].isalpha():
        j -= 1
    return j >= 0 and j < i - 1 and text[j] in "’'" and (j == 0 or text[j - 1].isspace())


def _is_possessive(text: str, i: int, open_pos: int, open_char: str) -> bool:
    """An apostrophe after a plural s followed by a lower-case word (the students’ union),
    unless it closes a single quote of a few words (the ‘sponge streets’ programme)."""
    if text[i - 1] not in "sS" or i + 2 >= len(text) or text[i + 1] != " ":
        return False
    if not text[i + 2].islower():
        return False
    if open_char in "‘'‚" and i - open_pos < 60 and text.count(" ", open_pos, i) < 3:
        return False
    word = _WORD_RE.match(text, i + 2)
    return not (word and (word.group() in _SPEECH_VERBS or word.group() in _PRONOUNS))


def _pair_marks(text: str, paragraphs: list[tuple[int, int, str]]) -> list[_Span]:
    """Top-level quotations bounded by marks, pairing openers and closers with a stack.

    A closer pops back to the nearest opener it can close (openers left above it were
    strays); `closable` counts, per closing mark, the open marks it could close, so a
    closer with nothing to close costs nothing. An opener still open at the end of a
    paragraph carries over when the next paragraph starts with the same mark, the
    convention for a quotation over several paragraphs.
    """
    pairs: list[tuple[int, int, list[tuple[int, int]] | None, int, int]] = []
    chars: list[str] = []
    positions: list[int] = []
    closable: dict[str, int] = dict.fromkeys(_OPENERS_FOR, 0)
    carried: list[tuple[int, int]] = []  # earlier paragraphs of the bottom opener
    carried_from = 0
    part_start = 0
    skip = -1
    for index, (pstart, pend, _kind) in enumerate(paragraphs):
        for match in _FLANKED_MARK_RE.finditer(text, pstart, pend):
            i = match.start()
            if i == skip:
                continue
            ch = match.group()
            flank = match.lastindex or 0
            if ch in '“”"':
                opens = _CAN_OPEN[flank]
                closes = _CAN_CLOSE[flank]
            else:
                opens, closes = _mark_flags(text, i, ch, flank)
            if (
                closes
                and closable.get(ch)
                and (ch not in "’'" or not _is_possessive(text, i, positions[-1], chars[-1]))
            ):
                openers = _OPENERS_FOR[ch]
                while True:
                    top = chars.pop()
                    for closer in _CLOSERS_FOR[top]:
                        closable[closer] -= 1
                    position = positions.pop()
                    if top in openers:
                        break
                if carried and not chars:
                    parts = [*carried, (part_start, i)]
                    pairs.append((position, i, parts, carried_from, index))
                    carried = []
                else:
                    pairs.append((position, i, None, index, index))
            elif opens:
                chars.append(ch)
                positions.append(i)
                for closer in _CLOSERS_FOR[ch]:
                    closable[closer] += 1
        skip = -1
        if chars and index + 1 < len(paragraphs):
            next_start, _next_end, next_kind = paragraphs[index + 1]
            if text[next_start] == chars[0] and not next_kind.startswith("h"):
                if not carried:
                    carried_from = index
                    part_start = positions[0] + 1
                carried.append((part_start, pend))
                part_start = next_start + 1
                skip = next_start
                del chars[1:], positions[1:]
                closable = dict.fromkeys(_OPENERS_FOR, 0)
                for closer in _CLOSERS_FOR[chars[0]]:
                    closable[closer] = 1
                continue
        if chars:
            chars.clear()
            positions.clear()
            closable = dict.fromkeys(_OPENERS_FOR, 0)
        carried = []
    return _outermost(pairs)


def _outermost(
    pairs: list[tuple[int, int, list[tuple[int, int]] | None, int, int]],
) -> list[_Span]:
    pairs.sort()
    result: list[_Span] = []
    reach = -1
    for open_pos, close_pos, parts, first, last in pairs:
        if open_pos > reach:
            span_parts = parts if parts is not None else [(open_pos + 1, close_pos)]
            result.append(_Span(open_pos, close_pos, span_parts, first, last))
            reach = close_pos
    return result


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _add_block_quotes(
    text: str, paragraphs: list[tuple[int, int, str]], spans: list[_Span], from_blocks: bool
) -> list[_Span]:
    """Block quotes without marks: given by the blocks, or guessed from a paragraph ending
    in a speech verb and a colon. Quotations inside a block quote are nested in it."""
    groups: list[tuple[int, int]] = []
    index = 0
    while index < len(paragraphs):
        last = index
        if from_blocks and paragraphs[index][2] == "blockquote":
            while last + 1 < len(paragraphs) and paragraphs[last + 1][2] == "blockquote":
                last += 1
        elif not (index and _introduces_block(text, paragraphs, index)):
            index += 1
            continue
        elif not from_blocks:
            last = _blank_line_group(text, paragraphs, index)
        groups.append((index, last))
        index = last + 1
    if not groups:
        return [_with_trimmed(text, span) for span in spans]
    result: list[_Span] = []
    span_index = 0
    for first, last in groups:
        start, end = paragraphs[first][0], paragraphs[last][1]
        while span_index < len(spans) and spans[span_index].close_pos < start:
            result.append(spans[span_index])
            span_index += 1
        covering = span_index < len(spans) and spans[span_index].open_pos <= start + 1
        if covering and spans[span_index].close_pos >= end - 2:
            continue  # already a quotation with marks
        if covering and spans[span_index].open_pos < start:
            continue  # the block belongs to a quotation that began earlier
        while span_index < len(spans) and spans[span_index].open_pos < end:
            span_index += 1  # nested inside the block quote
        parts = [(paragraphs[i][0], paragraphs[i][1]) for i in range(first, last + 1)]
        result.append(_Span(start, end, parts, first, last, block=True))
    result.extend(spans[span_index:])
    return [_with_trimmed(text, span) for span in result]


def _with_trimmed(text: str, span: _Span) -> _Span:
    span.parts = [part for part in (_trim(text, s, e) for s, e in span.parts) if part[1] > part[0]]
    if not span.parts:
        span.parts = [(span.open_pos, span.open_pos)]
    return span


def _introduces_block(text: str, paragraphs: list[tuple[int, int, str]], index: int) -> bool:
    previous_start, previous_end, _ = paragraphs[index - 1]
    start = paragraphs[index][0]
    if text[previous_end - 1] != ":" or text[start] in QUOTE_MARKS:
        return False
    intro = text[max(previous_start, previous_end - 200) : previous_end]
    return any(word in _SPEECH_VERBS for word in _WORD_RE.findall(intro.lower()))


def _blank_line_group(text: str, paragraphs: list[tuple[int, int, str]], index: int) -> int:
    """Markdown block quotes come out as a group of lines set off by blank lines."""
    if "\n\n" not in text[paragraphs[index - 1][1] : paragraphs[index][0]]:
        return index
    last = index
    while last + 1 < len(paragraphs):
        separator = text[paragraphs[last][1] : paragraphs[last + 1][0]]
        if "\n\n" in separator:
            break
        last += 1
    return last if last + 1 < len(paragraphs) else index


def _mask(text: str, spans: list[_Span]) -> str:
    """`text` with each quotation's words blanked (same length), keeping its last
    punctuation mark so that sentence ends stay visible."""
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        for start, end in span.parts:
            if end <= start:
                continue
            pieces.append(text[cursor:start])
            last = text[end - 1]
            if end - start == 1:
                pieces.append(_MASK)
            elif last in _TERMINAL or last in ",;:—":
                pieces.append(_MASK + " " * (end - start - 2) + last)
            else:
                pieces.append(_MASK + " " * (end - start - 1))
            cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _merge_interrupted(text: str, masked: str, spans: list[_Span]) -> list[_Span]:
    """Join “A,” she said, “B.” into one quotation whose attribution is the gap."""
    result: list[_Span] = []
    for span in spans:
        previous = result[-1] if result else None
        if (
            previous is not None
            and not previous.block
            and not span.block
            and previous.para_last == span.para_first
            and span.open_pos - previous.close_pos <= 160
        ):
            gap = masked[previous.close_pos + 1 : span.open_pos]
            first_words = text[previous.parts[-1][0] : previous.parts[-1][1]]
            stripped = gap.strip()
            if (
                stripped[-1:] in (",", "—", "–")
                and first_words[-1:] not in _TERMINAL
                and not _SENTENCE_END_RE.search(gap)
            ):
                attribution = None
                if not _HINT_WORDS.isdisjoint(_WORD_RE.findall(gap.lower())):
                    attribution = _parse_after(gap, previous.close_pos + 1)
                if attribution is not None:
                    previous.parts.extend(span.parts)
                    previous.close_pos = span.close_pos
                    previous.para_last = span.para_last
                    previous.gap_attribution = attribution
                    continue
        result.append(span)
    return result


# -- Tokens and noun phrases ---------------------------------------------------------------


def _tokens(window: str) -> list[str]:
    return _TOKEN_RE.findall(window)


def _lowered(window: str, toks: list[str]) -> list[str]:
    lowered = _TOKEN_RE.findall(window.lower())
    return lowered if len(lowered) == len(toks) else [t.lower() for t in toks]


def _base(token: str) -> str:
    """Lower case without a possessive ending."""
    lowered = token.lower()
    for suffix in ("’s", "'s", "’", "'"):
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            return lowered[: -len(suffix)]
    return lowered


def _is_name_word(token: str) -> bool:
    return token[:1].isupper() and not (len(token) > 1 and token.isupper())


def _is_possessive_token(token: str) -> bool:
    return token.endswith(("’s", "'s", "s’", "s'"))


def _name_forward(toks: list[str], i: int) -> int:
    """Index after the capitalised name (titles, particles, abbreviation dots) at `i`."""
    j = i
    while j < len(toks):
        word = toks[j]
        if _is_name_word(word):
            j += 1
            if _is_possessive_token(word):
                break
            if j < len(toks) and toks[j] == "." and _base(word) in _ABBREVIATIONS:
                j += 1
        elif word in _PARTICLE_SET and j > i:
            after = j
            while after < len(toks) and toks[after] in _PARTICLE_SET:
                after += 1
            if after >= len(toks) or not _is_name_word(toks[after]):
                break
            j = after
        else:
            break
    return j


def _words(toks: list[str], first: int, stop: int) -> list[str]:
    return [t for t in toks[first:stop] if t != "."]


def _np_forward(toks: list[str], i: int) -> _Phrase | None:
    """The noun phrase starting at `i`: a pronoun, a name, a definite role ("the
    minister") or an indefinite one ("a senior official")."""
    if i >= len(toks):
        return None
    word = toks[i]
    lowered = word.lower()
    if lowered in _PRONOUNS:
        return _Phrase("pronoun", [lowered], i, i + 1)
    if _is_name_word(word) and lowered not in _NOT_NAMES:
        stop = _name_forward(toks, i)
        role_end = stop
        while role_end < len(toks) and role_end - stop < 2 and toks[role_end].islower():
            bridge = toks[role_end]
            if (
                not _is_role_word(bridge)
                or bridge in _PARTICLE_SET
                or bridge in _FOREIGN_FUNCTION_WORDS
            ):
                break
            role_end += 1
        if role_end > stop and role_end < len(toks) and _is_name_word(toks[role_end]):
            end = _name_forward(toks, role_end)  # "Rovers manager Graham Tully"
            return _Phrase("name", _words(toks, stop, end), i, end)
        return _Phrase("name", _words(toks, i, stop), i, stop)
    if lowered == "the" and i + 1 < len(toks) and _is_name_word(toks[i + 1]):
        stop = _name_forward(toks, i + 1)
        return _Phrase("name", _words(toks, i + 1, stop), i, stop)
    if lowered in _DETERMINERS or lowered in _INDEFINITES or _is_possessive_token(word):
        stop = i + 1
        while stop < len(toks) and stop - i <= 5 and _is_role_word(toks[stop]):
            stop += 1
        if stop == i + 1:
            return None
        if stop + 1 < len(toks) and toks[stop] == "," and _is_name_word(toks[stop + 1]):
            end = _name_forward(toks, stop + 1)  # "its president, Lior Ben-David"
            return _Phrase("name", _words(toks, stop + 1, end), i, end)
        kind = "indefinite" if lowered in _INDEFINITES else "role"
        return _Phrase(kind, toks[i:stop], i, stop)
    stop = i
    while stop < len(toks) and stop - i < 3 and toks[stop][0].islower():
        if not _is_role_word(toks[stop]) or toks[stop] in _PARTICLE_SET:
            return None
        stop += 1
    if stop > i and stop < len(toks) and _is_name_word(toks[stop]):
        end = _name_forward(toks, stop)  # "said fire chief Rui Albuquerque"
        return _Phrase("name", _words(toks, i, end), i, end)
    return None


def _is_role_word(token: str) -> bool:
    lowered = token.lower()
    return (
        token[0].isalpha()
        and token[0] != _MASK
        and lowered not in _STOP_WORDS
        and lowered not in _SPEECH_VERBS
        and lowered not in _SKIPPABLE
    )


def _subject_backward(toks: list[str], verb: int) -> _Phrase | None:
    """The subject that ends just before the verb at `verb`."""
    k = verb - 1
    while k >= 0 and (toks[k].lower() in _SKIPPABLE or _is_adverb(toks[k])):
        k -= 1
    appositive: _Phrase | None = None
    if k >= 0 and toks[k] == ",":
        opening = k - 1
        while opening >= 0 and k - opening <= 30 and toks[opening] not in (",", ";", ":"):
            opening -= 1
        if opening < 0 or toks[opening] != ",":
            return None
        appositive = _np_forward(toks, opening + 1)
        if appositive is not None and (appositive.kind != "name" or appositive.stop != k):
            appositive = None
        k = opening - 1
    if k < 0:
        return None
    word = toks[k]
    lowered = word.lower()
    if lowered in _PRONOUNS:
        return _Phrase("pronoun", [lowered], k, k + 1)
    if _is_name_word(word) and not _is_possessive_token(word):
        first = k
        while first - 1 >= 0:
            candidate = toks[first - 1]
            abbreviation = first >= 2 and _base(toks[first - 2]) in _ABBREVIATIONS
            if (
                _is_name_word(candidate)
                or candidate in _PARTICLE_SET
                or (candidate == "." and abbreviation)
            ):
                first -= 1
            else:
                break
        while first <= k and toks[first].lower() in _NOT_NAMES:
            first += 1
        if first > k:
            return None
        return _Phrase("name", _words(toks, first, k + 1), first, k + 1)
    first = k
    while first >= 0 and k - first <= 5:
        token = toks[first]
        lowered = token.lower()
        if (
            lowered in _DETERMINERS
            or lowered in _INDEFINITES
            or (first < k and _is_possessive_token(token))
        ):
            if appositive is not None:
                return appositive
            kind = "indefinite" if lowered in _INDEFINITES else "role"
            return _Phrase(kind, toks[first : k + 1], first, k + 1)
        if not _is_role_word(token):
            return None
        first -= 1
    return None


def _is_adverb(token: str) -> bool:
    return len(token) > 4 and token.endswith("ly") and token.islower()


def _parse_after(window: str, offset: int) -> _Attribution | None:
    """Attribution that directly follows a closing mark: “…,” said X / X said / she added /
    according to X. `window` starts just after the mark; `offset` is its place in the text."""
    end = _sentence_end(window)
    window = window[:end]
    toks = _tokens(window)
    i = 0
    while i < len(toks) and toks[i] in ",;—–-.":
        i += 1
    if i >= len(toks):
        return None
    lowered = _lowered(window, toks)
    sentence_end = offset + end
    marker = _marker_at(lowered, i)
    if marker:
        phrase = _np_forward(toks, i + marker[1])
        if phrase is not None:
            return _attribution(phrase, marker[0], window, toks, offset, sentence_end)
    if lowered[i] in _AUXILIARIES and i + 1 < len(toks) and lowered[i + 1] in _SPEECH_VERBS:
        i += 1
    if lowered[i] in _SPEECH_VERBS and lowered[i] not in _NO_INVERSION:
        phrase = _np_forward(toks, i + 1)
        if phrase is not None:
            return _attribution(phrase, lowered[i], window, toks, offset, sentence_end)
    phrase = _np_forward(toks, i)
    if phrase is None:
        return None
    j = phrase.stop
    after_comma = j + 1
    while after_comma < len(toks) and (
        lowered[after_comma] in _SKIPPABLE or _is_adverb(toks[after_comma])
    ):
        after_comma += 1
    if (
        j < len(toks)
        and toks[j] == ","
        and after_comma < len(toks)
        and lowered[after_comma] in _SPEECH_VERBS
    ):
        j = after_comma  # the comma closed an appositive: "the secretary, Jo Pryce, told"
    if j < len(toks) and toks[j] == ",":
        close = j + 1
        while close < len(toks) and close - j <= 30 and toks[close] != ",":
            close += 1
        if close >= len(toks):
            return None
        j = close + 1
    while j < len(toks) and (lowered[j] in _SKIPPABLE or _is_adverb(toks[j])):
        j += 1
    if j < len(toks) and lowered[j] in _SPEECH_VERBS:
        return _attribution(phrase, lowered[j], window, toks, offset, sentence_end)
    return None


def _hint_indices(lowered: list[str]) -> list[int]:
    """Where a speech verb or an "according to" might start: "in the words of" is found
    from its "in"."""
    hits = []
    for index, word in enumerate(lowered):
        if word in _HINT_WORDS:
            hits.append(index - 2 if word == "words" and index >= 2 else index)
    return hits


def _marker_at(lowered: list[str], i: int) -> tuple[str, int] | None:
    """ "according to" or "in the words of" (or a one-word equivalent) at `i`:
    (verb, length)."""
    if lowered[i] in _ACCORDING_WORDS:
        return lowered[i], 1
    if lowered[i] != "according" and lowered[i] != "in":
        return None
    if lowered[i : i + 2] == ["according", "to"]:
        return "according to", 2
    if lowered[i : i + 4] == ["in", "the", "words", "of"]:
        return "in the words of", 4
    return None


def _attribution(
    phrase: _Phrase,
    verb: str,
    window: str,
    toks: list[str],
    offset: int,
    sentence_end: int,
) -> _Attribution:
    spans = [match.span() for match in _TOKEN_RE.finditer(window)]
    first, stop = spans[phrase.first][0], spans[phrase.stop - 1][1]
    return _Attribution(
        phrase.words, phrase.kind, window[first:stop], verb, offset + first, sentence_end
    )


def _sentence_end(window: str) -> int:
    for match in _SENTENCE_END_RE.finditer(window):
        if not _is_abbreviation_before(window, match.start()):
            return match.end()
    return len(window)


def _sentence_start(window: str) -> int:
    start = 0
    for match in _SENTENCE_END_RE.finditer(window):
        if not _is_abbreviation_before(window, match.start()):
            start = match.end()
    return start


def _is_abbreviation_before(window: str, dot: int) -> bool:
    if window[dot] != ".":
        return False
    begin = dot
    while begin > 0 and window[begin - 1].isalpha():
        begin -= 1
    word = window[begin:dot]
    return word.lower() in _ABBREVIATIONS or len(word) == 1


def _parse_before(window: str, offset: int) -> _Attribution | None:
    """Attribution in the same sentence before an opening mark: X said: “…”, X said the
    plan was “…”, according to X, “…”. The verb nearest the quotation that has a speaker
    wins; a colon after a verb with no speaker still makes an attribution (to no one)."""
    toks = _tokens(window)
    lowered = _lowered(window, toks)
    end = offset + len(window)
    verb_only: _Attribution | None = None
    # The attribution of a quotation is among the last few verbs before it; looking no
    # further keeps a sentence dense with verbs cheap.
    for v in reversed(_hint_indices(lowered)[-4:]):
        marker = _marker_at(lowered, v)
        if marker:
            phrase = _np_forward(toks, v + marker[1])
            if phrase is not None:
                return _attribution(phrase, marker[0], window, toks, offset, end)
            continue
        if lowered[v] not in _SPEECH_VERBS:
            continue
        phrase = _subject_backward(toks, v)
        if phrase is not None:
            return _attribution(phrase, lowered[v], window, toks, offset, end)
        phrase = _np_forward(toks, v + 1)
        if (
            phrase is not None
            and phrase.kind in ("name", "pronoun")
            and (phrase.stop >= len(toks) or toks[phrase.stop] in ":,")
        ):
            return _attribution(phrase, lowered[v], window, toks, offset, end)
        if verb_only is None and window.rstrip().endswith(":"):
            verb_only = _Attribution(None, "none", None, lowered[v], end - 1, end)
    return verb_only


def _according_anywhere(window: str, offset: int) -> _Attribution | None:
    """ "according to X" later in the same sentence as a partial quotation."""
    window = window[: _sentence_end(window)]
    toks = _tokens(window)
    lowered = _lowered(window, toks)
    for i in _hint_indices(lowered):
        marker = _marker_at(lowered, i)
        if marker:
            phrase = _np_forward(toks, i + marker[1])
            if phrase is not None and phrase.kind != "indefinite":
                return _attribution(phrase, marker[0], window, toks, offset, offset + len(window))
    return None


# -- People mentioned in the article -------------------------------------------------------


@dataclass(slots=True)
class _Person:
    name: str
    words: tuple[str, ...]  # lower case
    descriptors: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    gender: str | None = None
    gender_known: bool = False


class _People:
    """The people (and organisations) the article names, their roles and mentions."""

    def __init__(self, text: str, masked: str) -> None:
        self.masked = masked
        self.by_words: dict[tuple[str, ...], _Person] = {}
        self.organisations: set[tuple[str, ...]] = set()
        short_mentions: list[tuple[int, int, tuple[str, ...]]] = []
        for match in _NAME_RE.finditer(masked):
            sequence = match.group()
            if " " not in sequence and "\u00a0" not in sequence and sequence[-1] != ".":
                word = sequence[:-2] if sequence.endswith(("’s", "'s")) else sequence
                lowered = word.lower()
                if lowered in _NOT_NAMES or _is_title_word(word) or word.isupper():
                    continue
                if lowered in _NOT_PERSON_LAST or lowered in _PLACE_FIRST:
                    self.organisations.add((lowered,))
                else:
                    short_mentions.append((match.start(), match.start() + len(word), (lowered,)))
                continue
            for start, end, words, titles in _split_name(sequence, match.start()):
                self._register(start, end, words, titles, short_mentions)
        # Every tail of every full name ("okafor", "van der meulen"), and first names.
        self.by_tail: dict[tuple[str, ...], list[_Person]] = {}
        for key, person in self.by_words.items():
            for size in range(1, len(key) + 1):
                self.by_tail.setdefault(key[-size:], []).append(person)
            if len(key) > 1:
                self.by_tail.setdefault(key[:1], []).append(person)
        self.by_descriptor: dict[str, list[_Person]] = {}
        for person in self.by_words.values():
            for descriptor in person.descriptors:
                self.by_descriptor.setdefault(descriptor, []).append(person)
        self.mentions: list[tuple[int, _Person]] = []
        for person in self.by_words.values():
            self.mentions.extend((start, person) for start, _end in person.mentions)
        for start, end, words in short_mentions:
            person = self.resolve_words(words)
            if person is not None:
                person.mentions.append((start, end))
                self.mentions.append((start, person))
        self.mentions.sort(key=lambda item: item[0])
        self.mention_starts = [start for start, _ in self.mentions]
        self.sentence_starts = [0]
        for match in _BOUNDARY_RE.finditer(masked):
            if match.group()[0] != "." or not _is_abbreviation_before(masked, match.start()):
                self.sentence_starts.append(match.end())

    def _register(
        self,
        start: int,
        end: int,
        words: list[str],
        titles: list[str],
        short_mentions: list[tuple[int, int, tuple[str, ...]]],
    ) -> None:
        key = tuple(w.lower() for w in words)
        if key[-1] in _NOT_PERSON_LAST or key[0] in _PLACE_FIRST:
            self.organisations.add(key)
            return
        if len(words) == 1 and not titles:
            short_mentions.append((start, end, key))
            return
        person = self.by_words.get(key)
        if person is None:
            person = self.by_words[key] = _Person(" ".join(words), key)
        person.mentions.append((start, end))
        person.descriptors.update(_ROLE_SYNONYMS.get(t, t) for t in titles)
        person.descriptors.update(self._appositive_roles(start, end))

    def _appositive_roles(self, start: int, end: int) -> set[str]:
        """Role words from an appositive beside a name: "Adaeze Okafor, the defence
        minister," or "Morvath’s chief negotiator, Radomír Šťastný,"."""
        masked = self.masked
        roles: set[str] = set()
        if masked[end : end + 2] == ", ":
            rest = masked[end + 2 : end + 160]
            clause = re.split(r"[,.;:(\n" + _MASK + "]", rest, maxsplit=1)[0]
            first = clause.split(" ", 1)[0].lower()
            relative = first in ("who", "whose", "which", "where", "when", "that")
            if first and not relative and not first[:1].isdigit():
                for phrase in clause.split(" and "):
                    roles.update(_role_words(phrase))
        if masked[start - 2 : start] == ", ":
            before = masked[max(0, start - 80) : start - 2]
            phrase = re.split(r"[,.;:—\n" + _MASK + "]", before)[-1]
            words = phrase.split()
            if words and len(words) <= 6 and words[-1].islower():
                roles.update(_role_words(phrase))
        return roles

    def resolve_words(self, words: tuple[str, ...]) -> _Person | None:
        """The one person whose fullest name ends with (or is, or starts with a single
        given name) `words`; None when no one or several match."""
        matches = self.by_tail.get(words)
        if not matches:
            return None
        if len(matches) > 8:
            return None
        longest = max(matches, key=lambda person: len(person.words))
        if all(_is_subsequence(person.words, longest.words) for person in matches):
            return longest
        return None

    def add(self, words: list[str]) -> _Person:
        """A person known only from an attribution ("Becker said")."""
        key = tuple(w.lower() for w in words)
        person = self.by_words[key] = _Person(" ".join(words), key)
        for size in range(1, len(key) + 1):
            self.by_tail.setdefault(key[-size:], []).append(person)
        return person

    def resolve_role(self, words: list[str]) -> _Person | None:
        """The one person the article gives this role ("the defence minister"): the head
        noun must be among their descriptors, and so must any modifier someone has."""
        significant = [_base(w) for w in words if w.lower() not in _DETERMINERS]
        significant = [w for w in significant if w not in _STOP_WORDS]
        if not significant:
            return None
        head = _ROLE_SYNONYMS.get(significant[-1], significant[-1])
        candidates = self.by_descriptor.get(head, [])
        if not candidates or len(candidates) > 8:
            return None
        known = set().union(*(p.descriptors for p in candidates))
        for modifier in significant[:-1]:
            if modifier in known:
                candidates = [p for p in candidates if modifier in p.descriptors]
        return candidates[0] if len(candidates) == 1 else None

    def nearest(
        self, position: int, gender: str | None, spoken: list[tuple[int, _Person]]
    ) -> _Person | None:
        """The person a pronoun at `position` refers to: in the nearest sentence before it
        that mentions someone of a fitting gender, the first such person (usually the
        subject). `spoken` adds the speakers already resolved from roles and pronouns."""
        i = bisect.bisect_left(self.mention_starts, position) - 1
        j = bisect.bisect_left(spoken, (position,)) - 1
        chosen: _Person | None = None
        chosen_sentence = -1
        for _ in range(40):
            if i < 0 and j < 0:
                break
            if j < 0 or (i >= 0 and self.mentions[i][0] > spoken[j][0]):
                place, person = self.mentions[i]
                i -= 1
            else:
                place, person = spoken[j]
                j -= 1
            sentence = bisect.bisect_right(self.sentence_starts, place)
            if chosen is not None and sentence != chosen_sentence:
                break
            if gender is None or self.gender_of(person) in (None, gender):
                chosen, chosen_sentence = person, sentence
        return chosen

    def gender_of(self, person: _Person) -> str | None:
        """From titles (Mr, Ms, spokeswoman) and the first he/she/his/her after a mention,
        unless someone else is mentioned first or it is the "she said" of a quotation."""
        if person.gender_known:
            return person.gender
        votes = {"m": 0, "f": 0}
        for descriptor in person.descriptors:
            if descriptor in _HONORIFIC_GENDER:
                votes[_HONORIFIC_GENDER[descriptor]] += 3
        for _start, end in person.mentions[:20]:
            window = self.masked[end : end + 250]
            cut = _sentence_end(window)
            cut += _sentence_end(window[cut:])
            for match in _GENDER_PRONOUN_RE.finditer(window, 0, cut):
                if window[: match.start()].rstrip(" ,").endswith(tuple(QUOTE_MARKS)):
                    continue
                between = bisect.bisect_left(self.mention_starts, end + match.start())
                earlier = bisect.bisect_right(self.mention_starts, end)
                if all(self.mentions[k][1] is person for k in range(earlier, between)):
                    votes["m" if match.group(1) else "f"] += 1
                break
        person.gender_known = True
        if votes["m"] != votes["f"]:
            person.gender = "m" if votes["m"] > votes["f"] else "f"
        return person.gender


def _is_title_word(word: str) -> bool:
    base = _base(word)
    return base in _ROLE_TITLES or (len(base) > 12 and base.endswith(_ROLE_SUFFIXES))


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    iterator = iter(long)
    return all(word in iterator for word in short)


def _role_words(phrase: str) -> set[str]:
    words = re.split(r"\s+", phrase.strip())
    kept: list[str] = []
    for word in words:
        lowered = _base(word.strip("“”\"'‘’"))
        if lowered in _STOP_WORDS:
            break
        if lowered and lowered not in _DETERMINERS and lowered not in _INDEFINITES:
            kept.append(_ROLE_SYNONYMS.get(lowered, lowered))
    return set(kept)


def _split_name(sequence: str, offset: int) -> Iterable[tuple[int, int, list[str], list[str]]]:
    """Split a run of capitalised words into names: at sentence-ending dots, all-capitals
    words and possessives; strip leading function words and titles ("Defence Minister")."""
    words: list[tuple[str, int]] = []
    for match in re.finditer(r"\S+", sequence):
        words.append((match.group(), offset + match.start()))
    group: list[tuple[str, int]] = []
    for word, start in words:
        bare = word.rstrip(".")
        ends_sentence = word.endswith(".") and _base(bare) not in _ABBREVIATIONS and len(bare) > 1
        if len(bare) > 1 and bare.isupper():
            yield from _name_from_group(group)
            group = []
            continue
        group.append((bare, start))
        if ends_sentence or _is_possessive_token(bare):
            yield from _name_from_group(group)
            group = []
    yield from _name_from_group(group)


def _name_from_group(
    group: list[tuple[str, int]],
) -> Iterable[tuple[int, int, list[str], list[str]]]:
    while group and group[0][0].lower() in _NOT_NAMES:
        group = group[1:]
    if not group:
        return
    last_title = -1
    for index, (word, _start) in enumerate(group):
        if _is_title_word(word):
            last_title = index
    titles = [_base(w) for w, _ in group[: last_title + 1]]
    names = group[last_title + 1 :]
    if not names:
        return
    words = [names[0][0]] + [w for w, _ in names[1:]]
    words[-1] = words[-1][:-2] if words[-1].endswith(("’s", "'s")) else words[-1]
    start = names[0][1]
    end = names[-1][1] + len(names[-1][0])
    yield start, end, words, titles


# -- Classification and attribution --------------------------------------------------------


@dataclass(slots=True)
class _Context:
    """What a quotation's attribution may be read from, in the masked text."""

    before: str  # its sentence up to the opening mark (never before the last quotation)
    before_start: int
    after: str  # from the closing mark to the next quotation or the paragraph's end
    after_start: int
    at_paragraph_start: bool
    same_sentence_as_previous: bool


@dataclass(slots=True)
class _Previous:
    span: _Span
    quote: FoundQuote
    attribution_end: int


class _Resolver:
    """Classifies each quotation and finds its speaker, in document order (a quotation
    may take its speaker from the one before it)."""

    def __init__(
        self, text: str, masked: str, paragraphs: list[tuple[int, int, str]], people: _People
    ) -> None:
        self.text = text
        self.masked = masked
        self.paragraphs = paragraphs
        self.people = people
        self.spoken: list[tuple[int, _Person]] = []
        # Where attribution words occur, so a window without one is skipped in O(log n).
        self.hints = [
            match.start()
            for match in _WORD_RE.finditer(masked)
            if match.group().lower() in _HINT_WORDS
        ]

    def _has_hint(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.hints, start)
        return index < len(self.hints) and self.hints[index] < end

    def run(self, spans: list[_Span], include_other: bool) -> list[FoundQuote]:
        found: list[FoundQuote] = []
        previous: _Previous | None = None
        for index, span in enumerate(spans):
            words = " ".join(self.text[s:e] for s, e in span.parts)
            if not words.strip():
                continue
            next_open = spans[index + 1].open_pos if index + 1 < len(spans) else len(self.text)
            context = self._context(span, previous, next_open)
            kind = self._kind(span, words, context)
            quote, attribution_end = None, span.close_pos + 1
            if kind == "speech":
                quote, attribution_end = self._attribute(span, words, context, previous)
                kind = "scare" if quote is None else kind
            if quote is not None:
                found.append(quote)
                previous = _Previous(span, quote, attribution_end)
            elif include_other:
                found.append(self._quote(span, words, kind, None, None, None))
        return found

    def _context(self, span: _Span, previous: _Previous | None, next_open: int) -> _Context:
        masked = self.masked
        pstart = self.paragraphs[span.para_first][0]
        begin = max(pstart, span.open_pos - 200)
        clamped = False
        if previous is not None and previous.span.close_pos + 1 >= begin:
            begin, clamped = previous.span.close_pos + 1, True
        window = masked[begin : span.open_pos]
        start = _sentence_start(window)
        before = window[start:]
        pend = self.paragraphs[span.para_last][1]
        after_start = span.close_pos + 1
        after = masked[after_start : min(pend, next_open, after_start + 150)]
        return _Context(
            before=before,
            before_start=begin + start,
            after=after,
            after_start=after_start,
            at_paragraph_start=begin + start == pstart and not before.strip(" —–-"),
            same_sentence_as_previous=clamped and start == 0 and begin > pstart,
        )

    def _quote(
        self,
        span: _Span,
        words: str,
        kind: str,
        speaker: str | None,
        attribution: _Attribution | None,
        how: str | None,
    ) -> FoundQuote:
        return FoundQuote(
            start=span.parts[0][0],
            end=span.parts[-1][1],
            text=words,
            speaker=speaker,
            speaker_as_written=attribution.written if attribution else None,
            verb=attribution.verb if attribution else None,
            parts=tuple(span.parts),
            kind=kind,
            attribution=how,
        )

    def _kind(self, span: _Span, words: str, context: _Context) -> str:
        """ "speech", "scare" (so-called “reforms”) or "title" (the book “The Long Winter”)."""
        if span.block:
            return "speech"
        before = context.before
        if before.rstrip().lower().endswith(("so-called", "so called")):
            return "scare"
        word_count = _word_count(words)
        if word_count > 12 or words[-1:] in _TERMINAL:
            return "speech"
        # A title follows its noun or naming verb directly: the book “…”, a film called
        # ‘…’, a report, titled “…”. With a word between ("calls the plan a “…”") the
        # quoted words are something said about it.
        recent = [w.lower() for w in _WORD_RE.findall(" ".join(before[-60:].split()[-3:]))]
        if recent and (
            recent[-1] in _TITLE_NOUNS
            or recent[-1] in _NAMING_VERBS
            or any(w in ("titled", "entitled") for w in recent)
        ):
            return "title"
        if (
            word_count <= 8
            and before.strip()
            and _is_title_case(words)
            and not (
                self._has_hint(context.after_start, context.after_start + 60)
                and _parse_after(context.after[:60], context.after_start)
            )
        ):
            return "title"
        return "speech"

    def _attribute(
        self, span: _Span, words: str, context: _Context, previous: _Previous | None
    ) -> tuple[FoundQuote | None, int]:
        """The quotation with its speaker, or None when it is a scare quote after all
        (a few words mid-sentence with no one said to have said them)."""
        before, before_start = context.before, context.before_start
        if span.block or context.at_paragraph_start:
            intro = self._intro_paragraph(span)
            if intro is not None:
                before, before_start = intro
        terminal = words[-1:] in _TERMINAL
        word_count = _word_count(words)
        sentence_like = (
            span.block
            or terminal
            or word_count >= 8
            or (context.at_paragraph_start and word_count >= 4)
            or before.rstrip().endswith(":")
        )
        speaker: str | None = None
        attribution, how = span.gap_attribution, "interrupted"
        after_end = context.after_start + len(context.after)
        after_hint = self._has_hint(context.after_start, after_end)
        if attribution is None and not span.block and after_hint:
            attribution, how = _parse_after(context.after, context.after_start), "after"
        if (
            attribution is None
            and (before.strip() or span.block)
            and self._has_hint(before_start, before_start + len(before))
        ):
            attribution, how = _parse_before(before, before_start), "before"
        if attribution is not None:
            speaker = self._resolve(attribution)
        elif not span.block and after_hint:
            attribution = _according_anywhere(context.after, context.after_start)
            how = "according to"
            speaker = self._resolve(attribution) if attribution is not None else None
            if speaker is None:
                attribution = None  # "“AI-powered” thermostats, according to the firm"
        attribution_end = attribution.end if attribution and how == "after" else span.close_pos + 1
        if attribution is not None:
            quote = self._quote(span, words, "speech", speaker, attribution, how)
        elif previous is not None and context.same_sentence_as_previous:
            speaker = previous.quote.speaker
            quote = self._quote(span, words, "speech", speaker, None, "same sentence")
        elif not sentence_like:
            return None, attribution_end
        else:
            quote = self._unattributed(span, words, terminal, previous, before_start)
        return quote, attribution_end

    def _unattributed(
        self,
        span: _Span,
        words: str,
        terminal: bool,
        previous: _Previous | None,
        sentence_start: int,
    ) -> FoundQuote:
        """A quotation with no attribution of its own: it continues the quotation just
        before it, or takes the speaker of the sentence before it, or has none."""
        if previous is not None and terminal and previous.quote.speaker:
            gap = self.masked[previous.attribution_end : span.open_pos]
            if previous.attribution_end <= span.open_pos and not gap.strip(" \n\t.,;:—–"):
                speaker = previous.quote.speaker
                return self._quote(span, words, "speech", speaker, None, "continuation")
        sentence = self._previous_sentence(span, sentence_start)
        if sentence is not None and self._has_hint(sentence[1], sentence[1] + len(sentence[0])):
            attribution = _parse_before(sentence[0], sentence[1])
            if attribution is not None and attribution.speaker_tokens is not None:
                speaker = self._resolve(attribution)
                if speaker is not None:
                    how = "previous sentence"
                    return self._quote(span, words, "speech", speaker, attribution, how)
        return self._quote(span, words, "speech", None, None, None)

    def _intro_paragraph(self, span: _Span) -> tuple[str, int] | None:
        """The sentence ending in a colon that introduces a quotation or block quote."""
        if span.para_first == 0:
            return None
        pstart, pend, _ = self.paragraphs[span.para_first - 1]
        if self.masked[pend - 1] != ":":
            return None
        begin = max(pstart, pend - 240)
        window = self.masked[begin:pend]
        start = _sentence_start(window)
        return window[start:], begin + start

    def _previous_sentence(self, span: _Span, sentence_start: int) -> tuple[str, int] | None:
        pstart = self.paragraphs[span.para_first][0]
        if sentence_start > pstart:
            begin, end = max(pstart, sentence_start - 240), sentence_start
        else:
            if span.para_first == 0:
                return None
            previous_start, previous_end, kind = self.paragraphs[span.para_first - 1]
            if kind.startswith("h"):
                return None
            begin, end = max(previous_start, previous_end - 240), previous_end
        window = self.masked[begin:end].rstrip()
        start = _sentence_start(window.rstrip(_TERMINAL + "”’\"'"))
        return window[start:], begin + start

    def _resolve(self, attribution: _Attribution) -> str | None:
        people = self.people
        tokens = attribution.speaker_tokens
        if tokens is None or attribution.kind in ("indefinite", "none"):
            return None
        person: _Person | None = None
        if attribution.kind == "pronoun":
            gender = _PRONOUNS.get(tokens[0])
            if gender is None:
                return None
            person = people.nearest(attribution.position, gender, self.spoken)
            if person is not None and people.gender_of(person) is None:
                person.gender = gender
        elif attribution.kind == "role":
            person = people.resolve_role(tokens)
        else:
            words = [w for w in tokens if w.lower() != "the"]
            first = 0
            for index, word in enumerate(words):
                if _is_title_word(word):
                    first = index + 1
            while first < len(words) - 1 and words[first][0].islower():
                first += 1  # "economist Priyanka Raman"
            names = words[first:] or words
            names[-1] = names[-1][:-2] if names[-1].endswith(("’s", "'s")) else names[-1]
            key = tuple(w.lower() for w in names)
            if key in people.organisations:
                return " ".join(names)
            person = people.resolve_words(key)
            if person is None:
                if key in people.by_tail:
                    return None  # several people go by this name
                person = people.add(names)
        if person is None:
            return None
        bisect.insort(self.spoken, (attribution.position, person), key=lambda item: item[0])
        return person.name


def _word_count(words: str, cap: int = 13) -> int:
    """Words in `words`, counted up to `cap` (all the classification needs)."""
    return len(words.split(maxsplit=cap))


def _is_title_case(words: str) -> bool:
    tokens = _WORD_RE.findall(words)
    if len(tokens) < 2:
        return False
    capitalised = [t for t in tokens if t[0].isupper()]
    minor = {"a", "an", "the", "of", "for", "and", "or", "in", "on", "at", "to", "by", "with"}
    return all(t[0].isupper() or t in minor for t in tokens) and len(capitalised) >= 2


__all__ = [
    "QUOTE_MARKS",
    "SAME_QUOTE_THRESHOLD",
    "FoundQuote",
    "blocks_from_html",
    "find_quotes",
    "normalize_quote",
    "quote_similarity",
    "speaker_slug",
]
