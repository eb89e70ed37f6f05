"""Load runs on loopback: gunicorn (2 sync workers) on PostgreSQL, wrk at 50 connections.

    python -m bench.loadtest          # make loadtest; LOADTEST_SECONDS=5 for a quick look

Starts its own throwaway PostgreSQL (and a SQLite file for the write mix on the embedded
default), seeds our own data (bench/seed.py: a long article bare and with 1,000 public notes,
readers with sessions), then runs wrk for LOADTEST_SECONDS (30) per line and prints a table:
requests per second, median and 99th percentile latency, errors, and the target beside each.
Errors are 5xx answers, timeouts (no answer within 10 s: t/o) and refused or dropped
connections (conn); a 429 (a reader over the per-minute limit) is a refusal by design and is
counted apart. The write mix checks that
every note a 302 confirmed is in the database and nothing else is.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.corpora import corpora_dir
from bench.stack import Process, Stack, http_status, wait_for_server

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "50"))
THREADS = 2
WORKERS = 2
NOTES = 1_000
READERS = 20
WRITE_SHARE = 0.10
SCRIPT = Path(__file__).with_name("loadtest.lua")


@dataclass
class Run:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    answers: dict

    @classmethod
    def failed(cls, name: str) -> Run:
        """A line that could not be measured: no requests, counted as one error."""
        answers = dict.fromkeys(
            ("s2xx", "s3xx", "s429", "s4xx", "s5xx", "writes_sent", "connect_errors"), 0
        )
        answers |= {"read_errors": 0, "write_errors": 0, "timeouts": 0, "s5xx": 1}
        return cls(name, 0, 0.0, 0.0, 0.0, answers)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        a = self.answers
        return (
            a["s5xx"] + a["connect_errors"] + a["read_errors"] + a["write_errors"] + a["timeouts"]
        )


def wrk(name: str, base: str, path: str, *, seconds: int = SECONDS, **env: str) -> Run:
    command = [
        "wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(SCRIPT), base,
    ]  # fmt: skip
    environment = os.environ | {"LOAD_PATH": path, "WRK_THREADS": str(THREADS)} | env
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=seconds + 60
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("LOADTEST ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures for {name}:\n{result.stdout}{result.stderr}")
    figures = json.loads(line.removeprefix("LOADTEST "))
    return Run(
        name, figures["requests"], figures["seconds"], figures["p50_ms"], figures["p99_ms"], figures
    )


def warm(base: str, path: str, **env: str) -> None:
    """A short run first, so that every worker's caches hold the page (we measure warm)."""
    status = http_status(base + path, timeout=30)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}, not 200: no point loading it")
    wrk("warm-up", base, path, seconds=2, **env)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def real_article_text(folder: Path) -> Path | None:
    """A real news article's plain text from the shared corpora, written to `folder` for the
    seed (never into the repository): of the articles of 1,500 words or more, the one with the
    most quotations, so the quote finder and the claims layer have real work. None when the
    corpora are not on this machine."""
    truth = corpora_dir() / "article-extraction" / "ground-truth.json"
    if not truth.exists():
        return None
    bodies = [entry["articleBody"] for entry in json.loads(truth.read_text()).values()]
    long_enough = [body for body in bodies if len(body.split()) >= 1_500]
    if not long_enough:
        return None
    chosen = max(long_enough, key=lambda body: (body.count("\u201c"), len(body)))
    path = folder / "real-article.txt"
    path.write_text(chosen, encoding="utf-8")
    return path


SIGNED_IN = "bare article, signed in"


def read_runs(base: str, seeded: dict, real: dict | None) -> dict[str, Run]:
    note = seeded["public_note"]
    reader = seeded["readers"][0]
    pages = {
        "trivial Django response (ceiling)": "/healthz",
        "bare article": seeded["bare"]["url"],
        f"article with {NOTES:,} public notes": seeded["annotated"]["url"],
        # Signed-out visitors share a rendering; a signed-in reader's page is rendered for
        # them (from the cached marked-up body).
        SIGNED_IN: seeded["bare"]["url"],
    }
    if real:
        pages |= {
            "real article (corpora), bare": real["bare"]["url"],
            f"real article with {NOTES:,} notes": real["annotated"]["url"],
        }
    pages |= {
        "library": "/",
        "permalink": f"/a/{note}/",
        "card image": f"/a/{note}/card.png",
        "search": "/?" + urlencode({"q": "gauge readings"}),
    }
    runs = {}
    for name, path in pages.items():
        env = {}
        if name == SIGNED_IN:
            env["READ_COOKIE"] = f"sessionid={reader['session']}; csrftoken={reader['csrf']}"
        try:
            warm(base, path, **env)
            runs[name] = wrk(name, base, path, **env)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            # Print every other line all the same; this one shows as failed.
            print(f"  {name} FAILED: {error}", file=sys.stderr, flush=True)
            runs[name] = Run.failed(name)
            continue
        print(f"  measured {name}: {runs[name].rps:,.0f} req/s", file=sys.stderr, flush=True)
    return runs


@dataclass
class WriteMix:
    run: Run
    confirmed: int  # notes whose 302 came back
    stored: int  # of those, found in the database afterwards
    new_rows: int  # notes the database gained (also those cut off by the end of the run)


def write_mix(base: str, seeded: dict, query, folder: Path) -> WriteMix:
    """Readers read the article others annotate; WRITE_SHARE of requests are new notes.

    ``query(sql, params)`` runs one counting query on the stack's database.
    """
    article = seeded["article"]
    writers = ",".join(f"{r['session']}:{r['csrf']}" for r in seeded["readers"])
    confirmed_file = folder / "confirmed.txt"
    before = query("SELECT count(*) FROM annotations_annotation", [])
    warm(base, article["url"])
    run = wrk(
        "write mix",
        base,
        article["url"],
        WRITE_SHARE=str(WRITE_SHARE),
        WRITE_PATH=f"/articles/{article['slug']}/annotations/",
        WRITERS=writers,
        EXACTS="|".join(article["exacts"]),
        CONFIRMED_FILE=str(confirmed_file),
    )
    confirmed = confirmed_file.read_text().split()
    stored = sum(
        query("SELECT count(*) FROM annotations_annotation WHERE public_id = {mark}", [public_id])
        for public_id in confirmed
    )
    new_rows = query("SELECT count(*) FROM annotations_annotation", []) - before
    return WriteMix(run, len(confirmed), stored, new_rows)


def print_table(rows: list[tuple[str, Run, str, bool]]) -> None:
    header = (
        f"{'load':<38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'5xx':>5} {'t/o':>5}"
        f" {'conn':>5}  {'target':<46} verdict"
    )
    print(header)
    print("-" * len(header))
    for name, run, target, ok in rows:
        a = run.answers
        dropped = a["connect_errors"] + a["read_errors"] + a["write_errors"]
        # wrk reports no latency when no request finished in time.
        p50, p99 = (f"{run.p50_ms:>8.1f}", f"{run.p99_ms:>8.1f}") if run.p50_ms else ("-", "-")
        print(
            f"{name:<38} {run.rps:>8,.1f} {p50:>8} {p99:>8} {a['s5xx']:>5} {a['timeouts']:>5}"
            f" {dropped:>5}  {target:<46} {verdict(ok)}"
        )


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: run scripts/ensure-test-system-deps", file=sys.stderr)
        return 1
    started = time.monotonic()
    with Stack() as stack:
        database = stack.postgres()
        env = stack.app_env(database_url=database.url)
        stack.prepare(env)
        seeded = stack.seed(
            env, "--readers", str(READERS), "--rateable", "0", "--notes", str(NOTES)
        )
        real_text = real_article_text(stack.folder)
        real_words = len(real_text.read_text(encoding="utf-8").split()) if real_text else 0
        real = real_text and stack.seed(
            env, "--readers", "0", "--rateable", "0", "--notes", str(NOTES),
            "--body-file", str(real_text),
        )  # fmt: skip
        app = stack.gunicorn(env, workers=WORKERS, name="app-postgres")
        worker = stack.worker(env)
        base = f"http://127.0.0.1:{app.port}"
        print(
            f"gunicorn {WORKERS} sync workers on PostgreSQL; wrk {THREADS} threads,"
            f" {CONNECTIONS} connections, {SECONDS} s a line; our own data (bench/seed.py).",
            file=sys.stderr,
        )
        reads = read_runs(base, seeded, real)

        def postgres_count(sql: str, params: list) -> int:
            import psycopg

            with psycopg.connect(database.url, autocommit=True) as connection:
                return connection.execute(sql.format(mark="%s"), params).fetchone()[0]

        pg_mix = measured_mix("PostgreSQL", lambda: write_mix(base, seeded, postgres_count,
                                                             stack.folder))  # fmt: skip
        app.stop()
        worker.stop()
        sqlite_mix = measured_mix("SQLite", lambda: sqlite_write_mix(stack))

    rows = build_rows(reads, pg_mix, sqlite_mix)
    print()
    print(
        f"make loadtest: gunicorn {WORKERS} sync workers, wrk {THREADS} threads x {CONNECTIONS}"
        f" connections, {SECONDS} s per line, loopback. The long read is a 3,000-word text of"
        f" ours (bench/seed.py), bare and with {NOTES:,} overlapping public notes"
        + (
            "; the real article is the corpora's longest quote-heavy news article"
            f" ({real_words:,} words), the same two ways."
            if real
            else "; the corpora are not here, so no real article was measured."
        )
    )
    print_table(rows)
    for label, mix in (("PostgreSQL", pg_mix), ("SQLite", sqlite_mix)):
        sent = mix.run.answers["writes_sent"]
        share = 100 * sent / mix.run.requests if mix.run.requests else 0
        print(
            f"write mix on {label}: {sent} notes sent ({share:.1f}% of requests),"
            f" {mix.confirmed} confirmed saved (302), {mix.stored} of them in the database,"
            f" {mix.new_rows} new rows (the rest were in flight when the run stopped),"
            f" {mix.run.answers['s429']} refused by the per-reader limit (429),"
            f" {mix.run.answers['s4xx']} other 4xx"
        )
    print(f"total time {time.monotonic() - started:.0f} s")
    return 0 if all(ok for *_, ok in rows) else 1


def measured_mix(label: str, measure) -> WriteMix:
    try:
        return measure()
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
        print(f"  write mix on {label} FAILED: {error}", file=sys.stderr, flush=True)
        return WriteMix(Run.failed("write mix"), 0, 0, 0)


def sqlite_write_mix(stack: Stack) -> WriteMix:
    """The same write mix on the embedded default: gunicorn on a SQLite file, worker beside."""
    path = stack.folder / "gloss.sqlite3"
    env = stack.app_env(database_url=f"sqlite:///{path}")
    stack.manage(env, "migrate", "--no-input")
    seeded = stack.seed(env, "--readers", str(READERS), "--rateable", "0")
    app: Process = stack.gunicorn(env, workers=WORKERS, name="app-sqlite", wait=False)
    wait_for_server(app)
    stack.worker(env, name="worker-sqlite")

    def sqlite_count(sql: str, params: list) -> int:
        with sqlite3.connect(path, timeout=30) as connection:
            return connection.execute(sql.format(mark="?"), params).fetchone()[0]

    return write_mix(f"http://127.0.0.1:{app.port}", seeded, sqlite_count, stack.folder)


def build_rows(reads: dict[str, Run], pg_mix, sqlite_mix) -> list[tuple[str, Run, str, bool]]:
    names = list(reads)
    ceiling = reads[names[0]]
    # Each bare article, and the same text with the notes (the line after it).
    bare_lines = [name for name in names if "bare" in name and name != SIGNED_IN]
    annotated = {names[names.index(bare) + 1]: bare for bare in bare_lines}
    # The p99 target is for pages served from a cache. A signed-in reader's page is
    # rendered for them (from the cached marked-up body) like the library and search, so its
    # line has their target: its figures are printed beside them.
    cached = {*bare_lines, *annotated, "permalink", "card image"}
    rows = []
    for name, run in reads.items():
        targets, ok = ["0 errors"], run.errors == 0
        if name in bare_lines:
            share = run.rps / ceiling.rps if ceiling.rps else 0
            targets.append(f">= 50% of ceiling: {share:.0%}")
            ok = ok and share >= 0.5
        if name in annotated:
            bare = reads[annotated[name]]
            share = run.rps / bare.rps if bare.rps else 0
            targets.append(f">= 50% of its bare article: {share:.0%}")
            ok = ok and share >= 0.5
        if name in cached:
            targets.append("p99 < 100 ms")
            ok = ok and run.p99_ms < 100
        rows.append((name, run, ", ".join(targets), ok))
    for label, mix in (("PostgreSQL", pg_mix), ("SQLite", sqlite_mix)):
        lost = mix.confirmed - mix.stored
        ok = mix.run.errors == 0 and lost == 0 and mix.run.answers["s4xx"] == 0
        target = f"0 errors, 0 confirmed notes lost ({lost})"
        rows.append((f"10% writes, 20 readers, {label}", mix.run, target, ok))
    return rows


if __name__ == "__main__":
    sys.exit(main())
