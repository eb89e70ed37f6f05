"""Notification fan-out: a claim with 10,000 followers gets a new context note.

Prints the time of the write itself (a context note saved through `annotation_create`) with no
followers, one follower and 10,000, the background fan-out that tells them (batches, time,
queries per batch) and the emails of part of a batch. Targets: the write with 10,000 followers
within 20% (or 5 ms) of the write with one, because it only stores one row and queues the
fan-out whatever the number; the same number of queries for every full batch; the fan-out at
1,000 notifications a second or more (CPU time).

Times are wall clock and CPU time of this process: on a shared, loaded machine the wall clock
mostly measures waiting for the disk and the processor (SQLite runs in this process, so its
work counts in the CPU time; only waiting does not). Targets are checked on CPU time.
Runs on a scratch SQLite database (or DATABASE_URL), with our own generated data.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.django_env import setup_django

FOLLOWERS = 10_000
WRITES = 11
EMAILS = 200
BODY = "\n\n".join(
    [
        "The harbour board said the ferry timetable will double by next spring, "
        "a promise the union doubted.",
        "Members argued for an hour about berths, tides and the cost of dredging.",
        "Nobody agreed on the figures, but everyone agreed the old quay could not wait.",
    ]
)
CLAIM = "the ferry timetable will double by next spring"


def main() -> int:
    """Prints the figures; returns 1 when a target was missed (`make bench` fails then)."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from newsapp.annotations.models import Kind
    from newsapp.annotations.services import SourceInput, annotation_create
    from newsapp.articles.services import article_import
    from newsapp.notifications import fanout
    from newsapp.notifications.delivery import send_notification_emails
    from newsapp.notifications.models import Fanout, Follow, Notification, Target

    User = get_user_model()
    article = article_import(title="Harbour board", body=BODY, body_format="markdown")
    author = User.objects.create_user("claimant")
    start = article.body_text.index(CLAIM)

    def note(by, number: int, **fields):
        return annotation_create(
            article=article,
            author=by,
            exact=CLAIM,
            start=start,
            end=start + len(CLAIM),
            kind=Kind.CLAIM,
            note=f"Context number {number}: the published schedule adds four sailings.",
            sources=[SourceInput(url=f"https://ferries.example/{number}", stance="disputes")],
            **fields,
        )

    claim = note(author, 0)
    writers = User.objects.bulk_create(User(username=f"writer{n}") for n in range(3 * WRITES + 2))

    def median_write_ms(offset: int) -> tuple[float, float]:
        """Median wall and CPU milliseconds of writing one context note."""
        wall, cpu = [], []
        for number in range(WRITES):
            began, began_cpu = time.perf_counter(), time.process_time()
            note(writers[offset + number], offset + number)
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        return statistics.median(wall), statistics.median(cpu)

    def follow(users) -> None:
        Follow.objects.bulk_create(
            Follow(follower=user, target=Target.CLAIM, target_id=claim.pk) for user in users
        )

    note(writers[-1], 999)  # warm up: templates, caches, the connection
    alone = median_write_ms(0)
    users = User.objects.bulk_create(
        User(username=f"follower{n}", email=f"follower{n}@readers.example")
        for n in range(FOLLOWERS)
    )
    follow(users[:1])
    one = median_write_ms(WRITES)
    follow(users[1:])
    Fanout.objects.all().delete()
    many = median_write_ms(2 * WRITES)
    limit = max(one[1] * 1.2, one[1] + 5)
    missed = []
    print(f"write a context note, no followers:     {alone[0]:7.1f} ms wall {alone[1]:6.1f} ms CPU")
    print(f"write a context note, 1 follower:       {one[0]:7.1f} ms wall {one[1]:6.1f} ms CPU")
    print(
        f"write a context note, {FOLLOWERS:,} followers: {many[0]:7.1f} ms wall "
        f"{many[1]:6.1f} ms CPU   target <= {limit:.1f} ms CPU: "
        f"{'OK' if many[1] <= limit else 'MISSED'}"
    )
    if many[1] > limit:
        missed.append("write")

    # The background work for one of those writes (the others are the same work again).
    row = Fanout.objects.order_by("pk").first()
    batches, per_batch_queries = 0, []
    began, began_cpu = time.perf_counter(), time.process_time()
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    ):
        while True:
            row.refresh_from_db()
            with CaptureQueriesContext(connection) as queries:
                done = fanout.fan_out_batch(row)
            batches += 1
            per_batch_queries.append(len(queries))
            if done:
                break
    seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    made = Notification.objects.filter(annotation=row.annotation).count()
    rate = made / cpu
    print(
        f"fan-out: {made:,} notifications in {batches} batches of {fanout.BATCH:,}: "
        f"{seconds:.1f} s wall, {cpu:.1f} s CPU ({rate:,.0f}/s)   "
        f"target >= 1,000/s: {'OK' if rate >= 1000 else 'MISSED'}"
    )
    if rate < 1000:
        missed.append("fan-out")
    steady = set(per_batch_queries[:-1]) or set(per_batch_queries)
    print(
        f"queries per batch: {sorted(set(per_batch_queries))}   "
        f"target: one count for every full batch: {'OK' if len(steady) == 1 else 'MISSED'}"
    )
    if len(steady) != 1:
        missed.append("queries")

    ids = list(
        Notification.objects.filter(annotation=row.annotation)
        .order_by("pk")
        .values_list("pk", flat=True)[:EMAILS]
    )
    with override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    ):
        mail.outbox = []
        began, began_cpu = time.perf_counter(), time.process_time()
        sent = send_notification_emails(ids)
        seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    print(
        f"emails: {sent:,} rendered and sent (locmem): {seconds:.1f} s wall, {cpu:.1f} s CPU "
        f"({cpu / max(sent, 1) * 1000:.1f} ms CPU each)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
