"""Benchmark highlight.render on a generated ~10,000-word article.

Run: .venv/bin/python -m bench.bench_highlight
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable

from newsapp.text.extract import canonical_text, word_count
from newsapp.text.highlight import render
from newsapp.text.sanitize import clean_article_html

SEED = 20240611
TARGET_WORDS = 10_000
SPAN_COUNTS = (0, 100, 1_000, 5_000)
TARGET_IMPORT_MS = 1_000.0  # once per article, at import
TARGET_EMPTY_MS = 0.01  # no annotations: the body is returned as is
TARGET_TYPICAL_MS = 5.0  # 100 annotations: a busy reader page
TARGET_HEAVY_MS = 25.0  # 1,000 annotations
GROWTH_SLACK = 1.5  # allowed excess over n log n between 1,000 and 5,000 spans

SYLLABLES = [
    "ka", "lo", "mi", "ren", "tas", "vo", "nel", "pri", "sta", "dor", "fen", "gli", "hu",
    "jor", "qua", "bex", "sim", "tur", "wal", "zen",
]  # fmt: skip
PUNCTUATION = [".", ".", ".", ",", ";", ":", "?", "!"]
EXTRAS = ["&amp;", "&lt;3", "&gt;", "“quoted”", "😀", "café", "naïve", "東京", "שלום", "4–2"]


def make_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def make_sentence(rng: random.Random) -> tuple[str, int]:
    words: list[str] = []
    for _ in range(rng.randint(6, 20)):
        roll = rng.random()
        word = make_word(rng)
        if roll < 0.05:
            word = f"<em>{word}</em>"
        elif roll < 0.08:
            word = f"<strong>{word}</strong>"
        elif roll < 0.11:
            word = f'<a href="https://source.example.org/{make_word(rng)}?a=1&amp;b=2">{word}</a>'
        elif roll < 0.14:
            word = rng.choice(EXTRAS)
        words.append(word)
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice(PUNCTUATION), len(words)


def make_article(seed: int = SEED, target_words: int = TARGET_WORDS) -> str:
    """Original nonsense prose in paragraphs, headings, lists and quotes, as raw HTML."""
    rng = random.Random(seed)
    blocks: list[str] = ['<h1 class="title">Generated article</h1>']
    words = 0
    while words < target_words:
        roll = rng.random()
        if roll < 0.08:
            heading, count = make_sentence(rng)
            level = rng.randint(2, 3)
            blocks.append(f"<h{level}>{heading}</h{level}>")
        elif roll < 0.16:
            items = [make_sentence(rng) for _ in range(rng.randint(2, 5))]
            tag = rng.choice(["ul", "ol"])
            count = sum(n for _, n in items)
            blocks.append(
                f"<{tag}>\n" + "".join(f"  <li>{s}</li>\n" for s, _ in items) + f"</{tag}>"
            )
        elif roll < 0.2:
            quote, count = make_sentence(rng)
            blocks.append(f"<blockquote><p>{quote}</p></blockquote>")
        else:
            sentences = [make_sentence(rng) for _ in range(rng.randint(2, 6))]
            count = sum(n for _, n in sentences)
            blocks.append(
                '<div class="para"><p>' + " ".join(s for s, _ in sentences) + "</p></div>"
            )
        words += count
    return "\n".join(blocks)


def random_spans(rng: random.Random, text_length: int, count: int) -> list[tuple[int, int, list]]:
    spans = []
    for number in range(count):
        start = rng.randrange(text_length)
        length = rng.randint(1, 400)
        spans.append((start, min(text_length, start + length), [number]))
    return spans


def median_ms(action: Callable[[], object], runs: int, *, batch: int = 1) -> float:
    """Median CPU time of one call, in ms. CPU time (not wall time) keeps the figure stable on
    a machine shared with other work; `batch` calls per run make tiny timings measurable."""
    timings = []
    for _ in range(runs):
        begin = time.process_time()
        for _ in range(batch):
            action()
        timings.append((time.process_time() - begin) * 1000 / batch)
    return statistics.median(timings)


def python_speed_ms() -> float:
    """A machine yardstick: CPU ms for a one-million-step pure-Python loop."""

    def loop() -> int:
        total = 0
        for step in range(1_000_000):
            total += step
        return total

    return median_ms(loop, 5)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    print(f"python speed (1M-step loop): {python_speed_ms():.1f} ms")
    raw = make_article()
    begin = time.process_time()
    html = clean_article_html(raw)
    text = canonical_text(html)
    import_ms = (time.process_time() - begin) * 1000
    print(f"article: {word_count(text)} words, {len(text)} characters, {len(html)} bytes of HTML")
    print(
        f"import (clean_article_html + canonical_text, once): {import_ms:.1f} ms, "
        f"target < {TARGET_IMPORT_MS} ms: {verdict(import_ms < TARGET_IMPORT_MS)}"
    )

    rng = random.Random(SEED)
    figures: dict[int, float] = {}
    for count in SPAN_COUNTS:
        spans = random_spans(rng, len(text), count)
        runs = 25 if count <= 1_000 else 9
        batch = 1_000 if count == 0 else 1
        figures[count] = median_ms(lambda spans=spans: render(html, spans), runs, batch=batch)
        rendered = render(html, spans)
        print(
            f"render with {count} spans: {figures[count]:.4f} ms (median CPU of {runs}; "
            f"{rendered.count('<mark ')} marks, {len(rendered)} bytes out)"
        )
        if count == 100:
            # A body seen for the first time also pays for splitting it into tags and text.
            variants = iter(range(1, 1_000))
            cold = median_ms(
                lambda spans=spans, variants=variants: render(html + "\n" * next(variants), spans),
                9,
            )
            print(f"render with 100 spans, body not cached yet: {cold:.3f} ms")

    print(
        f"render, 0 spans: {figures[0]:.4f} ms, target < {TARGET_EMPTY_MS} ms: "
        f"{verdict(figures[0] < TARGET_EMPTY_MS)}"
    )
    print(
        f"render, 100 spans: {figures[100]:.2f} ms, target < {TARGET_TYPICAL_MS} ms: "
        f"{verdict(figures[100] < TARGET_TYPICAL_MS)}"
    )
    print(
        f"render, 1000 spans: {figures[1_000]:.2f} ms, target < {TARGET_HEAVY_MS} ms: "
        f"{verdict(figures[1_000] < TARGET_HEAVY_MS)}"
    )
    print(f"ratio 1000 spans / 0 spans: {figures[1_000] / max(figures[0], 1e-9):.0f}x")
    print(f"ratio 1000 spans / 100 spans: {figures[1_000] / figures[100]:.2f}x")
    growth = figures[5_000] / figures[1_000]
    n_log_n = (5_000 * math.log(5_000)) / (1_000 * math.log(1_000))
    print(
        f"growth 1000 -> 5000 spans: {growth:.2f}x, n log n predicts {n_log_n:.2f}x, "
        f"target <= {n_log_n * GROWTH_SLACK:.2f}x: {verdict(growth <= n_log_n * GROWTH_SLACK)}"
    )


if __name__ == "__main__":
    main()
