"""Benchmark extract_article on the 50-page article-extraction corpus (Zyte benchmark subset).

Run: .venv/bin/python -m bench.bench_extraction

For each page, the extracted ``text`` is compared with the reference ``articleBody`` as bags of
whitespace-separated tokens (with multiplicity, as the upstream benchmark does): precision is
the share of extracted tokens that are in the reference, recall the share of reference tokens
that were extracted, F1 their harmonic mean. Figures are means over pages; a page where
extraction fails scores 0. Three trafilatura settings are compared and the best by F1 named;
for reference, the readability algorithm (the readability-lxml port bundled with trafilatura,
no extra package) is scored on the same pages.
"""

from __future__ import annotations

import gzip
import json
import logging
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml.html import fromstring
from trafilatura.readability_lxml import Document
from trafilatura.utils import load_html

from newsapp.articles.extraction import ExtractionError, extract_article

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "article-extraction"
TARGET_F1 = 0.90
TARGET_MS_PER_PAGE = 250.0
SETTINGS = {
    "favor_precision (extract_article default)": {},
    "balanced": {"favor_precision": False},
    "favor_recall": {"favor_precision": False, "favor_recall": True},
}


@dataclass
class Score:
    precision: float
    recall: float
    f1: float


def token_scores(reference: str, extracted: str) -> Score:
    expected = Counter(reference.split())
    found = Counter(extracted.split())
    overlap = sum((expected & found).values())
    precision = overlap / sum(found.values()) if found else 0.0
    recall = overlap / sum(expected.values()) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def load_corpus() -> list[tuple[str, str, str]]:
    """(url, html, reference text) for every page."""
    truth = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(truth.items()):
        with gzip.open(CORPUS / "html" / f"{page_id}.html.gz") as compressed:
            html = compressed.read().decode("utf-8")
        pages.append((entry["url"], html, entry["articleBody"]))
    return pages


def run_setting(
    pages: list[tuple[str, str, str]], options: dict
) -> tuple[list[Score], list[float], int]:
    scores: list[Score] = []
    seconds: list[float] = []
    failures = 0
    for url, html, reference in pages:
        started = time.perf_counter()
        try:
            extracted = extract_article(html, url, **options).text
        except ExtractionError:
            extracted = ""
            failures += 1
        seconds.append(time.perf_counter() - started)
        scores.append(token_scores(reference, extracted))
    return scores, seconds, failures


def run_readability(pages: list[tuple[str, str, str]]) -> tuple[list[Score], list[float], int]:
    scores: list[Score] = []
    seconds: list[float] = []
    failures = 0
    for _, html, reference in pages:
        started = time.perf_counter()
        summary = Document(load_html(html)).summary()
        extracted = fromstring(summary).text_content() if summary else ""
        failures += not extracted.strip()
        seconds.append(time.perf_counter() - started)
        scores.append(token_scores(reference, extracted))
    return scores, seconds, failures


def summary_line(name: str, scores: list[Score], seconds: list[float], failures: int) -> str:
    return (
        f"{name}: precision {statistics.mean(s.precision for s in scores):.3f},"
        f" recall {statistics.mean(s.recall for s in scores):.3f},"
        f" F1 {statistics.mean(s.f1 for s in scores):.3f},"
        f" pages with F1 >= 0.9: {sum(s.f1 >= 0.9 for s in scores)}/{len(scores)},"
        f" failures {failures},"
        f" {1000 * statistics.mean(seconds):.0f} ms/page mean"
        f" ({1000 * statistics.median(seconds):.0f} median, {1000 * max(seconds):.0f} max)"
    )


def main() -> None:
    if not (CORPUS / "ground-truth.json").is_file():
        print(f"bench_extraction: skipped, corpus not found at {CORPUS}")
        return
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # per-page notes, not figures
    pages = load_corpus()
    print(f"corpus: {len(pages)} pages from {CORPUS}")
    extract_article(pages[0][1], pages[0][0])  # warm up imports and caches before timing
    results = {}
    for name, options in SETTINGS.items():
        scores, seconds, failures = run_setting(pages, options)
        results[name] = (scores, seconds, failures)
        print(summary_line(name, scores, seconds, failures))
    scores, seconds, failures = run_readability(pages)
    print(summary_line("readability-lxml algorithm (reference only)", scores, seconds, failures))
    best = max(results, key=lambda name: statistics.mean(s.f1 for s in results[name][0]))
    scores, seconds, _ = results[best]
    best_f1 = statistics.mean(s.f1 for s in scores)
    mean_ms = 1000 * statistics.mean(seconds)
    print(f"best setting by F1: {best}")
    print(
        f"extraction F1 (best setting): {best_f1:.3f} (target >= {TARGET_F1:.2f})"
        f" {'PASS' if best_f1 >= TARGET_F1 else 'MISS'}"
    )
    print(
        f"time per page (best setting): {mean_ms:.0f} ms (target <= {TARGET_MS_PER_PAGE:.0f} ms)"
        f" {'PASS' if mean_ms <= TARGET_MS_PER_PAGE else 'MISS'}"
    )
    worst = sorted(zip(scores, (url for url, _, _ in pages), strict=True), key=lambda x: x[0].f1)
    for score, url in worst[:5]:
        print(f"  lowest F1 {score.f1:.2f} (P {score.precision:.2f}, R {score.recall:.2f}): {url}")


if __name__ == "__main__":
    main()
