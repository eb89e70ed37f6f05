"""Tokens, sentence bounds and noun phrases (names, roles, pronouns) around a quotation."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .lexicon import (
    _ABBREVIATIONS,
    _DETERMINERS,
    _FOREIGN_FUNCTION_WORDS,
    _INDEFINITES,
    _MASK,
    _NOT_NAMES,
    _PARTICLE_SET,
    _POST_NAME,
    _PRONOUNS,
    _ROLE_ACRONYMS,
    _ROLE_SUFFIXES,
    _ROLE_TITLES,
    _SENTENCE_END_RE,
    _SKIPPABLE,
    _SPEECH_VERBS,
    _STOP_WORDS,
    _TOKEN_RE,
)

# Between the words of a role before a name: "chairman, CEO and president Craig Menear".
_ROLE_JOINERS = frozenset({",", "and", "&"})
# Words that open a sentence before its subject.
_CONNECTIVES = frozenset({"but", "and", "so", "yet", "still", "meanwhile", "now", "then"})
# Who may share a speaker's statement without being named ("Paganini and his team wrote").
_COMPANIONS = frozenset({"team", "colleagues", "coauthors", "co-authors", "staff", "aides"})
# Present tense verbs whose subject is plural ("Americans say", "Democrats argue").
_PLURAL_VERBS = frozenset({"say", "tell", "argue", "warn", "insist", "claim", "note", "write"})


class _Phrase(NamedTuple):
    kind: str  # "name", "role", "pronoun", "indefinite"
    words: list[str]
    first: int  # token indices: the phrase is tokens[first:stop]
    stop: int


def _tokens(window: str) -> list[str]:
    return _TOKEN_RE.findall(window)


def _lowered(window: str, toks: list[str]) -> list[str]:
    return list(map(str.lower, toks))


@lru_cache(maxsize=8192)
def _base(token: str) -> str:
    """Lower case without a possessive ending."""
    lowered = token.lower()
    for suffix in ("’s", "'s", "’", "'"):
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            return lowered[: -len(suffix)]
    return lowered


def _is_name_word(token: str) -> bool:
    return token[:1].isupper() and not (len(token) > 1 and token.isupper())


@lru_cache(maxsize=8192)
def _is_title_word(word: str) -> bool:
    base = _base(word)
    return base in _ROLE_TITLES or (len(base) > 12 and base.endswith(_ROLE_SUFFIXES))


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
            if (
                j < len(toks)
                and toks[j] == "."
                and (len(word) == 1 or _base(word) in _ABBREVIATIONS)
            ):
                j += 1  # "Dr.", and initials: "J. K. Rowling", "U.S. Attorney"
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
        return _name_phrase(toks, i)
    if lowered == "the" and i + 1 < len(toks) and _is_name_word(toks[i + 1]):
        stop = _name_forward(toks, i + 1)
        return _Phrase("name", _words(toks, i + 1, stop), i, stop)
    if lowered in _DETERMINERS or lowered in _INDEFINITES or _is_possessive_token(word):
        return _determined_phrase(toks, i)
    # A role before a name: "said fire chief Rui Albuquerque", "chairman, CEO and president
    # Craig Menear said", "lead researcher and NASA planetary scientist Lucas Paganini".
    stop = i
    while stop < len(toks) and stop - i < 9 and not _is_name_word(toks[stop]):
        token = toks[stop]
        if (
            token in _ROLE_ACRONYMS
            or (stop > i and token in _ROLE_JOINERS)
            or (len(token) > 1 and token.isupper())  # "NASA planetary scientist"
        ):
            stop += 1
            continue
        if not token[0].islower() or not _is_role_word(token) or token in _PARTICLE_SET:
            return None
        stop += 1
    if stop > i and stop < len(toks) and toks[stop - 1] not in _ROLE_JOINERS:
        end = _name_forward(toks, stop)
        return _Phrase("name", _words(toks, i, end), i, end)
    return None


def _name_phrase(toks: list[str], i: int) -> _Phrase:
    """A name at `i`, or the name it introduces: "Rovers manager Graham Tully", "Delhi’s Chief
    Minister Arvind Kejriwal" (a possessive place or organisation before a titled name)."""
    stop = _name_forward(toks, i)
    role_end = stop
    limit = 5 if _is_possessive_token(toks[stop - 1]) else 2
    while role_end < len(toks) and role_end - stop < limit:
        bridge = toks[role_end]
        if bridge.islower():
            if not _is_role_word(bridge) or bridge in _PARTICLE_SET:
                break
            if bridge in _FOREIGN_FUNCTION_WORDS:
                break
        elif not (_is_title_word(bridge) or bridge in _ROLE_ACRONYMS):
            break
        role_end += 1
    if (
        role_end < len(toks)
        and _is_name_word(toks[role_end])
        and (role_end > stop or _is_possessive_token(toks[stop - 1]))
    ):
        end = _name_forward(toks, role_end)
        return _Phrase("name", _words(toks, stop, end), i, end)
    return _Phrase("name", _words(toks, i, stop), i, stop)


def _determined_phrase(toks: list[str], i: int) -> _Phrase | None:
    """A role after a determiner ("the minister", "a senior official", "its president, Lior
    Ben-David", "the 14th-ranked Schwartzman")."""
    lowered = toks[i].lower()
    stop = i + 1
    while (
        stop < len(toks)
        and stop - i <= 5
        and (_is_role_word(toks[stop]) or (toks[stop][0].isdigit() and stop == i + 1))
    ):
        stop += 1
    if stop == i + 1:
        return None
    if stop + 1 < len(toks) and toks[stop] == "," and _is_name_word(toks[stop + 1]):
        end = _name_forward(toks, stop + 1)  # "its president, Lior Ben-David"
        return _Phrase("name", _words(toks, stop + 1, end), i, end)
    first_name = stop
    while first_name - 1 > i + 1 and _is_name_word(toks[first_name - 1]):
        first_name -= 1
    before_name = toks[first_name - 1]
    if (
        first_name < stop
        and lowered in _DETERMINERS
        and before_name[0].islower()
        and before_name not in _PARTICLE_SET
    ):
        end = _name_forward(toks, first_name)  # "the 14th-ranked Schwartzman"
        return _Phrase("name", _words(toks, first_name, end), i, end)
    kind = "indefinite" if lowered in _INDEFINITES else "role"
    return _Phrase(kind, toks[i:stop], i, stop)


@lru_cache(maxsize=8192)
def _is_role_word(token: str) -> bool:
    lowered = token.lower()
    return (
        token[0].isalpha()
        and token[0] != _MASK
        and lowered not in _STOP_WORDS
        and lowered not in _SPEECH_VERBS
        and lowered not in _SKIPPABLE
    )


def _clause_subject(toks: list[str], verb: int) -> _Phrase | None:
    """The subject at the start of the sentence (`toks`) whose clause holds `verb`, after a
    leading connective or phrase set off by a comma ("But", "On Tuesday,")."""
    starts = [0]
    comma = next((k for k in range(min(verb, 8)) if toks[k] == ","), None)
    if comma is not None:
        starts.append(comma + 1)
    for start in starts:
        while start < verb and toks[start].lower() in _CONNECTIVES:
            start += 1
        phrase = _np_forward(toks, start)
        if (
            phrase is not None
            and phrase.stop <= verb
            and phrase.kind != "indefinite"
            and not (phrase.kind == "name" and _is_possessive_token(toks[phrase.stop - 1]))
        ):
            return phrase
    return None


def _subject_backward(toks: list[str], verb: int) -> _Phrase | None:
    """The subject that ends just before the verb at `verb`."""
    k = verb - 1
    while k >= 0 and (
        toks[k].lower() in _SKIPPABLE or _is_adverb(toks[k]) or toks[k].lower() in _POST_NAME
    ):
        k -= 1
    appositive: _Phrase | None = None
    if k >= 0 and toks[k] == ",":
        # "Prince Andrew, the younger brother of the heir, Charles, has told …": a sentence
        # that opens with a name and a comma is about that name.
        opening = _np_forward(toks, 0)
        if (
            opening is not None
            and opening.kind == "name"
            and opening.stop < k
            and toks[opening.stop] == ","
        ):
            return opening
        comma = k - 1
        while comma >= 0 and k - comma <= 30 and toks[comma] not in (",", ";", ":"):
            comma -= 1
        if comma < 0 or toks[comma] != ",":
            return None
        appositive = _np_forward(toks, comma + 1)
        if appositive is not None and (appositive.kind != "name" or appositive.stop != k):
            appositive = None
        k = comma - 1
    if k < 0:
        return None
    word = toks[k]
    lowered = word.lower()
    if lowered in _PRONOUNS:
        return _Phrase("pronoun", [lowered], k, k + 1)
    if _is_name_word(word) and not _is_possessive_token(word):
        return _name_backward(toks, k, verb)
    return _role_backward(toks, k, appositive)


def _name_backward(toks: list[str], k: int, verb: int) -> _Phrase | None:
    """The name that ends at `k` (titles, particles and initials included)."""
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
    if first == k and verb < len(toks) and _is_plural_group(toks[k], toks[verb]):
        return _Phrase("indefinite", [toks[k]], k, k + 1)  # "Americans say"
    return _Phrase("name", _words(toks, first, k + 1), first, k + 1)


def _role_backward(toks: list[str], k: int, appositive: _Phrase | None) -> _Phrase | None:
    """The role that ends at `k` ("the minister", "a senior official"), or the name in the
    appositive after it ("the secretary, Jo Pryce,"), or the name it keeps company with
    ("Paganini and his team")."""
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
            if first >= 2 and toks[first - 1].lower() == "and" and toks[k].lower() in _COMPANIONS:
                partner = _subject_backward(toks, first - 1)
                if partner is not None and partner.kind == "name":
                    return partner
            kind = "indefinite" if lowered in _INDEFINITES else "role"
            return _Phrase(kind, toks[first : k + 1], first, k + 1)
        if not _is_role_word(token):
            return None
        first -= 1
    if first < 0 and k < 5 and toks[k].lower().endswith("s"):
        return _Phrase("indefinite", toks[: k + 1], 0, k + 1)  # "Former royal aides called"
    return None


def _is_plural_group(subject: str, verb: str) -> bool:
    """A capitalised plural with a plural verb is a group, not a person: "Americans say"."""
    return verb.lower() in _PLURAL_VERBS and subject.endswith("s") and not subject.endswith("ss")


def _is_adverb(token: str) -> bool:
    return len(token) > 4 and token.endswith("ly") and token.islower()


def _sentence_end(window: str) -> int:
    for match in _SENTENCE_END_RE.finditer(window):
        if not _is_abbreviation_before(window, match.start()):
            return match.end()
    return len(window)


def _sentence_start(window: str) -> int:
    """Where the last sentence of `window` starts: after its last sentence end that is not
    an abbreviation's dot.

    Looked for from the end: a sentence end is a terminal mark, closing marks, then a
    space, so whether one starts at a terminal mark depends on that place alone (the closing
    marks between are never terminal), and trying the terminal marks from the right finds
    the same ones as a scan from the left."""
    end = len(window)
    while True:
        dot = max(
            window.rfind(".", 0, end),
            window.rfind("!", 0, end),
            window.rfind("?", 0, end),
            window.rfind("…", 0, end),
        )
        if dot < 0:
            return 0
        match = _SENTENCE_END_RE.match(window, dot)
        if match is not None and not _is_abbreviation_before(window, dot):
            return match.end()
        end = dot


def _is_abbreviation_before(window: str, dot: int) -> bool:
    if window[dot] != ".":
        return False
    begin = dot
    while begin > 0 and window[begin - 1].isalpha():
        begin -= 1
    word = window[begin:dot]
    return word.lower() in _ABBREVIATIONS or len(word) == 1
