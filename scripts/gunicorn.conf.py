"""Gunicorn settings for Gloss: `gunicorn -c scripts/gunicorn.conf.py newsapp.wsgi`.

Every value can be overridden by the environment (or by gunicorn's own command-line flags).
docs/deploy.md shows it under systemd behind nginx; the load runs and the test topology use it.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: one request each at a time, so a slow request never starves the others of a
# thread; two per core plus one is gunicorn's advice for a CPU-bound Django app.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is killed (and logged); nginx gives up a bit later.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Django is loaded once, in the master, and every worker is a fork of it: a worker recycled
# (below) or replaced after a crash serves at once. A worker that loaded Django itself spent
# a second or two of CPU doing so, which showed as 99th percentiles of 200-300 ms when one was
# recycled in the middle of a load run.
preload_app = True
# Recycle workers now and then, so a slow leak can never grow for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = 10000
# The app writes one JSON line per request (newsapp.ops.logging); gunicorn logs only errors.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# The proxy on this host sets X-Forwarded-Proto; trust it from loopback only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "gloss"


def when_ready(server):
    """In the master, before the first fork: load the URL conf (and with it every view
    module), then hide all that long-lived setup from the garbage collector. Its full
    collections otherwise walk ~150,000 startup objects, a 10 ms pause every few requests that
    showed in the 99th percentiles; frozen before forking, the workers also share those pages
    instead of copying them as the collector touches them. No connection is kept across the
    fork."""
    import gc

    from django.db import connections
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (populating it imports the views)
    connections.close_all()
    gc.freeze()
