"""The last-resort error pages: a friendly 503 while the database is away, else a plain 500.

Django calls ``server_error`` (``handler500``) from inside its exception handling, after
logging the exception, so ``sys.exc_info()`` still tells what went wrong. Neither page
touches the database, the session or the user: they render while those are down.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

# Seconds a client (or a proxy) should wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 5


def database_unavailable(exception: BaseException | None) -> bool:
    """True for errors that mean the database cannot be reached or is overloaded right now."""
    return isinstance(exception, OperationalError | InterfaceError)


def server_error(request, template_name: str = "500.html"):
    exception = sys.exc_info()[1]
    if database_unavailable(exception):
        html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template(template_name).render({}), status=500)
