"""What a reader typed into the search box, parsed: words, phrases, exclusions and filters.

The grammar (case-insensitive operator names; unknown `name:value` pairs are plain words, so a
pasted web address still searches):

    ceasefire monitors        both words (each word may be stemmed by the engine)
    "flood basins"            the words in this order
    budget OR tariff          either word (OR in capitals, between two words or phrases)
    -pension  -"car parks"    leave out what has this word or phrase
    user:ana                  notes and replies written by a reader (repeat: any of them)
    tag:budget                notes carrying a tag (repeat: all of them)
    kind:claim                notes of a kind: highlight, note, question, claim, quote, reply
    speaker:"Ada Okafor"      quotations by a speaker (as shown, or as the article wrote it)
    source:ledger             things on articles from an outlet (its name or web address)
    after:2026-03 before:2026-04-15
                              dated on or after / strictly before (a year, month or day)
    is:mine                   your own notes (signed in)

`parse` never lets text through unchecked: it returns a `SearchQuery` or raises `QueryError`
with a sentence for the reader. The engines never see the raw string: `fts5_expression` quotes
every word and phrase as an FTS5 string (nothing inside a string is syntax), and the PostgreSQL
engine passes each word as a parameter to phraseto_tsquery.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY_CHARS = 500
MAX_TERMS = 100  # a pasted 500-character passage has about 85 words
MAX_FILTERS = 16
MAX_FILTER_VALUE_CHARS = 200

NOTE_KINDS = ("highlight", "note", "question", "claim", "quote", "reply")
_KIND_SPELLINGS = {kind: kind for kind in NOTE_KINDS} | {
    "highlights": "highlight",
    "notes": "note",
    "questions": "question",
    "claims": "claim",
    "quotes": "quote",
    "replies": "reply",
}
OPERATORS = ("user", "tag", "kind", "speaker", "source", "before", "after", "is")

# Typographic quotation marks phones put in place of '"' (smart punctuation) open and close
# phrases too.
_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
# Bidirectional overrides and isolates can make text display in another order than it is typed;
# they never belong in a search.
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_OPERATOR = re.compile(r"^(-?)([A-Za-z]+):(.*)$", re.DOTALL)

# Highlight markers the engines put around matched words in excerpts (private-use characters a
# reader cannot type into a note by accident; `marked_html` turns them into <mark> elements).
MARK_START = "\ue000"
MARK_END = "\ue001"


class QueryError(ValueError):
    """The search cannot run as typed; `str(error)` says why, in words for the reader."""


@dataclass(frozen=True)
class Term:
    """A word (`phrase` False) or a quoted phrase, as typed (the engine tokenises it)."""

    text: str
    phrase: bool = False

    def __str__(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: every clause must match (a clause is one term or several joined by
    OR), no excluded term may, and the filters narrow what is searched."""

    text: str
    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    users: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    after: date | None = None
    before: date | None = None
    mine: bool = False
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_words(self) -> bool:
        return bool(self.clauses)

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every word and phrase to find (not the excluded ones), in the order typed."""
        return tuple(term for clause in self.clauses for term in clause)

    @property
    def note_filters(self) -> bool:
        """Filters only notes have (an author, a tag, a kind): other groups drop out."""
        return bool(self.users or self.tags or self.kinds or self.mine)

    @property
    def is_empty(self) -> bool:
        return not (self.clauses or self.note_filters or self.speakers or self.sources) and (
            self.after is None and self.before is None
        )


def normalize(text: str) -> str:
    """NFKC (full-width forms and ligatures as their plain letters), typographic quotes as '"',
    control, surrogate and bidi characters removed, runs of white space as one space."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    kept = (
        " " if char.isspace() else char
        for char in text
        if char.isspace()
        or (unicodedata.category(char) not in {"Cc", "Cs"} and char not in _BIDI_CONTROLS)
    )
    return " ".join("".join(kept).split())


def has_word_characters(text: str) -> bool:
    """Whether the engines will find a word in `text` (a letter or a digit)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def parse(raw: str) -> SearchQuery:
    """Parse a search as typed; raise QueryError with the reason when it cannot run."""
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(
            f"Searches are at most {MAX_QUERY_CHARS} characters; this one has {len(raw):,}. "
            "Keep the words that matter most."
        )
    text = normalize(raw)
    builder = _Builder(text)
    for token in _tokens(text):
        builder.add(token)
    return builder.build()


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    text: str
    quoted: bool = False  # a phrase, or an operator whose value was quoted
    negated: bool = False
    operator: str = ""


def _tokens(text: str):
    """Words, "phrases", -exclusions, OR and name:value pairs, left to right. An unclosed quote
    runs to the end of the search."""
    position = 0
    length = len(text)
    while position < length:
        if text[position] == " ":
            position += 1
            continue
        negated = text[position] == "-" and position + 1 < length and text[position + 1] != " "
        start = position + 1 if negated else position
        if text[start] == '"':
            end = text.find('"', start + 1)
            end = length if end == -1 else end
            yield _Token(text[start + 1 : end], quoted=True, negated=negated)
            position = end + 1
            continue
        end = text.find(" ", start)
        end = length if end == -1 else end
        chunk = text[start:end]
        match = _OPERATOR.match(chunk)
        if match and match.group(2).lower() in OPERATORS:
            operator = match.group(2).lower()
            if match.group(3).startswith('"'):
                close = text.find('"', start + len(operator) + 2)
                close = length if close == -1 else close
                value = text[start + len(operator) + 2 : close]
                yield _Token(value, quoted=True, negated=negated, operator=operator)
                position = close + 1
                continue
            yield _Token(match.group(3), negated=negated, operator=operator)
        elif negated and chunk == "":
            pass
        else:
            yield _Token(chunk, negated=negated)
        position = end


# --- building the query ------------------------------------------------------------------------


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.clauses: list[list[Term]] = []
        self.excluded: list[Term] = []
        self.filters: dict[str, list[str]] = {name: [] for name in OPERATORS}
        self.ignored: list[str] = []
        self.pending_or = False
        self.filter_count = 0

    def add(self, token: _Token) -> None:
        if token.operator:
            self.add_filter(token)
        elif token.text == "OR" and not token.quoted and not token.negated:
            # Between two terms it joins them; anywhere else it is ignored.
            self.pending_or = bool(self.clauses)
        else:
            self.add_term(token)

    def add_term(self, token: _Token) -> None:
        text = token.text.strip()
        if not has_word_characters(text):
            if text:
                self.ignored.append(text)
            self.pending_or = False
            return
        term = Term(text, phrase=token.quoted)
        if token.negated:
            self.excluded.append(term)
        elif self.pending_or:
            self.clauses[-1].append(term)
        else:
            self.clauses.append([term])
        self.pending_or = False
        if len(self.excluded) + sum(len(clause) for clause in self.clauses) > MAX_TERMS:
            raise QueryError(
                f"Search with at most {MAX_TERMS} words. To find a passage, put a few of its "
                'words in quotes, like "flood basins".'
            )

    def add_filter(self, token: _Token) -> None:
        name, value = token.operator, token.text.strip()
        self.pending_or = False
        if token.negated:
            raise QueryError(
                f"Filters cannot be left out: “-{name}:” is not supported. "
                f"Use {name}: to narrow the search instead."
            )
        if not value:
            raise QueryError(f"“{name}:” needs a value, like {_EXAMPLES[name]}.")
        if len(value) > MAX_FILTER_VALUE_CHARS:
            raise QueryError(f"The value of “{name}:” is too long.")
        self.filter_count += 1
        if self.filter_count > MAX_FILTERS:
            raise QueryError(f"Use at most {MAX_FILTERS} filters in one search.")
        self.filters[name].append(_FILTER_VALUES[name](value))

    def build(self) -> SearchQuery:
        filters = self.filters
        after = max(filters["after"]) if filters["after"] else None
        before = min(filters["before"]) if filters["before"] else None
        if self.excluded and not self.clauses:
            raise QueryError(
                "Add a word to find: a minus sign only leaves words out "
                f"(like “budget -{self.excluded[0]}”)."
            )
        query = SearchQuery(
            text=self.text,
            clauses=tuple(tuple(clause) for clause in self.clauses),
            excluded=tuple(self.excluded),
            users=_unique(filters["user"]),
            tags=_unique(filters["tag"]),
            kinds=_unique(filters["kind"]),
            speakers=_unique(filters["speaker"]),
            sources=_unique(filters["source"]),
            after=after,
            before=before,
            mine=bool(filters["is"]),
            ignored=tuple(self.ignored),
        )
        if query.is_empty and self.text:
            shown = self.text if len(self.text) <= 40 else self.text[:40] + "…"
            raise QueryError(f"“{shown}” has no words to search for. Try letters or numbers.")
        return query


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _user(value: str) -> str:
    if not _USERNAME.match(value):
        raise QueryError("“user:” takes a reader's name, like user:ana.")
    return value


def _tag(value: str) -> str:
    tag = " ".join(value.lower().split()).lstrip("#")
    if not tag or len(tag) > 40:
        raise QueryError("“tag:” takes a tag of up to 40 characters, like tag:budget.")
    return tag


def _kind(value: str) -> str:
    kind = _KIND_SPELLINGS.get(value.lower())
    if kind is None:
        raise QueryError(
            f"“kind:{value}” is not a kind of note. Use one of: {', '.join(NOTE_KINDS)}."
        )
    return kind


def _name(value: str) -> str:
    if not has_word_characters(value):
        raise QueryError(f"“{value}” is not a name to look for.")
    return value


def _date(value: str) -> date:
    match = _DATE.match(value)
    if match:
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise QueryError(
        f"“{value}” is not a date. Write a year, a month or a day: 2026, 2026-03, 2026-03-15."
    )


def _is(value: str) -> str:
    if value.lower() != "mine":
        raise QueryError(f"“is:{value}” is not a filter; is:mine finds your own notes.")
    return "mine"


_FILTER_VALUES = {
    "user": _user,
    "tag": _tag,
    "kind": _kind,
    "speaker": _name,
    "source": _name,
    "before": _date,
    "after": _date,
    "is": _is,
}
_EXAMPLES = {
    "user": "user:ana",
    "tag": "tag:budget",
    "kind": "kind:claim",
    "speaker": 'speaker:"Ada Okafor"',
    "source": "source:ledger",
    "before": "before:2026-03-01",
    "after": "after:2026",
    "is": "is:mine",
}


# --- for the engines ---------------------------------------------------------------------------


def fts5_string(text: str) -> str:
    """`text` as an FTS5 string: whatever it holds is words, never query syntax."""
    return '"' + text.replace('"', '""') + '"'


def fts5_expression(query: SearchQuery) -> str:
    """The SQLite FTS5 MATCH expression of a query with words (every term a quoted string)."""
    if not query.clauses:
        raise ValueError("An FTS5 expression needs at least one word to find.")
    clauses = [
        "(" + " OR ".join(fts5_string(term.text) for term in clause) + ")"
        for clause in query.clauses
    ]
    expression = "(" + " AND ".join(clauses) + ")"
    for term in query.excluded:
        expression = f"({expression} NOT {fts5_string(term.text)})"
    return expression


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\s[^)]*)?\)")
_MD_LINE_START = re.compile(r"(?m)^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)")
_MD_EMPHASIS = re.compile(r"\*\*|__|~~|`+|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")


def markdown_as_text(text: str) -> str:
    """A note's Markdown as the words a reader sees: links as their text, no emphasis
    markers, quote or list marks (for excerpts, which show text, not formatting)."""
    return _MD_EMPHASIS.sub("", _MD_LINE_START.sub("", _MD_LINK.sub(r"\1", text)))


def marked_html(text: str) -> str:
    """An excerpt the engine marked with MARK_START/MARK_END, as escaped HTML with <mark>s.

    The excerpt is the stored text of a note or an article, so it is escaped first; markers are
    paired strictly, so stray marker characters in the text cannot unbalance the markup."""
    parts: list[str] = []
    open_mark = False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", text):
        if piece == MARK_START:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == MARK_END:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        else:
            parts.append(html.escape(piece, quote=False))
    if open_mark:
        parts.append("</mark>")
    return "".join(parts)


def mark_words(text: str, words: list[str] | tuple[str, ...]) -> str:
    """Escaped `text` with every case-insensitive occurrence of `words` in <mark> (for short
    names, such as tags and speakers, that the engines do not excerpt)."""
    needles = sorted({word.casefold() for word in words if word.strip()}, key=len, reverse=True)
    if not needles:
        return html.escape(text, quote=False)
    pattern = re.compile("|".join(re.escape(needle) for needle in needles), re.IGNORECASE)
    marked = pattern.sub(lambda match: MARK_START + match.group(0) + MARK_END, text)
    return marked_html(marked)
