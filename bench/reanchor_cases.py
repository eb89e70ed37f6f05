"""Re-anchoring cases with known truth: a synthetic news article, spans, and tracked edits.

Shared by the anchoring benchmark and the corpus tests. Everything is seeded, so the same
arguments give the same cases. The article generator's words and templates are our own.

An edit is a set of replacements ``(start, end, new_text)`` (or a paragraph move); every span
is carried through each edit, so after the edits we know where each annotated span went, or
that its text was deleted:

- ``intact``: the span's text survived unchanged (maybe moved); it must anchor exactly there;
- ``edited``: its text changed a little (Levenshtein similarity >= 0.75 to the old quote); it
  must anchor on the new text (overlap >= 75% of the union);
- ``changed``: most of its text was rewritten or partly deleted; orphaning it or anchoring on
  what is left of it are both right, anchoring anywhere else is wrong;
- ``deleted``: its text is gone; only ``None`` is right, anything else is a false anchor.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from newsapp.text.anchoring import Anchor, selector_for

EDIT_KINDS = (
    "word_change",
    "typo_fix",
    "insert_sentence",
    "delete_sentence",
    "move_paragraph",
    "whitespace",
)
# Share of each kind among random edits: most revisions fix words and add or drop sentences.
EDIT_WEIGHTS = (6, 4, 4, 2, 2, 1)
# Straight quotes and apostrophes made curly, or curly ones straight, in one paragraph (a
# republished or re-extracted article). Not among EDIT_KINDS, so seeded cases stay as they were.
QUOTE_MARKS = "quote_marks"
_STRAIGHTENED = {"“": '"', "”": '"', "‘": "'", "’": "'"}
EDITED_SIMILARITY = 0.75

_WORD = re.compile(r"\S+")
# A sentence with its closing punctuation and the spaces after it; a line without final
# punctuation (a heading, a caption) counts as one sentence.
_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+[\"'”’»)]*)?[ \t]*")
_PARAGRAPH = re.compile(r"[^\n]+")
_MARK = re.compile("[\"'“”‘’]")

# --- the synthetic article ---------------------------------------------------------------


# Vocabulary: "|"-separated so the lists stay compact.
def _words(spec: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in spec.split("|"))


_FIRST = _words(
    "Amara|Beltran|Corin|Dalby|Esme|Farrow|Gideon|Halvard|Ines|Jorvik|Kasia|Lomond|Mireille|"
    "Nandor|Orla|Petrakis|Quill|Rasmus|Soraya|Teodor|Ulla|Vesna|Wendel|Xanthe|Yorick|Zelda|"
    "Bastian|Clementine|Darius|Elowen|Fenna|Grigor|Hedda|Ilario|Jessamy|Kofi|Linnea|Marek"
)
_LAST = _words(
    "Achterberg|Brannock|Castellane|Drummore|Eskildsen|Fairweather|Grunewald|Hollis|Ibsworth|"
    "Jandrell|Kettering|Lindqvist|Marchetti|Northcote|Oyelaran|Pemberton|Quarrie|Rosenthal|"
    "Strathmore|Thistlewood|Underhill|Vasquez-Moreau|Whitlock|Yarborough|Zimmerly|Ashdown|"
    "Balogun|Crowhurst|Delacroix-Penn|Eversleigh|Fitzallan|Gaskell|Haverford|Inglethorpe"
)
_ROLES = _words(
    "the mayor|a spokesperson for the council|the finance director|an economist at the "
    "university|the chief engineer|a local historian|the council leader|a union organiser|the "
    "head teacher at Moorside primary|a hospital administrator|the harbour master|a retired "
    "ferry captain|the opposition's transport lead|a shop owner on Quay Street|the regional "
    "ombudsman|a housing campaigner|the county's chief planner|a lawyer for the residents"
)
_GROUPS = _words(
    "the transit authority|the harbour commission|the county council|the teachers' union|the "
    "regional health board|the water utility|the chamber of commerce|the housing trust|the "
    "state auditor|the farmers' cooperative|the port workers' guild|the electoral office|the "
    "planning inspectorate|the tenants' association|the rail operator|the fisheries agency|the "
    "schools trust|the energy regulator"
)
_PLACES = _words(
    "Harrowgate|Lindenfeld|Port Calloway|Easterby|Marrowvale|Quenby|Saltmarsh|Tullington|"
    "Westerhaven|Brackenridge|Oldcastle|Fenwick Bay|Ravensmoor|Dunmere|Kestrel Point|Ashford "
    "Hill|Nettlecombe|Greyfriars Cross|Upper Wennick|Skelby|Maddox Green|Carrow Sands"
)
_TOPICS = _words(
    "the bridge repairs|the new tram line|the flood defences|the school budget|rents in the old "
    "town|the harbour dredging|the clinic closures|the wind farm proposal|the library hours|the "
    "ferry timetable|the recycling contract|the summer festival|the pension reform|the road "
    "tolls|the night bus service|the hospital car park|the coastal path|the market hall lease|"
    "the desalination plant|school meal prices|the cycle lanes on Mill Road|the stadium "
    "redevelopment|the care home inspections|the broadband rollout|the sea wall survey|"
    "parking charges near the station|the heritage grant|the dredging licence"
)
_VERBS = _words(
    "approved|delayed|rejected|reviewed|expanded|questioned|postponed|funded|audited|defended|"
    "criticised|revised|scrapped|paused|endorsed|challenged|renegotiated|shelved|fast-tracked|"
    "capped|extended|trimmed"
)
_ADJECTIVES = _words(
    "modest|unexpected|lengthy|costly|careful|public|narrow|sweeping|gradual|sharp|early|quiet|"
    "heated|brief|formal|detailed|provisional|disputed|overdue|ambitious|leaked|revised|"
    "independent|interim"
)
_NOUNS = _words(
    "plan|vote|report|delay|budget|survey|inquiry|contract|proposal|shortfall|agreement|"
    "hearing|deadline|estimate|petition|review|tender|forecast|ruling|settlement|audit|"
    "consultation|memo|timetable"
)
_TIMES = _words(
    "on Monday|on Tuesday|on Wednesday|on Thursday|on Friday|last week|late on Sunday|earlier "
    "this month|in March|over the weekend|at a packed meeting on Thursday|in a closed session"
)
_REASONS = _words(
    "citing rising costs|after complaints from parents|pending legal advice|because of staff "
    "shortages|after a safety review|despite objections from traders|to free up money for "
    "repairs|after the insurer withdrew|while the audit continues|amid a row over the "
    "tender|after months of pressure from residents|to meet the new coastal rules"
)
_SAY = _words(
    "said|told reporters|wrote in a statement|argued|added|warned|noted|told the meeting|said "
    "in an interview|posted online"
)
_OPENERS = _words(
    "We have been clear that|Nobody should pretend that|The truth is that|I think|Frankly,|We "
    "warned last year that|Everyone in this room knows that|It is disappointing that|What we "
    "are hearing is that|I am confident that|Residents tell me that|Let me be plain:"
)
_CLAIMS = _words(
    "the budget cannot absorb another delay|the numbers moved faster than anyone expected|the "
    "town cannot keep borrowing against next year|families deserve an answer before winter|we "
    "asked for the figures twice and never saw them|this is a fair compromise|the timetable "
    "was never realistic|the savings will be small but real|the outer districts feel left "
    "behind|this is the biggest decision in a decade|the audit has to be published in full|"
    "the contract was signed in a hurry|nobody consulted the fishermen|the repairs should "
    "have started in spring|the lease favours the developer|the service is used by thousands "
    "of pensioners|the costs were hidden in an appendix|the trams will run late for months|"
    "young people are leaving the coast|the inspectors were not given access"
)
_CHANGES = _words(
    "up sharply from the spring estimate|nearly double the original figure|slightly below "
    "last year's bill|the highest since records began|a third more than the council budgeted|"
    "in line with the auditor's warning"
)
_FUTURES = _words(
    "go ahead as planned|be delayed again|cost more than promised|survive the next budget|"
    "be put out to tender|face a legal challenge"
)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


_LEADS = _words(
    "|||||Separately, |Meanwhile, |In a statement, |By contrast, |Earlier, |At the same "
    "meeting, |In response, |Later, |Privately, |For now, |Even so, "
)
_TAILS = _words(
    "||||||, officials said|, according to minutes of the meeting|, two people familiar with "
    "the talks said|, the council confirmed|, records show|, a spokesperson confirmed"
)
_LIKELY = _words(
    "would be|is likely to be|could be|will probably be|is expected to be|may yet be|"
    "was always going to be"
)
_DEADLINES = _words(
    "before the end of the month|by the summer|within weeks|before the election|next year|"
    "before the budget vote|by the end of the season|once the audit is complete"
)
_SAID = _words("said|argued|insisted|conceded|claimed|told the committee|suggested")


def _sentence(rng: random.Random) -> str:
    pick = rng.choice
    group, topic, verb, noun = pick(_GROUPS), pick(_TOPICS), pick(_VERBS), pick(_NOUNS)
    adjective, place, when, name = pick(_ADJECTIVES), pick(_PLACES), pick(_TIMES), _name(rng)
    claim, opener, amount = pick(_CLAIMS), pick(_OPENERS), rng.randint(2, 980)
    said, year = pick(_SAID), rng.randint(1998, 2024)
    templates: Sequence[Callable[[], str]] = (
        lambda: f"{group} {verb} {topic} {when}, {pick(_REASONS)}",
        lambda: f"{name}, {pick(_ROLES)}, {said} {claim}",
        lambda: f"{name} {said} the {adjective} {noun} {pick(_LIKELY)} {verb} {pick(_DEADLINES)}",
        lambda: (
            f"the {adjective} {noun} puts the cost of {topic} at {amount} million, {pick(_CHANGES)}"
        ),
        lambda: (
            f"{rng.randint(12, 900)} residents of {place} gathered {when} to discuss "
            f"{topic}, and {rng.randint(3, 90)} of them signed a {noun}"
        ),
        lambda: (
            f"critics, including {name}, {said} {group} had {verb} the {noun} without "
            f"consulting {place}"
        ),
        lambda: (
            f"about {amount} households in {place} are affected by {topic}, according to {group}"
        ),
        lambda: f"{group} {verb} a {adjective} {noun} on {topic} {when}, {pick(_REASONS)}",
        lambda: (
            f"the figures, published {when}, show that {topic} will cost {place} about "
            f"{amount} thousand a year"
        ),
        lambda: (
            f"{name} has followed {topic} since {year}, when the first {noun} was {verb} by {group}"
        ),
        lambda: f"it was not immediately clear whether {group} would accept the {noun}",
        lambda: (
            f"officials in {place} expect {topic} to {pick(_FUTURES)}, according to a "
            f"{adjective} {noun} seen by this newspaper"
        ),
    )
    quoted: Sequence[Callable[[], str]] = (
        lambda: f'"{opener} {claim}," {name} {pick(_SAY)}.',
        lambda: f'"{claim.capitalize()}," said {name}, {pick(_ROLES)}.',
        lambda: (
            f"Asked whether {topic} would {pick(_FUTURES)}, {pick(_ROLES)} said: "
            f'"{opener} {claim}."'
        ),
        lambda: f"{group.capitalize()} did not respond to a request for comment {when}.",
    )
    if rng.random() < 0.25:
        return pick(quoted)()
    lead = pick(_LEADS)
    core = pick(templates)()
    opening = f"{lead} {core}" if lead else core[0].upper() + core[1:]
    return f"{opening}{pick(_TAILS)}."


def news_article(seed: int = 1, words: int = 10_000) -> str:
    """A deterministic news-like article of about ``words`` words, in paragraphs.

    Like real extracted text it has a few irregular spaces (double spaces after some full
    stops, a no-break space in some amounts), which a whitespace-normalising edit removes.
    """
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        sentences = [_sentence(rng) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))]
        separator = "  " if rng.random() < 0.1 else " "
        paragraph = separator.join(sentences)
        if rng.random() < 0.1:
            paragraph = paragraph.replace(" million", "\u00a0million", 1)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def new_sentence(rng: random.Random) -> str:
    """A fresh sentence for insertions (same generator as the article)."""
    return _sentence(rng)


# --- spans and their selectors -----------------------------------------------------------


def pick_spans(text: str, count: int, rng: random.Random) -> list[tuple[int, int]]:
    """Word-aligned spans inside one paragraph each, of 1 to 60 words, as readers select."""
    paragraphs = [match.span() for match in _PARAGRAPH.finditer(text)]
    words_of = [
        [(match.start() + low, match.end() + low) for match in _WORD.finditer(text[low:high])]
        for low, high in paragraphs
    ]
    weights = [len(words) for words in words_of]
    spans = []
    while len(spans) < count:
        (words,) = rng.choices(words_of, weights=weights)
        size = rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60))
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + size - 1)
        spans.append((words[first][0], words[last][1]))
    return spans


# --- edits with tracked truth ------------------------------------------------------------


@dataclass
class TrackedSpan:
    start: int
    end: int
    deleted: bool = False  # all of its text was deleted
    cut: bool = False  # part of its text was deleted


@dataclass
class Revision:
    """A text being edited, carrying the annotated spans along."""

    text: str
    spans: list[TrackedSpan]
    applied: Counter = field(default_factory=Counter)

    def replace(self, replacements: Sequence[tuple[int, int, str]]) -> None:
        """Apply non-overlapping replacements ``(start, end, new)`` given in current offsets."""
        ordered = sorted(replacements)
        pieces, previous = [], 0
        for low, high, new in ordered:
            pieces.append(self.text[previous:low])
            pieces.append(new)
            previous = high
        pieces.append(self.text[previous:])
        self.text = "".join(pieces)
        for span in self.spans:
            if span.deleted:
                continue
            for low, high, new in ordered:
                if not new and low < high and low < span.end and span.start < high:
                    if low <= span.start and span.end <= high:
                        span.deleted = True
                    else:
                        span.cut = True
            span.start, span.end = _map_start(span.start, ordered), _map_end(span.end, ordered)

    def move(self, low: int, high: int, to: int) -> None:
        """Move ``text[low:high]`` to current offset ``to`` (not inside the block)."""
        block = self.text[low:high]
        rest = self.text[:low] + self.text[high:]
        target = to if to <= low else to - (high - low)
        inside = [span for span in self.spans if low <= span.start and span.end <= high]
        for span in inside:
            span.start += target - low
            span.end += target - low
        # By identity: a moved span can equal another span's fields once moved.
        moved = {id(span) for span in inside}
        outside = [span for span in self.spans if id(span) not in moved and not span.deleted]
        for span in outside:
            for edit in ([(low, high, "")], [(target, target, block)]):
                if low < span.end and span.start < high and edit[0][2] == "":
                    span.cut = True
                span.start, span.end = _map_start(span.start, edit), _map_end(span.end, edit)
        self.text = rest[:target] + block + rest[target:]


def _map_start(position: int, ordered: Sequence[tuple[int, int, str]]) -> int:
    """Where a span start goes: text inserted at it goes before it."""
    shift = 0
    for low, high, new in ordered:
        if low > position or (low == position and low < high):
            break
        if high <= position:
            shift += len(new) - (high - low)
        else:  # inside a replaced stretch: the span now starts where the new text starts
            return low + shift
    return position + shift


def _map_end(position: int, ordered: Sequence[tuple[int, int, str]]) -> int:
    """Where a span end goes: text inserted at it goes after it."""
    shift = 0
    for low, high, new in ordered:
        if low >= position:
            break
        if high <= position:
            shift += len(new) - (high - low)
        else:  # inside a replaced stretch: the span now ends where the new text ends
            return low + shift + len(new)
    return position + shift


def random_edit(revision: Revision, rng: random.Random, kind: str) -> None:
    """Apply one edit of ``kind`` (one of ``EDIT_KINDS``) at a random place."""
    text = revision.text
    if kind == "word_change":
        words = list(re.finditer(r"\w{3,}", text))
        target = rng.choice(words)
        replacement = target.group()
        while replacement == target.group():
            replacement = rng.choice(words).group()
        revision.replace([(target.start(), target.end(), replacement)])
    elif kind == "typo_fix":
        target = rng.choice(list(re.finditer(r"\w{4,}", text)))
        revision.replace([(target.start(), target.end(), _typo(target.group(), rng))])
    elif kind == "insert_sentence":
        at = rng.choice([match.start() for match in _SENTENCE.finditer(text)])
        revision.replace([(at, at, new_sentence(rng) + " ")])
    elif kind == "delete_sentence":
        target = rng.choice(list(_SENTENCE.finditer(text)))
        revision.replace([(target.start(), target.end(), "")])
    elif kind == "move_paragraph":
        starts = [match.start() for match in _PARAGRAPH.finditer(text)]
        if len(starts) < 3:
            return
        index = rng.randrange(len(starts) - 1)
        low, high = starts[index], starts[index + 1]
        to = rng.choice([start for start in starts if start != low and start != high])
        revision.move(low, high, to)
    elif kind == QUOTE_MARKS:
        marked = [m for m in _PARAGRAPH.finditer(text) if _MARK.search(m.group())]
        if not marked:
            return
        low, high = rng.choice(marked).span()
        revision.replace(
            [
                (m.start(), m.end(), _swapped_mark(text, m.start()))
                for m in _MARK.finditer(text, low, high)
            ]
        )
    elif kind == "whitespace":
        runs = [(m.start(), m.end(), " ") for m in re.finditer(r"[ \t\u00a0]{2,}|[\t\u00a0]", text)]
        runs += [(m.start(), m.end(), "\n\n") for m in re.finditer(r"\n{3,}", text)]
        revision.replace(runs)
    else:
        raise ValueError(f"unknown edit kind {kind!r}")
    revision.applied[kind] += 1


def _swapped_mark(text: str, at: int) -> str:
    """The curly form of a straight mark (opening after a space), or the straight form of a
    curly one."""
    mark = text[at]
    if mark in _STRAIGHTENED:
        return _STRAIGHTENED[mark]
    opening = at == 0 or text[at - 1].isspace() or text[at - 1] in "([—"
    if mark == '"':
        return "“" if opening else "”"
    return "‘" if opening else "’"


def _typo(word: str, rng: random.Random) -> str:
    inner = rng.randrange(1, len(word) - 1)
    way = rng.randrange(4)
    if way == 0:  # swapped letters
        return word[:inner] + word[inner + 1] + word[inner] + word[inner + 2 :]
    if way == 1:  # a dropped letter
        return word[:inner] + word[inner + 1 :]
    if way == 2:  # a doubled letter
        return word[:inner] + word[inner] + word[inner:]
    letter = rng.choice([c for c in "etaoinsrhl" if c != word[inner]])
    return word[:inner] + letter + word[inner + 1 :]


# --- cases and judging -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A selector made on the old text, and where its span really is in the new text."""

    selector: dict
    truth: tuple[int, int]
    category: str  # "intact" | "edited" | "changed" | "deleted"


@dataclass
class CaseSet:
    old_text: str
    new_text: str
    cases: list[Case]
    edits: Counter


def make_cases(
    text: str,
    *,
    spans: int,
    edits: int | Mapping[str, int],
    seed: int,
    kinds: Sequence[str] = EDIT_KINDS,
    weights: Sequence[float] | None = None,
) -> CaseSet:
    """Pick ``spans`` spans on ``text``, apply edits at random places, and record the truth.

    ``edits`` is a number of edits whose kinds are drawn from ``kinds`` (by ``weights``), or
    the exact count of each kind, applied in random order.
    """
    rng = random.Random(seed)
    if weights is None and tuple(kinds) == EDIT_KINDS:
        weights = EDIT_WEIGHTS
    picked = pick_spans(text, spans, rng)
    revision = Revision(text, [TrackedSpan(start, end) for start, end in picked])
    if isinstance(edits, int):
        sequence = rng.choices(list(kinds), weights=weights, k=edits)
    else:
        sequence = [kind for kind, count in edits.items() for _ in range(count)]
        rng.shuffle(sequence)
    for kind in sequence:
        random_edit(revision, rng, kind)
    cases = []
    for (start, end), span in zip(picked, revision.spans, strict=True):
        old_quote = text[start:end]
        new_quote = revision.text[span.start : span.end]
        if span.deleted:
            category = "deleted"
        elif new_quote == old_quote and not span.cut:
            category = "intact"
        elif not span.cut and _similarity(old_quote, new_quote) >= EDITED_SIMILARITY:
            category = "edited"
        else:
            category = "changed"
        cases.append(Case(selector_for(text, start, end), (span.start, span.end), category))
    return CaseSet(text, revision.text, cases, revision.applied)


def _similarity(old: str, new: str) -> float:
    return 1.0 - Levenshtein.distance(old, new) / max(len(old), 1)


def judge(case: Case, found: tuple[int, int] | None) -> str:
    """ "right", "missed" (orphaned a span that survived), "misplaced" or "false_anchor"."""
    if found is None:
        return "missed" if case.category in ("intact", "edited") else "right"
    if case.category == "deleted":
        return "false_anchor"
    start, end = found
    low, high = case.truth
    if case.category == "intact":
        return "right" if (start, end) == (low, high) else "misplaced"
    overlap = min(end, high) - max(start, low)
    union = max(end, high) - min(start, low)
    if case.category == "edited":
        return "right" if union and overlap / union >= 0.75 else "misplaced"
    return "right" if overlap > 0 else "misplaced"


@dataclass
class Tally:
    """Outcomes of anchoring a list of cases, by verdict, category and method."""

    verdicts: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    methods: Counter = field(default_factory=Counter)
    wrong_by_category: Counter = field(default_factory=Counter)

    def add(self, case: Case, found: Anchor | tuple[int, int] | None, method: str) -> str:
        span = (found.start, found.end) if isinstance(found, Anchor) else found
        verdict = judge(case, span)
        self.verdicts[verdict] += 1
        self.categories[case.category] += 1
        self.methods[method] += 1
        if verdict != "right":
            self.wrong_by_category[case.category] += 1
        return verdict

    @property
    def total(self) -> int:
        return sum(self.verdicts.values())

    @property
    def right_share(self) -> float:
        return self.verdicts["right"] / self.total if self.total else 1.0

    @property
    def surviving_right_share(self) -> float:
        """Share right among spans whose text survived (intact or lightly edited)."""
        surviving = self.categories["intact"] + self.categories["edited"]
        wrong = self.wrong_by_category["intact"] + self.wrong_by_category["edited"]
        return 1.0 - wrong / surviving if surviving else 1.0

    @property
    def false_anchor_rate(self) -> float:
        deleted = self.categories["deleted"]
        return self.verdicts["false_anchor"] / deleted if deleted else 0.0

    def add_all(self, cases: Sequence[Case], anchors: Sequence[Anchor | None]) -> None:
        for case, anchor in zip(cases, anchors, strict=True):
            self.add(case, anchor, anchor.method if anchor else "orphaned")
