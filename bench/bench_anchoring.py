"""Benchmark re-anchoring: selectors made on an article, re-anchored after small edits.

Run: .venv/bin/python -m bench.bench_anchoring

Case A: 1,000 selectors, then 20 small edits. Case B: 5,000 selectors, 20 edits. Both on a
deterministic ~10,000-word news-like article (``bench.reanchor_cases``), with the truth of
where every span went. Case B's selectors are also anchored by a Hypothesis-style matcher
(the ``approx-string-match`` npm package that the Hypothesis client uses, with our reading of
its candidate scoring, in ``bench/approx_match/anchor.mjs``) for comparison.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.reanchor_cases import CaseSet, Tally, make_cases, news_article
from newsapp.text.anchoring import Anchor, locate_many
from newsapp.text.offsets import OffsetConverter

ARTICLE_SEED = 1
ARTICLE_WORDS = 10_000
# 20 small edits of every kind, at random places.
EDIT_MIX = {
    "word_change": 6,
    "typo_fix": 4,
    "insert_sentence": 4,
    "delete_sentence": 2,
    "move_paragraph": 2,
    "whitespace": 2,
}
CASE_A = {"spans": 1_000, "edits": EDIT_MIX, "seed": 101}
CASE_B = {"spans": 5_000, "edits": EDIT_MIX, "seed": 202}
TARGET_A_MS, TARGET_A_RIGHT = 500.0, 0.995
TARGET_B_MS, TARGET_B_RIGHT = 2_000.0, 0.99
RUNS = 5
NODE_DIR = Path(__file__).resolve().parent / "approx_match"
NODE_TIMEOUT_S = 600


def timed_gloss(case_set: CaseSet) -> tuple[float, list[Anchor | None]]:
    """Median wall time (ms) of anchoring every selector, and the anchors."""
    selectors = [case.selector for case in case_set.cases]
    times, anchors = [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        anchors = locate_many(case_set.new_text, selectors)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), anchors


def describe(tally: Tally) -> list[str]:
    methods = ", ".join(
        f"{method} {tally.methods[method]}"
        for method in ("position", "quote", "fuzzy", "orphaned")
        if tally.methods[method]
    )
    truths = []
    for category in ("intact", "edited", "changed", "deleted"):
        wrong = tally.wrong_by_category[category]
        label = "false anchors" if category == "deleted" else "wrong"
        truths.append(f"{category} {tally.categories[category]} ({label} {wrong})")
    return [f"  by method: {methods}", f"  by truth: {', '.join(truths)}"]


def run_case(name: str, case_set: CaseSet, target_ms: float, target_right: float) -> bool:
    elapsed, anchors = timed_gloss(case_set)
    tally = Tally()
    tally.add_all(case_set.cases, anchors)
    count, edits = len(case_set.cases), sum(case_set.edits.values())
    passed = elapsed < target_ms and tally.right_share >= target_right
    kinds = ", ".join(f"{kind} {number}" for kind, number in sorted(case_set.edits.items()))
    print(f"case {name}: {count} selectors, {edits} edits ({kinds})")
    print(
        f"anchoring {count} selectors / {edits} edits: {elapsed:.1f} ms, "
        f"{tally.right_share:.2%} right (target <{target_ms:.0f} ms, >={target_right:.1%}) "
        f"{'PASS' if passed else 'MISS'}"
    )
    for line in describe(tally):
        print(line)
    return passed


def node_results(case_set: CaseSet) -> tuple[float, float, list[tuple[int, int] | None]] | str:
    """(anchoring ms, process ms, spans) from the Hypothesis-style matcher, or why not."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        return "node not found"
    if not (NODE_DIR / "node_modules" / "approx-string-match").is_dir():
        if npm is None:
            return "npm not found, so approx-string-match cannot be installed"
        print(f"installing approx-string-match with: npm install --prefix {NODE_DIR}")
        installed = subprocess.run(
            [npm, "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_S,
        )
        if installed.returncode != 0:
            return f"npm install failed: {installed.stderr.strip()[-300:]}"
    old_units, new_units = OffsetConverter(case_set.old_text), OffsetConverter(case_set.new_text)
    cases = []
    for case in case_set.cases:
        selector = dict(case.selector)
        selector["start"] = old_units.to_utf16(selector["start"])
        selector["end"] = old_units.to_utf16(selector["end"])
        cases.append(selector)
    payload = json.dumps({"text": case_set.new_text, "cases": cases})
    began = time.perf_counter()
    finished = subprocess.run(
        [node, str(NODE_DIR / "anchor.mjs")],
        input=payload,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_S,
    )
    process_ms = (time.perf_counter() - began) * 1000
    if finished.returncode != 0:
        return f"node failed: {finished.stderr.strip()[-300:]}"
    output = json.loads(finished.stdout)
    spans = [
        None
        if span is None
        else (new_units.to_codepoints(span[0]), new_units.to_codepoints(span[1]))
        for span in output["results"]
    ]
    return output["ms"], process_ms, spans


def compare(case_set: CaseSet) -> bool:
    print("comparison on case B with approx-string-match (the Hypothesis client's matcher):")
    outcome = node_results(case_set)
    if isinstance(outcome, str):
        print(f"comparison: SKIPPED ({outcome})")
        return True
    node_ms, process_ms, spans = outcome
    gloss_ms, anchors = timed_gloss(case_set)
    gloss, other = Tally(), Tally()
    gloss.add_all(case_set.cases, anchors)
    for case, span in zip(case_set.cases, spans, strict=True):
        other.add(case, span, "found" if span else "orphaned")
    for name, tally, elapsed in (
        ("gloss", gloss, gloss_ms),
        ("hypothesis-style", other, node_ms),
    ):
        print(
            f"  {name}: {elapsed:.1f} ms, {tally.right_share:.2%} right, "
            f"{tally.surviving_right_share:.2%} of surviving spans right, "
            f"false anchors {tally.verdicts['false_anchor']}/{tally.categories['deleted']} "
            f"deleted, misplaced {tally.verdicts['misplaced']}, missed {tally.verdicts['missed']}"
        )
    print(f"  (node process including start-up and JSON: {process_ms:.0f} ms)")
    faster = node_ms / gloss_ms if gloss_ms else float("inf")
    points = (gloss.right_share - other.right_share) * 100
    passed = gloss_ms <= node_ms and gloss.right_share >= other.right_share
    print(
        f"gloss vs hypothesis-style: {faster:.1f}x the speed, {points:+.2f} points right "
        f"(target: match or beat on both) {'PASS' if passed else 'MISS'}"
    )
    return passed


def main(argv: Sequence[str] = ()) -> int:
    article = news_article(ARTICLE_SEED, ARTICLE_WORDS)
    print(
        f"article: {len(article.split()):,} words, {len(article):,} characters "
        f"(synthetic, seed {ARTICLE_SEED}); median of {RUNS} runs"
    )
    case_b = make_cases(article, **CASE_B)
    results = [
        run_case("A", make_cases(article, **CASE_A), TARGET_A_MS, TARGET_A_RIGHT),
        run_case("B", case_b, TARGET_B_MS, TARGET_B_RIGHT),
    ]
    if "--no-compare" not in argv:
        results.append(compare(case_b))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
