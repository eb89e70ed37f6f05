"""Health endpoints for load balancers and process supervisors.

``/healthz`` answers as long as the process serves requests and touches nothing else, so a
database outage never makes a supervisor restart healthy app servers. ``/readyz`` checks what
a request needs (the database and the cache) and answers 503 with the failing parts when one
is unreachable, so a load balancer can stop sending traffic to this server.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    checks = {"database": _database_reachable(), "cache": _cache_reachable()}
    ready = all(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: "ok" if passed else "unreachable" for name, passed in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("readiness: the database is unreachable")
        # A broken connection must not be reused by the next request on this thread.
        connection.close_if_unusable_or_obsolete()
        return False


def _cache_reachable() -> bool:
    # The cache backend swallows outages (pages serve uncached), so a round trip tells.
    key = f"readyz:{secrets.token_hex(8)}"
    token = secrets.token_hex(8)
    cache.set(key, token, 10)
    reachable = cache.get(key) == token
    cache.delete(key)
    if not reachable:
        logger.warning("readiness: the cache is unreachable")
    return reachable
