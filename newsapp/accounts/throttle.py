"""Throttling sign-ins and sign-ups: counted in the cache (`newsapp.ratelimit`), so several app
servers share the counts (with Redis) and a burst of concurrent attempts is counted whole.

Sign-in attempts are counted per account and per client address before the password is checked;
a successful sign-in takes its attempt back, so only failures accumulate. Past either limit the
attempt is refused without checking the password (status 429), whatever the password, until
the window has moved on. Sign-ups are counted per client address.
"""

from __future__ import annotations

import hashlib

from newsapp import ratelimit

SIGNIN_WINDOW_SECONDS = 15 * 60
SIGNIN_FAILURES_PER_ACCOUNT = 5
SIGNIN_FAILURES_PER_CLIENT = 20
SIGNUP_WINDOW_SECONDS = 60 * 60
SIGNUPS_PER_CLIENT = 5
SIGNUP_ATTEMPTS_PER_CLIENT = 30


def _account(username: str) -> str:
    """The cache key part for an account: any username, same length, case folded."""
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]


def signin_attempt(username: str, client: str) -> None:
    """Count a sign-in attempt; RateLimited when the account or the address is throttled."""
    minutes = SIGNIN_WINDOW_SECONDS // 60
    ratelimit.hit(
        "signin-account",
        _account(username),
        limit=SIGNIN_FAILURES_PER_ACCOUNT,
        seconds=SIGNIN_WINDOW_SECONDS,
        message=f"Too many failed sign-ins for this account. Try again in {minutes} minutes, "
        "or reset your password.",
    )
    ratelimit.hit(
        "signin-client",
        client,
        limit=SIGNIN_FAILURES_PER_CLIENT,
        seconds=SIGNIN_WINDOW_SECONDS,
        message=f"Too many failed sign-ins from your network. Try again in {minutes} minutes.",
    )


def signin_succeeded(username: str, client: str) -> None:
    """A correct password: its attempt does not count against the account or the address."""
    ratelimit.undo("signin-account", _account(username), seconds=SIGNIN_WINDOW_SECONDS)
    ratelimit.undo("signin-client", client, seconds=SIGNIN_WINDOW_SECONDS)


def signup_attempt(client: str) -> None:
    """Count a sign-up form sent from `client` (each one costs a password hash)."""
    ratelimit.hit(
        "signup-attempt",
        client,
        limit=SIGNUP_ATTEMPTS_PER_CLIENT,
        seconds=SIGNUP_WINDOW_SECONDS,
        message="Too many sign-up attempts from your network. Try again in an hour.",
    )


def signup_counted(client: str):
    """Count an account created from `client` (not counted if creating it fails)."""
    return ratelimit.counted(
        "signup",
        client,
        limit=SIGNUPS_PER_CLIENT,
        seconds=SIGNUP_WINDOW_SECONDS,
        message=f"{SIGNUPS_PER_CLIENT} accounts were created from your network in the last "
        "hour. Try again later.",
    )
