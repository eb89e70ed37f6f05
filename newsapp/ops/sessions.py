"""Database sessions that say so when the database is away.

Django's database session store turns any database error while saving a session into
``UpdateError``, which the session middleware reports as a 400 ("the session was deleted
before the request completed"). While PostgreSQL restarts, that blames the reader for our
outage. This store lets the outage through, so ``newsapp.ops.errors.server_error`` answers
with the friendly 503 and its Retry-After instead.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError

from newsapp.ops.errors import database_unavailable


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            if database_unavailable(error.__context__):
                raise error.__context__ from None
            raise
