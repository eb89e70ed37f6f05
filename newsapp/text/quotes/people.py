"""The people (and organisations) an article names: full names, roles, mentions and gender."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .lexicon import (
    _BOUNDARY_RE,
    _DETERMINERS,
    _GENDER_PRONOUN_RE,
    _HONORIFIC_GENDER,
    _MASK,
    _NAME_RE,
    _NOT_NAMES,
    _NOT_PERSON_LAST,
    _PLACE_FIRST,
    _ROLE_SYNONYMS,
    _STOP_WORDS,
)
from .marks import QUOTE_MARKS
from .names import Headlines, _role_words, _split_name, drop_sentence_opener
from .phrases import (
    _base,
    _is_abbreviation_before,
    _is_title_word,
    _sentence_end,
)

# A name right after one of these is a place ("in Sierra Leone", "near Port Aldren").
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|across|outside|inside|throughout) $")
# Where an appositive after a name ends, and where one before a name starts.
_CLAUSE_END_RE = re.compile(r"[,.;:(\n" + _MASK + "]")
_PHRASE_START_RE = re.compile(r"[,.;:—\n" + _MASK + "]")


class _RunName(NamedTuple):
    """A name in a run of capitalised words, with what follows from its words alone."""

    first: int  # offsets from the start of the run
    end: int
    words: list[str]
    titles: list[str]
    key: tuple[str, ...]  # the words in lower case
    organisation_like: bool  # "... Bank", "Port ...": an organisation or a place
    title_roles: frozenset[str]


class _Run(NamedTuple):
    """What a run of capitalised words names, the same wherever in the article it stands:
    one word to resolve later (its length and key), an organisation, or names."""

    short: tuple[int, tuple[str, ...]] | None
    organisation: tuple[str, ...] | None
    names: tuple[_RunName, ...]


def _read_run(sequence: str) -> _Run:
    if " " not in sequence and "\u00a0" not in sequence and sequence[-1:] != ".":
        word = sequence[:-2] if sequence.endswith(("’s", "'s")) else sequence
        lowered = word.lower()
        if not word or lowered in _NOT_NAMES or _is_title_word(word) or word.isupper():
            return _Run(None, None, ())
        if lowered in _NOT_PERSON_LAST or lowered in _PLACE_FIRST:
            return _Run(None, (lowered,), ())
        return _Run((len(word), (lowered,)), None, ())
    names = []
    for first, end, words, titles in _split_name(sequence, 0):
        key = tuple(w.lower() for w in words)
        names.append(
            _RunName(
                first,
                end,
                words,
                titles,
                key,
                key[-1] in _NOT_PERSON_LAST or key[0] in _PLACE_FIRST,
                frozenset(_ROLE_SYNONYMS.get(t, t) for t in titles),
            )
        )
    return _Run(None, None, tuple(names))


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

    def __init__(self, masked: str, paragraphs: list[tuple[int, int, str]]) -> None:
        self.masked = masked
        self.by_words: dict[tuple[str, ...], _Person] = {}
        self.organisations: set[tuple[str, ...]] = set()
        short_mentions: list[tuple[int, int, tuple[str, ...]]] = []
        headlines = Headlines(masked, paragraphs)
        runs: dict[str, _Run] = {}  # an article names the same people again and again
        for match in _NAME_RE.finditer(masked):
            match_start = match.start()
            if headlines.holds(match_start):
                continue
            sequence, start = drop_sentence_opener(masked, match.group(), match_start)
            run = runs.get(sequence)
            if run is None:
                run = runs[sequence] = _read_run(sequence)
            if run.short is not None:
                length, key = run.short
                short_mentions.append((start, start + length, key))
            elif run.organisation is not None:
                self.organisations.add(run.organisation)
            for name in run.names:
                self._register(start + name.first, start + name.end, name, short_mentions)
        self._alias_given_name_forms()
        # Every tail of every full name ("okafor", "van der meulen"), and first names.
        self.by_tail: dict[tuple[str, ...], list[_Person]] = {}
        for key, person in self.by_words.items():
            for size in range(1, len(key) + 1):
                _add_once(self.by_tail.setdefault(key[-size:], []), person)
            if len(key) > 1:
                _add_once(self.by_tail.setdefault(key[:1], []), person)
        everyone = list({id(person): person for person in self.by_words.values()}.values())
        self.by_descriptor: dict[str, list[_Person]] = {}
        for person in everyone:
            for descriptor in person.descriptors:
                self.by_descriptor.setdefault(descriptor, []).append(person)
        self.mentions: list[tuple[int, _Person]] = []
        for person in everyone:
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
        name: _RunName,
        short_mentions: list[tuple[int, int, tuple[str, ...]]],
    ) -> None:
        key = name.key
        if name.organisation_like or _PLACE_BEFORE.search(self.masked, max(0, start - 12), start):
            self.organisations.add(key)  # also places: "in Sierra Leone", "at Camp David"
            return
        if len(key) == 1 and not name.titles:
            short_mentions.append((start, end, key))
            return
        person = self.by_words.get(key)
        if person is None:
            person = self.by_words[key] = _Person(" ".join(name.words), key)
        person.mentions.append((start, end))
        person.descriptors.update(name.title_roles)
        person.descriptors.update(self._appositive_roles(start, end))

    def _alias_given_name_forms(self) -> None:
        """One person under a short and a long given name ("Josh Apte", "Joshua Apte")."""
        by_surname: dict[tuple[str, ...], list[_Person]] = {}
        for key, person in self.by_words.items():
            if len(key) == 2:
                by_surname.setdefault(key[1:], []).append(person)
        for people in by_surname.values():
            if len(people) < 2:
                continue
            # The longer forms of a given name follow it in sorted order (each given name
            # occurs once per surname), so they are found by bisection, not a pass over all.
            givens = sorted((person.words[0], index) for index, person in enumerate(people))
            for short in people:
                given = short.words[0]
                if len(given) < 3:
                    continue
                at = bisect.bisect_right(givens, (given, len(people)))
                longer = []
                while at < len(givens) and givens[at][0].startswith(given):
                    longer.append(givens[at][1])
                    at += 1
                for index in sorted(longer):  # in the order the article names them
                    long = people[index]
                    long.mentions.extend(short.mentions)
                    long.descriptors |= short.descriptors
                    self.by_words[short.words] = long

    def _appositive_roles(self, start: int, end: int) -> set[str]:
        """Role words from an appositive beside a name: "Adaeze Okafor, the defence
        minister," or "Morvath’s chief negotiator, Radomír Šťastný,"."""
        masked = self.masked
        roles: set[str] = set()
        if masked[end : end + 2] == ", ":
            rest = masked[end + 2 : end + 160]
            clause = _CLAUSE_END_RE.split(rest, maxsplit=1)[0]
            first = clause.split(" ", 1)[0].lower()
            relative = first in ("who", "whose", "which", "where", "when", "that")
            if first and not relative and not first[:1].isdigit():
                for phrase in clause.split(" and "):
                    roles.update(_role_words(phrase))
        if masked[start - 2 : start] == ", ":
            before = masked[max(0, start - 80) : start - 2]
            phrase = _PHRASE_START_RE.split(before)[-1]
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

    def resolve_given_form(self, words: tuple[str, ...]) -> _Person | None:
        """The one person with this surname whose given name is a longer or shorter form
        of this one ("Nick Ferro" for Nicholas Ferro), when `words` is a two-word name."""
        if len(words) != 2 or len(words[0]) < 3:
            return None
        given = words[0]
        found = [
            person
            for person in self.by_tail.get(words[1:], [])
            if len(person.words) == 2
            and (person.words[0].startswith(given) or given.startswith(person.words[0]))
        ]
        return found[0] if len(found) == 1 else None

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


def _add_once(people: list[_Person], person: _Person) -> None:
    for other in people:
        if other is person:
            return
    people.append(person)


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    iterator = iter(long)
    return all(word in iterator for word in short)
