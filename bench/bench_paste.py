"""Benchmark adding a saved web page by upload, with no title typed, on the 50-page
article-extraction corpus (real pages with their navigation, headers and footers).

Run: .venv/bin/python -m bench.bench_paste

Each page goes the way the add-article form sends an uploaded .html file: `read_pasted` (whole
pages through the URL importer's extractor, the title from the page) and `prepare_body` (the
one sanitising policy, then the canonical text that becomes `body_text`). The text is scored
against the reference `articleBody` with bench_extraction's token precision, recall and F1.
For comparison, the same pages sanitised whole (what the form did before it knew pages from
article markup) are scored too: their precision shows how much site chrome came along.
"""

from __future__ import annotations

import logging
import os
import statistics
import time

import django

from bench.bench_extraction import CORPUS, load_corpus, token_scores

TARGET_F1 = 0.90  # as for an import by address: the same extractor
TARGET_MS_PER_PAGE = 400.0  # CPU time: wall time on a shared 2-core machine varies with load


def main() -> None:
    if not CORPUS.is_dir():
        print(f"SKIPPED: corpus not found at {CORPUS}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapp.settings")
    django.setup()
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    from newsapp.articles.pasted import is_whole_page, read_pasted
    from newsapp.articles.services import prepare_body
    from newsapp.text.extract import canonical_text
    from newsapp.text.sanitize import clean_article_html

    pages = load_corpus()
    whole = titled = 0
    scores, before, seconds, cpu_seconds = [], [], [], []
    for _url, html, reference in pages:
        whole += is_whole_page(html)
        started, cpu_started = time.perf_counter(), time.process_time()
        pasted = read_pasted(html, "html")
        titled += bool(pasted.title.strip())
        prepared = prepare_body(
            title=pasted.title or "untitled", body=pasted.body, body_format=pasted.body_format
        )
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        scores.append(token_scores(reference, prepared.body_text))
        before.append(token_scores(reference, canonical_text(clean_article_html(html))))

    def mean(values) -> float:
        return statistics.fmean(values)

    ms = 1000 * statistics.median(cpu_seconds)
    f1 = mean(score.f1 for score in scores)
    print(f"pages: {len(pages)} from {CORPUS.name}")
    print(f"recognised as whole pages: {whole}/{len(pages)}")
    print(f"titled without typing: {titled}/{len(pages)}")
    print(
        "uploaded page -> body_text: "
        f"precision {mean(s.precision for s in scores):.3f}, "
        f"recall {mean(s.recall for s in scores):.3f}, F1 {f1:.3f} (target >= {TARGET_F1})"
    )
    print(
        "the same pages sanitised whole (before): "
        f"precision {mean(s.precision for s in before):.3f}, "
        f"recall {mean(s.recall for s in before):.3f}, F1 {mean(s.f1 for s in before):.3f}"
    )
    print(
        f"median time per page: {ms:.0f} ms CPU (target <= {TARGET_MS_PER_PAGE:.0f} ms), "
        f"{1000 * statistics.median(seconds):.0f} ms wall"
    )
    verdict = "OK" if f1 >= TARGET_F1 and ms <= TARGET_MS_PER_PAGE else "BELOW TARGET"
    print(verdict)


if __name__ == "__main__":
    main()
