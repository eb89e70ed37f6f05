"""Search at scale: 50,000 articles and 500,000 notes, on PostgreSQL and on SQLite FTS5.

Seeds the library with bench_scale's bulk seeding (the database triggers index every row as it
is written, as they do for the app's own writes), adds context sources to one note in ten, then
times the search page (`/search/?q=…`, the whole page through Django's test client, warm) for
searches of every shape: a word that is in every article, a word in every note, a rare word, a
phrase, filters, a misspelling, a search that finds nothing; and the library's search box.
Prints the median of each and its SQL query count at a small and at the large size (the counts
must not grow), the EXPLAIN of the search queries at the large size, and both engines side by
side against the target.

`python -m bench.bench_search` measures SQLite in this process, then PostgreSQL on a throwaway
cluster (scripts/with-postgres) in a child process, when PostgreSQL is installed.
GLOSS_SCALE=small runs the small size only (a smoke run). GLOSS_SEARCH_ENGINE=postgresql or
sqlite measures one engine (what the child process does).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_scale import SIZES, seed
from bench.django_env import setup_django

TARGET_MS = 100.0
RUNS = 9
SOURCES_EVERY = 10  # one note in ten gets a context source
REPO = Path(__file__).resolve().parent.parent
# name -> (search, signed in?)
SEARCHES = {
    "word in every article": ("ceasefire", False),
    "two words": ("budget inflation", False),
    "phrase": ('"the minister said"', False),
    "rare word (one title)": ("story 777", False),  # an article at both sizes
    "word in every note": ("context", False),
    "word in many sources": ("tariff record", False),
    "notes of a tag": ("tag:budget context", False),
    "notes of a reader": ("user:reader3 source", True),
    "is:mine, signed in": ("is:mine report", True),
    "speaker's quotes": ('speaker:"Speaker 7"', False),
    "after: date": ("treaty after:2026-01", False),
    "misspelt word": ("ceasfire", False),
    "nothing found": ("xylophone", False),
    "one group, page 3": ("ceasefire&in=articles&page=3", False),
}
LIBRARY = {"library search box": "/?q=ceasefire"}


def seed_sources(rng: random.Random) -> None:
    """Context sources on one note in ten (bench_scale's notes have none)."""
    from newsapp.annotations.models import Annotation, ContextSource

    have = set(ContextSource.objects.values_list("annotation_id", flat=True).distinct())
    batch: list[ContextSource] = []
    ids = Annotation.objects.order_by("pk").values_list("pk", flat=True)
    for number, pk in enumerate(ids.iterator(chunk_size=10_000)):
        if number % SOURCES_EVERY or pk in have:
            continue
        topic = rng.choice(["budget", "treaty", "glacier", "harbour", "tariff"])
        batch.append(
            ContextSource(
                annotation_id=pk,
                url=f"https://records.example/{topic}/{pk}",
                title=f"The {topic} record, volume {pk % 97}",
                stance=rng.choice(["supports", "disputes", "background"]),
            )
        )
        if len(batch) >= 5_000:
            ContextSource.objects.bulk_create(batch)
            batch = []
    ContextSource.objects.bulk_create(batch)


def backend_cpu_ns() -> int:
    """CPU time the database server has spent on this connection (PostgreSQL runs queries in
    its own process; SQLite runs them in ours, which process_time already counts)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except OSError:  # the server runs elsewhere: only this process's CPU is counted
        return 0


def timed(client, url: str) -> tuple[float, float, int, int]:
    """(median wall ms, median CPU ms, SQL queries, status) of a warm GET. CPU is this
    process's and the database server's for the request: on a machine shared by other work
    it stays what the request costs while wall time grows with the machine's load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: templates, connection, cached configurations
    connection.queries_log.clear()  # a full log (it keeps 9,000) would capture nothing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries.captured_queries)  # now: the next request clears the log
    walls, cpus = [], []
    for _ in range(RUNS):
        server = backend_cpu_ns()
        started, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
        own = time.process_time() - cpu
        cpus.append(own * 1000 + (backend_cpu_ns() - server) / 1e6)
    return statistics.median(walls), statistics.median(cpus), count, response.status_code


def measure(label: str) -> dict[str, tuple[float, float, int]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    anonymous, reader = Client(), Client()
    reader.force_login(get_user_model().objects.get(username="reader3"))
    results = {}
    for name, (text, signed_in) in SEARCHES.items():
        query, _, extra = text.partition("&")
        from urllib.parse import quote

        url = f"/search/?q={quote(query)}" + (f"&{extra}" if extra else "")
        wall, cpu, queries, status = timed(reader if signed_in else anonymous, url)
        assert status == 200, (url, status)
        results[name] = (wall, cpu, queries)
    for name, url in LIBRARY.items():
        wall, cpu, queries, status = timed(anonymous, url)
        assert status == 200, (url, status)
        results[name] = (wall, cpu, queries)
    load = os.getloadavg()[0]
    for name, (wall, cpu, queries) in results.items():
        print(
            f"  {label:>5} {name:<24} {cpu:7.1f} ms CPU {wall:8.1f} ms wall {queries:3d} queries",
            flush=True,
        )
    print(f"  (load average {load:.1f} on {os.cpu_count()} cores while measuring)")
    return results


def explain() -> None:
    """The plans of the window queries (the ones that read the big tables)."""
    from django.db import connection

    from newsapp.search import engines
    from newsapp.search.groups import ArticleGroup, Context, NoteGroup
    from newsapp.text.search_query import parse

    for text, group in (("ceasefire", ArticleGroup()), ("context", NoteGroup())):
        context = Context(user=None, query=parse(text), engine=engines.engine())
        query = context.query
        rows = (
            group.rows(context)
            .filter(context.engine.matching(query))
            .annotate(search_score=context.engine.score(group.spec, query))
            .order_by(context.engine.newest_first())
            .values_list("pk", "search_score")[:500]
        )
        print(f"\nEXPLAIN {group.name} window for “{text}” ({connection.vendor}):")
        if connection.vendor == "postgresql":
            print(rows.explain(analyze=True))
        else:
            print(rows.explain())


def run_engine() -> dict:
    """Seed and measure the engine of this process's database; returns the figures."""
    os.environ.setdefault("CONN_MAX_AGE", "3600")  # one server process per measured run
    setup_django()
    from django.db import connection

    rng = random.Random(20261201)
    chosen = os.environ.get("GLOSS_SCALE", "all")
    figures: dict = {"engine": connection.vendor, "sizes": {}}
    done_articles = done_notes = 0
    for label, (articles, notes) in SIZES.items():
        if chosen == "small" and label != "small":
            continue
        started = time.perf_counter()
        seed(articles - done_articles, notes - done_notes, rng, offset=done_articles)
        seed_sources(rng)
        done_articles, done_notes = articles, notes
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"{connection.vendor} {label}: {articles:,} articles, {notes:,} notes "
            f"(seeded and indexed in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        figures["sizes"][label] = measure(label)
    explain()
    return figures


def postgres_figures() -> dict | None:
    """PostgreSQL's figures, from a child process on a throwaway cluster (None when
    PostgreSQL is not installed here)."""
    if not any(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        print("\nPostgreSQL is not installed (scripts/ensure-test-system-deps): no figures for it")
        return None
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"gloss-bench-search-{os.getpid()}.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"GLOSS_SEARCH_ENGINE": "postgresql", "GLOSS_SEARCH_OUT": str(out)}
    print("\n== PostgreSQL ==", flush=True)
    subprocess.run(
        [str(REPO / "scripts/with-postgres"), sys.executable, "-m", "bench.bench_search"],
        cwd=REPO,
        env=env,
        check=True,
    )
    figures = json.loads(out.read_text())
    out.unlink()
    return figures


def report(engines: list[dict]) -> bool:
    """Both engines side by side at the largest size; True when PostgreSQL missed (the
    target is PostgreSQL's; SQLite's figures are printed beside it). A search passes when its
    CPU time is under the target and its query count is the small size's."""
    largest = {f["engine"]: f["sizes"][list(f["sizes"])[-1]] for f in engines}
    smallest = {f["engine"]: f["sizes"][next(iter(f["sizes"]))] for f in engines}
    names = list(next(iter(largest.values())))
    columns = [engine for engine in ("postgresql", "sqlite") if engine in largest]
    print(
        f"\ntargets (largest size): median CPU < {TARGET_MS:.0f} ms, query count as at the "
        "small size; wall time beside it"
    )
    print("  " + " " * 24 + "".join(f"{engine:>40}" for engine in columns))
    failed = False
    for name in names:
        cells = []
        for engine in columns:
            wall, cpu, queries = largest[engine][name]
            same = smallest[engine][name][2] == queries
            ok = cpu < TARGET_MS and same
            if engine == "postgresql":
                failed |= not ok
            verdict = "PASS" if ok else "MISS"
            grows = "" if same else " GROWS"
            cells.append(f"{cpu:6.1f} CPU {wall:7.1f} wall {queries:2d}q{grows} {verdict}")
        print(f"  {name:<24}" + "".join(f"{cell:>40}" for cell in cells))
    for engine in columns:
        cpus = [cpu for _, cpu, _ in largest[engine].values()]
        walls = [wall for wall, _, _ in largest[engine].values()]
        print(
            f"  median over these searches, {engine}: {statistics.median(cpus):.1f} ms CPU, "
            f"{statistics.median(walls):.1f} ms wall"
        )
    return failed


def main() -> None:
    only = os.environ.get("GLOSS_SEARCH_ENGINE")
    if only:
        figures = run_engine()
        if os.environ.get("GLOSS_SEARCH_OUT"):
            Path(os.environ["GLOSS_SEARCH_OUT"]).write_text(json.dumps(figures))
        else:
            sys.exit(1 if report([figures]) else 0)
        return
    print("== SQLite FTS5 ==", flush=True)
    sqlite = run_engine()
    engines = [sqlite]
    if shutil.which("runuser") or os.geteuid() != 0:
        pg = postgres_figures()
        if pg is not None:
            engines.insert(0, pg)
    sys.exit(1 if report(engines) else 0)


if __name__ == "__main__":
    main()
