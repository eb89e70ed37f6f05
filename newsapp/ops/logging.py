"""Structured logs: one JSON object per line, and one line per request.

The request line names the route pattern (``a/<str:public_id>/``), never the path or query
string: permalinks of unlisted notes and API tokens are secrets, and notes are private text.
Django's own ``django.request`` records are reduced the same way (reason and status only).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject, empty

request_logger = logging.getLogger("gloss.request")

# A request id from the proxy is kept when it looks like one (letters, digits, dashes).
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9-]{8,64}")

# LogRecord attributes that are not extra fields given by the caller.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)
# Extra attributes that carry request objects or paths, never logged.
_UNLOGGED_EXTRAS = frozenset({"request", "server_time"})


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "django.request":
            # "Not Found: /a/<secret>/": keep the reason, drop the path.
            reason = record.args[0] if isinstance(record.args, tuple) and record.args else ""
            entry["message"] = str(reason) or "request failed"
            request = getattr(record, "request", None)
            match = getattr(request, "resolver_match", None)
            entry["route"] = match.route if match is not None else None
        else:
            entry["message"] = record.getMessage()
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and name not in _UNLOGGED_EXTRAS:
                entry[name] = value if _is_plain(value) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _is_plain(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


class RequestLogMiddleware:
    """Logs every request at INFO on ``gloss.request`` with its timing and status.

    Place it first: it then times the whole stack and sees the final status, error pages
    included. It also sets ``X-Request-ID`` on the response (the proxy's id when it sent one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID_PATTERN.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if request_logger.isEnabledFor(logging.INFO):
            request_logger.info("request", extra=request_fields(request, response, started))
        return response


def request_fields(request, response, started: float) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    return {
        "request_id": request.request_id,
        "method": request.method,
        "route": match.route if match is not None else None,
        "view": match.view_name if match is not None else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "bytes": len(response.content) if not response.streaming else None,
        "user_id": _loaded_user_id(request),
        "htmx": request.headers.get("HX-Request") == "true",
    }


def _loaded_user_id(request) -> int | None:
    """The signed-in user's id if the view loaded the user; loading it here would cost a
    query (and fail while the database is down)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user.pk if user is not None and user.is_authenticated else None
