"""Quote finder: accuracy on the labelled set, and speed.

Run from the repo root: `.venv/bin/python -m bench.bench_quotes`.

The labelled set is `tests/text/data/quotes/*.json`: each case is a text (or a demo article,
read as the app reads it) with the quotations expected, as exact text with their speaker, and
the quoted words that must not be taken for speech (scare quotes, titles, nested quotes).
A predicted quotation counts as found when its `text` equals an expected one.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsapp.articles.demo import DEMO_DIR, parse_demo_file
from newsapp.text.extract import canonical_text, markdown_to_html
from newsapp.text.quotes import FoundQuote, find_quotes

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "text" / "data" / "quotes"

SPAN_F1_TARGET = 0.95
SPEAKER_PRECISION_TARGET = 0.90
SPEAKER_RECALL_TARGET = 0.85
PATHOLOGICAL_SECONDS_TARGET = 1.0


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    blocks: list[tuple[int, int, str]] | None
    quotes: list[tuple[str, str | None]]
    not_quotes: list[tuple[str, str]]


@dataclass
class Score:
    expected: int = 0
    predicted: int = 0
    matched: int = 0
    expected_speakers: int = 0
    predicted_speakers: int = 0
    correct_speakers: int = 0
    non_quotes: int = 0
    non_quotes_as_speech: list[str] = field(default_factory=list)
    non_quotes_kind_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def span_precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def span_recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def span_f1(self) -> float:
        p, r = self.span_precision, self.span_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_precision(self) -> float:
        return self.correct_speakers / self.predicted_speakers if self.predicted_speakers else 1.0

    @property
    def speaker_recall(self) -> float:
        return self.correct_speakers / self.expected_speakers if self.expected_speakers else 1.0


def demo_text(file_name: str) -> str:
    """A demo article's body text exactly as the app stores it (`body_text`)."""
    article = parse_demo_file(DEMO_DIR / file_name)
    return canonical_text(markdown_to_html(article.body_markdown))


def _line_blocks(text: str, kinds: list[str]) -> list[tuple[int, int, str]]:
    blocks = []
    start = 0
    for line, kind in zip(text.split("\n"), kinds, strict=True):
        blocks.append((start, start + len(line), kind))
        start += len(line) + 1
    return blocks


def load_cases(data_dir: Path = DATA_DIR) -> list[Case]:
    cases = []
    for path in sorted(data_dir.glob("*.json")):
        for raw in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            text = demo_text(raw["article"]) if "article" in raw else raw["text"]
            kinds = raw.get("block_kinds")
            cases.append(
                Case(
                    name=f"{path.stem}: {raw['name']}",
                    text=text,
                    blocks=_line_blocks(text, kinds) if kinds else None,
                    quotes=[(item["text"], item["speaker"]) for item in raw["quotes"]],
                    not_quotes=[(item["text"], item["kind"]) for item in raw["not_quotes"]],
                )
            )
    return cases


def score_case(case: Case, found: list[FoundQuote], others: list[FoundQuote], score: Score) -> None:
    score.expected += len(case.quotes)
    score.predicted += len(found)
    unmatched = Counter(quote.text for quote in found)
    by_text: dict[str, list[FoundQuote]] = {}
    for quote in found:
        by_text.setdefault(quote.text, []).append(quote)
    for text, speaker in case.quotes:
        if speaker is not None:
            score.expected_speakers += 1
        if unmatched[text] <= 0:
            score.misses.append(f"{case.name}: not found: {text[:60]!r}")
            continue
        unmatched[text] -= 1
        score.matched += 1
        predicted = by_text[text].pop(0)
        if predicted.speaker is not None:
            score.predicted_speakers += 1
            if predicted.speaker == speaker:
                score.correct_speakers += 1
            else:
                score.misses.append(
                    f"{case.name}: speaker {predicted.speaker!r}, expected {speaker!r}: "
                    f"{text[:40]!r}"
                )
        elif speaker is not None:
            score.misses.append(f"{case.name}: no speaker, expected {speaker!r}: {text[:40]!r}")
    for text, count in unmatched.items():
        if count > 0:
            score.misses.append(f"{case.name}: unexpected quote: {text[:60]!r}")
    speech = {quote.text for quote in found}
    other_kinds = {quote.text: quote.kind for quote in others}
    for text, kind in case.not_quotes:
        score.non_quotes += 1
        if text in speech:
            score.non_quotes_as_speech.append(f"{case.name}: {text!r}")
        if kind == "nested" or other_kinds.get(text) == kind:
            score.non_quotes_kind_right += 1
        else:
            score.misses.append(f"{case.name}: {text!r} not seen as {kind}")


def evaluate(cases: list[Case] | None = None) -> Score:
    score = Score()
    for case in cases if cases is not None else load_cases():
        everything = find_quotes(case.text, case.blocks, include_other=True)
        found = [quote for quote in everything if quote.kind == "speech"]
        others = [quote for quote in everything if quote.kind != "speech"]
        score_case(case, found, others, score)
    return score


_PATHOLOGICAL_WORDS = (
    "said she he the minister told Adaeze Okafor according to we will not go back Mr. "
    "Dr. van der and book titled so-called added Šťastný , . : — it’s don’t ’90s"
)


def pathological_text(size: int = 1_000_000, seed: int = 7) -> str:
    """Random words, names, attribution verbs and quote marks of every kind, in random
    mixes: marks alone, glued to words on either side, runs of marks, and newlines."""
    rng = random.Random(seed)
    marks = list("“”\"'‘’«»„‚")
    words = _PATHOLOGICAL_WORDS.split()
    pieces: list[str] = []
    length = 0
    while length < size:
        roll = rng.random()
        if roll < 0.2:
            piece = rng.choice(marks)
        elif roll < 0.35:
            piece = rng.choice(marks) + rng.choice(words)
        elif roll < 0.5:
            piece = rng.choice(words) + rng.choice(marks)
        elif roll < 0.52:
            piece = "".join(rng.choice(marks) for _ in range(rng.randint(2, 40)))
        else:
            piece = rng.choice(words)
        pieces.append(piece)
        pieces.append("\n" if rng.random() < 0.01 else " ")
        length += len(piece) + 1
    return "".join(pieces)[:size]


def _timed(text: str, repeat: int = 1) -> tuple[float, float]:
    """(best wall-clock seconds, best CPU seconds) of find_quotes over `repeat` runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        find_quotes(text)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def _line(name: str, value: float, target: float, higher_is_better: bool = True) -> str:
    passed = value >= target if higher_is_better else value < target
    relation = ">=" if higher_is_better else "<"
    return f"{name}: {value:.3f} (target {relation} {target}) {'PASS' if passed else 'MISS'}"


def main() -> None:
    cases = load_cases()
    score = evaluate(cases)
    print(
        f"labelled set: {len(cases)} cases, {score.expected} quotes, {score.non_quotes} non-quotes"
    )
    print(f"span precision: {score.span_precision:.3f}")
    print(f"span recall: {score.span_recall:.3f}")
    print(_line("span F1", score.span_f1, SPAN_F1_TARGET))
    print(_line("speaker precision", score.speaker_precision, SPEAKER_PRECISION_TARGET))
    print(_line("speaker recall", score.speaker_recall, SPEAKER_RECALL_TARGET))
    print(
        f"scare quotes/titles returned as speech: {len(score.non_quotes_as_speech)} "
        f"(target 0) {'PASS' if not score.non_quotes_as_speech else 'MISS'}"
    )
    print(f"non-quotes classified as their kind: {score.non_quotes_kind_right}/{score.non_quotes}")
    for miss in score.misses:
        print(f"  miss: {miss}")
    for path in sorted(DATA_DIR.glob("*.json")):
        part = evaluate([case for case in cases if case.name.startswith(f"{path.stem}: ")])
        print(
            f"  {path.stem}: {part.expected} quotes, span F1 {part.span_f1:.3f}, "
            f"speaker precision {part.speaker_precision:.3f}, "
            f"speaker recall {part.speaker_recall:.3f}"
        )

    text = pathological_text()
    wall, cpu = _timed(text, repeat=3)
    print(_line("pathological 1 MB text, seconds (best of 3)", wall, 1.0, False))
    print(f"pathological 1 MB text, CPU seconds (best of 3): {cpu:.3f}")
    for file_name in sorted(path.name for path in DEMO_DIR.glob("*.md")):
        article = demo_text(file_name)
        wall, _cpu = _timed(article, repeat=5)
        print(f"demo article {file_name} ({len(article)} chars): {wall * 1000:.2f} ms")


if __name__ == "__main__":
    main()
