"""The words attribution is read with: speech verbs, pronouns, titles and roles, the words that
are never names, and the token patterns built on them."""

from __future__ import annotations

import re


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


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
    reported recounted calls called laughed laughs agreed agrees quipped quips sighed
    chuckled snapped retorted demanded boasted lamented exclaimed pleaded murmured muttered
    yelled cried texted emailed reads tell describe add write explain warn note telling
    writing noting arguing warning explaining asking insisting adding recalling conceding
    admitting declaring stressing"""
) | _wordset(
    # The commonest reporting verbs of French, German, Spanish and Italian news text, for
    # quotations in « », „ “ and » « that come with their own language's attribution.
    """dit déclaré déclare affirmé affirme ajouté ajoute expliqué explique estimé estime
    souligné souligne indiqué indique assuré assure précisé précise répondu répond confié
    sagte sagt erklärte erklärt betonte betont meinte warnte schrieb fügte dijo afirmó
    declaró explicó añadió aseguró señaló detto dichiarato spiegato aggiunto sa sade säger
    sagde siger sier zei zegt powiedział powiedziała dodał dodała disse afirmou declarou
    explicou acrescentou berkata bersabda mengatakan menyatakan ujar ujarnya katanya
    tuturnya ungkapnya"""
)
# Participles and infinitives: they say who spoke only through the subject of their clause
# ("Vale weighed in, telling Morrow: …", "Kejriwal turned to Twitter to describe …").
_NON_FINITE_VERBS = _wordset(
    """saying telling writing noting arguing warning explaining asking insisting adding
    recalling conceding admitting declaring stressing tell describe add write explain warn
    note say"""
)
# Verbs of thought: a quotation they introduce is imagined, not said ("left to wonder: …").
_THOUGHT_VERBS = _wordset("wonder wondered wondering wonders imagine imagined imagining ponder")


# "selon X", "laut X", "según X", "secondo X": the single-word forms of "according to".
_ACCORDING_WORDS = frozenset({"selon", "laut", "según", "secondo"})


# A French or Italian auxiliary before a past participle ("a déclaré", "ha detto").
_AUXILIARIES = frozenset({"a", "ha"})


_NO_INVERSION = _NON_FINITE_VERBS | {"told", "tells", "described", "describes", "posted", "reads"}


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
    newsletter manifesto speech lecture sculpture symphony ballet game app slogan motto
    tagline catchphrase hashtag headline chant banner ebook e-book guide video"""
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
    deputy vice gov atty supt pres amb maj adm cmdr cpl pvt hon rt msgr attorney solicitor
    prosecutor"""
)
# Capitalised abbreviations of roles, read as role words before a name ("CEO Tim Rook").
_ROLE_ACRONYMS = _wordset("CEO CFO COO CTO CIO CMO MP MEP MSP MLA PM VP EVP SVP GM")
# Honorifics written after a name ("Umar ra berkata", "Rasulullah SAW bersabda").
_POST_NAME = _wordset("ra rah saw swt radhiyallahu radiallahu radiallohu anhu anha")


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
    his her their its our my your
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
    cup act accord agreement festival summit resolve realm navy war empire embassy coalition
    alliance treaty"""
)


_PLACE_FIRST = _wordset(
    """port mount lake fort cape north south east west upper lower new saint st operation
    project camp mission"""
)


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


_NAME_WORD_REST = r"[^\W_]*(?:[’'\-][^\W\d_]+)*\.?"


_NAME_WORD = _UPPER + _NAME_WORD_REST


# A run of capitalised words (with particles) not glued to a word before it. The pattern starts
# with the capital itself, so the engine skips ahead to capitals; the check of the character
# before the capital comes after it: "(?<![\w’'\-].)" there is "(?<![\w’'\-])" before the
# capital, as "." matches any capital.
_NAME_RE = re.compile(
    rf"{_UPPER}(?<![\w’'\-].){_NAME_WORD_REST}"
    rf"(?:[ \u00a0](?:(?:{_PARTICLES})[ \u00a0])*{_NAME_WORD})*"
)


_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[^\w\s]")


_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s)")


_WORD_RE = re.compile(r"[^\W\d_]+")


# A sentence end with the space after it, or a run of newlines. One character class first, so
# the engine skips ahead to candidates: "[.!?…][\"'”’»)\]]*\s+|\n+" with the branch chosen
# by that character.
_BOUNDARY_RE = re.compile(r"[.!?…\n](?:(?<=[.!?…])[\"'”’»)\]]*\s+|(?<=\n)\n*)")


_HINT_WORDS = _SPEECH_VERBS | _ACCORDING_WORDS | {"according", "words"}


def _trie_pattern(words: frozenset[str]) -> str:
    """A regex alternation of `words` factored by common prefixes ("sa(?:id|ys|…)"): the
    engine tries a few first letters at each position instead of every word."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return build(trie)


# A hint word ending a word, in lower-cased text. Whether it also starts the word is checked
# after the match: a look-behind at the front would stop the engine skipping ahead to the
# letters that can start a hint word.
_HINT_WORD_END_RE = re.compile(_trie_pattern(_HINT_WORDS) + r"(?![^\W\d_])")


_LETTER_RE = re.compile(r"[^\W\d_]")


def hint_positions(text: str) -> list[int]:
    """Where the words of `text` (maximal runs of letters, as `_WORD_RE` finds them) whose
    lower case is a hint word start, in order.

    The regex runs over the whole text lower-cased at once: lower-casing maps each character
    to one character (except "İ", for which the words are lower-cased one by one) and keeps
    letters letters and the rest not, so the words and their positions are the same. (Only a
    Greek capital sigma lower-cases by context, and no hint word is Greek.)"""
    lowered = text.lower()
    if len(lowered) != len(text):
        return [
            match.start()
            for match in _WORD_RE.finditer(text)
            if match.group().lower() in _HINT_WORDS
        ]
    letter_at = _LETTER_RE.match
    return [
        start
        for start in (match.start() for match in _HINT_WORD_END_RE.finditer(lowered))
        if not (start and letter_at(lowered, start - 1))
    ]
