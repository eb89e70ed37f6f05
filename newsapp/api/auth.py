"""Who is calling: a personal API token (``Authorization: Bearer <token>``) or nobody.

Session cookies are never read here: a browser that is signed in to Gloss calls the API as
anonymous, so no other site can make it write (and the API needs no CSRF token). Every caller
is counted against a rate limit: per token, or per address for anonymous reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from newsapp import ratelimit

from .errors import ApiError
from .models import ApiToken, hash_token

# Reads and writes a minute, per token; writes as many as the UI allows a reader.
READS_PER_MINUTE = 600
WRITES_PER_MINUTE = 60
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Caller:
    user: object
    token: ApiToken | None

    @property
    def authenticated(self) -> bool:
        return self.token is not None


def _refuse(message: str, error: str = "invalid_token") -> ApiError:
    return ApiError(
        401,
        message,
        path="Authorization",
        headers={"WWW-Authenticate": f'Bearer realm="gloss", error="{error}"'},
    )


def authenticate(request) -> Caller:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return Caller(user=AnonymousUser(), token=None)
    scheme, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise _refuse(
            "Send a personal API token as “Authorization: Bearer <token>”.", "invalid_request"
        )
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(credentials)).first()
    if token is None or not token.user.is_active:
        raise _refuse("This API token is not known.")
    if token.revoked_at is not None:
        raise _refuse("This API token was revoked.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Caller(user=token.user, token=token)


def require_write(caller: Caller) -> None:
    if caller.token is None:
        raise _refuse(
            "Writing needs a personal API token (Settings → API tokens).", "invalid_request"
        )
    if caller.token.read_only:
        raise ApiError(
            403,
            "This API token is read-only.",
            path="Authorization",
            headers={"WWW-Authenticate": 'Bearer realm="gloss", error="insufficient_scope"'},
        )


def count_request(request, caller: Caller, *, write: bool) -> None:
    """One request against the caller's limit; RateLimited past it."""
    if caller.token is not None:
        who = f"token{caller.token.pk}"
    else:
        who = request.META.get("REMOTE_ADDR", "unknown")
    if write:
        limit = getattr(settings, "GLOSS_API_WRITES_PER_MINUTE", WRITES_PER_MINUTE)
        scope, what = "api-write", "changes"
    else:
        limit = getattr(settings, "GLOSS_API_READS_PER_MINUTE", READS_PER_MINUTE)
        scope, what = "api-read", "requests"
    ratelimit.hit(
        scope,
        who,
        limit=limit,
        message=f"More than {limit} {what} a minute through the API; slow down and try again.",
    )
