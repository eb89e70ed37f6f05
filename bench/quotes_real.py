"""The quote finder measured on real journalism: the labelled development pages of the corpus.

Labels (offsets and names only) are in ``tests/text/data/quotes_real/labels.json``; the text
is read from the shared corpus (``article-extraction/ground-truth.json``, ``articleBody``).
Each page is given to ``find_quotes`` as plain text, the way a pasted article arrives.

- span recall: labelled quotations found with exactly their offsets;
- span precision: quotations returned (as speech) that are labelled quotations;
- speaker right: labelled quotations found with the labelled speaker (or an accepted
  alternative; "no speaker" is right where the article does not say), over all labelled;
- wrong speaker: labelled quotations found with a speaker that is not the label's, over all
  labelled (a quotation found without a speaker is not wrong, only not right).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsapp.text.quotes import FoundQuote, find_quotes

LABELS = Path(__file__).resolve().parent.parent / "tests/text/data/quotes_real/labels.json"

RECALL_TARGET = 0.97
PRECISION_TARGET = 0.95
RIGHT_TARGET = 0.90
WRONG_TARGET = 0.04


@dataclass(frozen=True)
class LabelledQuote:
    start: int
    end: int
    speakers: tuple[str | None, ...]  # the label's speaker first, then accepted alternatives


@dataclass(frozen=True)
class Page:
    key: str
    text: str
    quotes: list[LabelledQuote]
    not_speech: list[tuple[int, int, str]]


@dataclass
class RealScore:
    pages: int = 0
    labelled: int = 0
    returned: int = 0
    found: int = 0
    right: int = 0
    wrong: int = 0
    not_speech: int = 0
    not_speech_as_speech: int = 0
    drifted: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.returned if self.returned else 1.0

    @property
    def right_share(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.labelled if self.labelled else 0.0


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def load_pages(corpora: Path) -> tuple[list[Page], list[str]]:
    """The labelled pages with their text, and the keys of the corpus's other pages."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    truth = json.loads((corpora / labels["corpus"]).read_text(encoding="utf-8"))
    listed = (corpora / labels["dev_list"]).read_text(encoding="utf-8").split()
    development = {name.removesuffix(".html.gz") for name in listed if not name.startswith("#")}
    pages = []
    for key, page in labels["pages"].items():
        text = truth[key]["articleBody"]
        quotes = [
            LabelledQuote(item["start"], item["end"], (item["speaker"], *item.get("also", ())))
            for item in page["quotes"]
        ]
        others = [(item["start"], item["end"], item["kind"]) for item in page["not_speech"]]
        pages.append(Page(key, text, quotes, others))
    held_out = sorted(key for key in truth if key not in development)
    return pages, held_out


def check_drift(pages: list[Page], score: RealScore) -> None:
    """Labels whose text no longer hashes the same: the corpus changed under them."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["pages"]
    for page in pages:
        stored = labels[page.key]
        for item in [*stored["quotes"], *stored["not_speech"]]:
            if _digest(page.text[item["start"] : item["end"]]) != item["sha"]:
                score.drifted.append(f"{page.key[:8]} {item['start']}-{item['end']}")


def score_page(page: Page, everything: list[FoundQuote], score: RealScore) -> None:
    speech = [quote for quote in everything if quote.kind == "speech"]
    by_span = {(quote.start, quote.end): quote for quote in speech}
    score.pages += 1
    score.labelled += len(page.quotes)
    score.returned += len(speech)
    labelled_spans = {(label.start, label.end) for label in page.quotes}
    for label in page.quotes:
        where = f"{page.key[:8]} {label.start}-{label.end}"
        quote = by_span.get((label.start, label.end))
        if quote is None:
            score.misses.append(f"{where}: not found: {page.text[label.start : label.end][:60]!r}")
            continue
        score.found += 1
        if quote.speaker in label.speakers:
            score.right += 1
        elif quote.speaker is None:
            score.misses.append(f"{where}: no speaker, expected {label.speakers[0]!r}")
        else:
            score.wrong += 1
            score.misses.append(
                f"{where}: WRONG speaker {quote.speaker!r}, expected {label.speakers[0]!r}"
            )
    not_speech = {(start, end) for start, end, _kind in page.not_speech}
    score.not_speech += len(not_speech)
    for quote in speech:
        if (quote.start, quote.end) in labelled_spans:
            continue
        snippet = page.text[quote.start : quote.end][:60]
        if (quote.start, quote.end) in not_speech:
            score.not_speech_as_speech += 1
            score.misses.append(f"{page.key[:8]} {quote.start}: not speech, taken as speech")
        else:
            score.misses.append(f"{page.key[:8]} {quote.start}: unexpected quote {snippet!r}")


def evaluate(pages: list[Page]) -> RealScore:
    score = RealScore()
    check_drift(pages, score)
    for page in pages:
        score_page(page, find_quotes(page.text, include_other=True), score)
    return score


def held_out_speed(corpora: Path, keys: list[str]) -> tuple[int, int, float, float]:
    """(pages, characters, total ms, slowest page ms) of find_quotes (best of 3 per page) on
    the pages kept out of the development set: speed needs no labels, so it is the one figure
    measured there."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    truth = json.loads((corpora / labels["corpus"]).read_text(encoding="utf-8"))
    total = slowest = 0.0
    characters = 0
    for key in keys:
        text = truth[key]["articleBody"]
        characters += len(text)
        elapsed = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            find_quotes(text)
            elapsed = min(elapsed, (time.perf_counter() - began) * 1000)
        total += elapsed
        slowest = max(slowest, elapsed)
    return len(keys), characters, total, slowest
