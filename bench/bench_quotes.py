"""Quote finder: accuracy on real news and on our own labelled set, and speed.

Run from the repo root: `.venv/bin/python -m bench.bench_quotes` (`--misses` lists each miss).
Every figure is printed beside its target; the exit status is non-zero if any was missed.

1. Real news: the labelled development pages of the shared corpus (``bench.quotes_real``),
   skipped with the reason when the corpus is absent.
2. Our own labelled set, `tests/text/data/quotes/*.json`: each case is a text (or a demo
   article, read as the app reads it) with the quotations expected, as exact text with their
   speaker, and the quoted words that must not be taken for speech (scare quotes, titles,
   nested quotes). A predicted quotation counts as found when its `text` equals an expected one.
3. The product's own example (``bench.quotes_seed``), imported as plain text as the app does.
4. Speed, as CPU time (``time.process_time``: the machine is shared, so wall-clock time says
   more about the neighbours than about the code; wall-clock is printed beside it, with the
   load average): a 1 MB pathological input, a 10,000-word article, whether the time stays
   linear in the length of the text, the demo articles, and the corpus's held-out pages
   (speed is the one figure that needs no labels).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import quotes_real, quotes_seed
from bench.corpora import corpora_dir, missing_reason
from bench.reanchor_cases import news_article
from newsapp.articles.demo import DEMO_DIR, parse_demo_file
from newsapp.text.extract import canonical_text, markdown_to_html
from newsapp.text.quotes import FoundQuote, find_quotes

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "text" / "data" / "quotes"

SPAN_F1_TARGET = 0.95
SPEAKER_PRECISION_TARGET = 0.90
SPEAKER_RECALL_TARGET = 0.85
PATHOLOGICAL_SECONDS_TARGET = 1.0
LONG_ARTICLE_WORDS = 10_000
LONG_ARTICLE_MS_TARGET = 50.0
# Linear: the CPU time per character of the 1 MB input at most this many times that of a
# quarter of it (a quadratic step would give about 4).
LINEAR_SIZES = (250_000, 1_000_000)
LINEAR_RATIO_TARGET = 1.5


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
    # Found with exactly the expected speaker (None where none is expected), and found with
    # a speaker other than the expected one: the real-news measures, on our own set.
    right_speakers: int = 0
    wrong_speakers: int = 0
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

    @property
    def right_share(self) -> float:
        return self.right_speakers / self.expected if self.expected else 1.0

    @property
    def wrong_share(self) -> float:
        return self.wrong_speakers / self.expected if self.expected else 0.0


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
        if predicted.speaker == speaker:
            score.right_speakers += 1
        elif predicted.speaker is not None:
            score.wrong_speakers += 1
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
    """(best CPU seconds, best wall-clock seconds) of find_quotes over `repeat` runs."""
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        find_quotes(text)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _line(name: str, value: float, target: float, higher_is_better: bool = True) -> str:
    passed = value >= target if higher_is_better else value <= target
    relation = ">=" if higher_is_better else "<="
    return f"{name}: {value:.3f} (target {relation} {target}) {'PASS' if passed else 'MISS'}"


class Report:
    """Prints figures beside their targets and remembers whether any was missed."""

    def __init__(self) -> None:
        self.missed: list[str] = []

    def target(self, name: str, value: float, target: float, higher_is_better: bool = True) -> None:
        line = _line(name, value, target, higher_is_better)
        if line.endswith("MISS"):
            self.missed.append(name)
        print(line)

    def check(self, name: str, passed: bool, detail: str) -> None:
        if not passed:
            self.missed.append(name)
        print(f"{name}: {detail} {'PASS' if passed else 'MISS'}")


def real_news(report: Report, show_misses: bool) -> None:
    corpora = corpora_dir()
    if not (corpora / "article-extraction").is_dir():
        print(f"real news: SKIPPED ({missing_reason(corpora)})")
        return
    pages, held_out = quotes_real.load_pages(corpora)
    score = quotes_real.evaluate(pages)
    print(
        f"real news (development pages of the corpus): {score.pages} pages, "
        f"{score.labelled} labelled quotes, {score.not_speech} labelled non-speech"
    )
    report.target("  span recall", score.recall, quotes_real.RECALL_TARGET)
    report.target("  span precision", score.precision, quotes_real.PRECISION_TARGET)
    report.target("  speaker exactly right", score.right_share, quotes_real.RIGHT_TARGET)
    report.target("  wrong speaker", score.wrong_share, quotes_real.WRONG_TARGET, False)
    print(f"  non-speech returned as speech: {score.not_speech_as_speech}/{score.not_speech}")
    report.check(
        "  labels match the corpus text",
        not score.drifted,
        f"{len(score.drifted)} drifted"
        + (f" ({', '.join(score.drifted[:5])})" if score.drifted else ""),
    )
    print(f"  misses: {len(score.misses)}{'' if show_misses else ' (--misses lists them)'}")
    if show_misses:
        for miss in score.misses:
            print(f"    {miss}")
    count, characters, total, slowest = quotes_real.held_out_speed(corpora, held_out)
    print(
        f"  held-out pages (not labelled, not tuned on): {count} pages, {characters:,} chars, "
        f"{total:.1f} ms in all, slowest page {slowest:.1f} ms"
    )


def own_set(report: Report, show_misses: bool) -> None:
    cases = load_cases()
    score = evaluate(cases)
    print(
        f"our own labelled set: {len(cases)} cases, {score.expected} quotes, "
        f"{score.non_quotes} non-quotes"
    )
    report.target("  span recall", score.span_recall, quotes_real.RECALL_TARGET)
    report.target("  span precision", score.span_precision, quotes_real.PRECISION_TARGET)
    report.target("  speaker exactly right", score.right_share, quotes_real.RIGHT_TARGET)
    report.target("  wrong speaker", score.wrong_share, quotes_real.WRONG_TARGET, False)
    report.target("  span F1", score.span_f1, SPAN_F1_TARGET)
    report.target("  speaker precision", score.speaker_precision, SPEAKER_PRECISION_TARGET)
    report.target("  speaker recall", score.speaker_recall, SPEAKER_RECALL_TARGET)
    report.check(
        "  scare quotes/titles returned as speech",
        not score.non_quotes_as_speech,
        f"{len(score.non_quotes_as_speech)} (target 0)",
    )
    print(
        f"  non-quotes classified as their kind: {score.non_quotes_kind_right}/{score.non_quotes}"
    )
    for miss in score.misses if show_misses else score.misses[:20]:
        print(f"    miss: {miss}")
    for path in sorted(DATA_DIR.glob("*.json")):
        part = evaluate([case for case in cases if case.name.startswith(f"{path.stem}: ")])
        print(
            f"  {path.stem}: {part.expected} quotes, span F1 {part.span_f1:.3f}, "
            f"speaker precision {part.speaker_precision:.3f}, "
            f"speaker recall {part.speaker_recall:.3f}"
        )


def seed_example(report: Report) -> None:
    quote = quotes_seed.seed_quote()
    speaker = quote.speaker if quote is not None else None
    report.check(
        "the product's own example (plain-text import, Title Case headline)",
        speaker == quotes_seed.EXPECTED_SPEAKER,
        f"speaker {speaker!r}, expected {quotes_seed.EXPECTED_SPEAKER!r}",
    )


def speed(report: Report) -> None:
    print(f"speed: CPU time (time.process_time), best of several runs; {load_average()}")
    text = pathological_text()
    cpu, wall = _timed(text, repeat=3)
    report.target(
        "pathological 1 MB text, CPU seconds (best of 3)", cpu, PATHOLOGICAL_SECONDS_TARGET, False
    )
    print(f"  wall-clock seconds (best of 3): {wall:.3f}")
    article = news_article(seed=3, words=LONG_ARTICLE_WORDS)
    cpu, wall = _timed(article, repeat=5)
    report.target(
        f"{LONG_ARTICLE_WORDS:,}-word article ({len(article):,} chars), CPU ms (best of 5)",
        cpu * 1000,
        LONG_ARTICLE_MS_TARGET,
        False,
    )
    print(f"  wall-clock ms (best of 5): {wall * 1000:.1f}")
    small, large = (pathological_text(size) for size in LINEAR_SIZES)
    per_char_small = _timed(small, repeat=3)[0] / len(small)
    per_char_large = _timed(large, repeat=3)[0] / len(large)
    report.target(
        f"linear: CPU time per character at {LINEAR_SIZES[1]:,} / at {LINEAR_SIZES[0]:,} chars",
        per_char_large / per_char_small,
        LINEAR_RATIO_TARGET,
        False,
    )
    for file_name in sorted(path.name for path in DEMO_DIR.glob("*.md")):
        article = demo_text(file_name)
        cpu, _wall = _timed(article, repeat=5)
        print(f"demo article {file_name} ({len(article)} chars): {cpu * 1000:.2f} CPU ms")
    print(f"after the speed runs: {load_average()}")


def main(argv: Sequence[str] = ()) -> int:
    show_misses = "--misses" in argv
    report = Report()
    real_news(report, show_misses)
    own_set(report, show_misses)
    seed_example(report)
    speed(report)
    if report.missed:
        print(f"missed targets: {', '.join(name.strip() for name in report.missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
