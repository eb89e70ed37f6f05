"""Gloss settings: one module, configured by environment variables.

Development defaults apply only when DEBUG is on; production must set
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
REDIS_URL = os.environ.get("REDIS_URL", "")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "newsapp.reader",
    "newsapp.articles",
    "newsapp.annotations",
    "newsapp.accounts",
    "newsapp.sharing",
    "newsapp.claims",
    "newsapp.groups",
    "newsapp.moderation",
    "newsapp.api",
    "newsapp.ops",
    "newsapp.reading",
    "newsapp.notifications",
    "newsapp.search",
]
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")  # RQ's worker command for the Redis task queue

MIDDLEWARE = [
    # First: it times the whole stack and logs the final status, error pages included.
    "newsapp.ops.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsapp.web.refuse_nul_characters",
    # CORS for /api/ only (preflights answered here, before sessions and CSRF).
    "newsapp.api.cors.ApiCorsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (an annotated article is mostly repeated markup), images are not
    # (they are compressed already). CSRF tokens in pages are masked per response, which is
    # Django's defence against BREACH.
    "newsapp.web.TextCompression",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# What the reader page is made of, in order (see newsapp/reader/layers.py): each layer marks
# the article body and contributes fragments to the page's slots.
GLOSS_READER_LAYERS = [
    "newsapp.articles.layer.ArticleLayer",
    "newsapp.annotations.layer.AnnotationsLayer",
    "newsapp.sharing.layer.SharingLayer",
    "newsapp.claims.layer.ClaimsLayer",
    "newsapp.reading.layer.ReadingLayer",
    "newsapp.notifications.layer.NotificationsLayer",
    "newsapp.groups.layer.GroupsLayer",
    "newsapp.moderation.layer.ModerationLayer",
    "newsapp.api.layer.ApiLayer",
]

# Moderation (newsapp/moderation): what every annotation write is reviewed by, automatic
# holds, and what new accounts may publish. A new account is younger than
# GLOSS_NEW_ACCOUNT_DAYS or has fewer than GLOSS_ESTABLISHED_NOTES notes moderators left shown.
GLOSS_ANNOTATION_POLICIES = ["newsapp.moderation.policy.ModerationPolicy"]
GLOSS_REPORTS_TO_HOLD = int(os.environ.get("GLOSS_REPORTS_TO_HOLD", "3"))
GLOSS_NEW_ACCOUNT_DAYS = int(os.environ.get("GLOSS_NEW_ACCOUNT_DAYS", "3"))
GLOSS_ESTABLISHED_NOTES = int(os.environ.get("GLOSS_ESTABLISHED_NOTES", "3"))
GLOSS_NEW_ACCOUNT_PUBLIC_NOTES_PER_DAY = int(
    os.environ.get("GLOSS_NEW_ACCOUNT_PUBLIC_NOTES_PER_DAY", "10")
)
GLOSS_NEW_ACCOUNT_LINKS_PER_NOTE = int(os.environ.get("GLOSS_NEW_ACCOUNT_LINKS_PER_NOTE", "2"))

# The library's search box (`ArticleQuerySet.search`) is the search module's article search.
GLOSS_ARTICLE_SEARCH = "newsapp.search.service.search_articles"

ROOT_URLCONF = "newsapp.urls"
WSGI_APPLICATION = "newsapp.wsgi.application"
ASGI_APPLICATION = "newsapp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "newsapp.web.site_navigation",
                "newsapp.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # No `SELECT 1` before each request's first query: that round trip was a third of a
        # cached page's cost on PostgreSQL. A kept connection that a database restart broke
        # fails the one request that finds it (a 503, newsapp/ops/errors.py), and Django
        # drops it; the next request connects afresh (tests/ops/test_faults.py).
        conn_health_checks=False,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django leaves psycopg's prepared statements off, for connection poolers that cannot keep
    # them (PgBouncer in transaction mode before 1.21). Gloss prepares only its hottest
    # lookups (newsapp/prepared.py); Django's own queries bind on the client and never do.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under concurrent writers (web threads and the task worker):
    # WAL lets readers run beside the one writer; a writer waits up to `timeout` seconds for
    # the lock instead of failing with "database is locked"; and IMMEDIATE takes the write
    # lock when a transaction starts, so two transactions never both read and then deadlock
    # on upgrading to write (which SQLite answers at once with "locked", whatever the wait).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "newsapp.accounts.validators.VisibleCharactersValidator"},
]
# Rate limits and sign-in throttling count per client address: the REMOTE_ADDR, or behind this
# many reverse proxies (nginx, a load balancer) the address they saw in X-Forwarded-For.
GLOSS_TRUSTED_PROXIES = int(os.environ.get("GLOSS_TRUSTED_PROXIES", "0"))


# Background work (fetching, extraction, re-anchoring) runs through Django's tasks framework.
# `make run` starts `manage.py run_worker` (the database worker, supervised) beside the web
# server; set GLOSS_TASKS_IMMEDIATE=1 to run tasks inside the request instead (no worker).
# With REDIS_URL the queue is Redis (RQ through django-tasks-rq; `manage.py run_worker` starts
# RQ's worker), on the next Redis database after the cache's so that clearing the cache never
# drops queued work.
def redis_database_after(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    number = path.split("?")[0] or "0"
    return f"{scheme}://{host}/{int(number) + 1 if number.isdigit() else 1}"


REDIS_TASKS_URL = os.environ.get("REDIS_TASKS_URL") or (
    redis_database_after(REDIS_URL) if REDIS_URL else ""
)
if env_bool("GLOSS_TASKS_IMMEDIATE", False):
    TASKS_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
elif REDIS_URL:
    TASKS_BACKEND = "django_tasks_rq.RQBackend"
else:
    TASKS_BACKEND = "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
RQ_QUEUES = {"default": {"URL": REDIS_TASKS_URL, "DEFAULT_TIMEOUT": 600}} if REDIS_URL else {}
# The Job rows are the record of background work (newsapp.articles.jobs): a running job with
# no heartbeat for the lease lost its worker and starts again; a queued one is sent again
# after the resend delay (the queue may have lost it).
GLOSS_JOB_LEASE_SECONDS = float(os.environ.get("GLOSS_JOB_LEASE_SECONDS", "30"))
GLOSS_JOB_RESEND_SECONDS = float(os.environ.get("GLOSS_JOB_RESEND_SECONDS", "60"))

# Fetching articles and feeds from the web. Loopback hosts are refused unless this is on:
# only the tests, which serve pages from 127.0.0.1, turn it on.
GLOSS_FETCH_ALLOW_LOOPBACK = env_bool("GLOSS_FETCH_ALLOW_LOOPBACK", False)
GLOSS_FETCH_TIMEOUT = float(os.environ.get("GLOSS_FETCH_TIMEOUT", "10"))

# Email (password reset links, notifications): printed to the console while DEBUG is on and
# no EMAIL_HOST is given; SMTP from the environment otherwise (EMAIL_BACKEND may name another).
# Django 6.1 configures sending as MAILERS; the variables keep their long-standing names.
_email_host = os.environ.get("EMAIL_HOST", "")
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if _email_host or not DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
_smtp = {
    "host": _email_host or "localhost",
    "port": int(os.environ.get("EMAIL_PORT", "587")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", True),
    "use_ssl": env_bool("EMAIL_USE_SSL", False),
    "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
}
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": _smtp if _email_backend.endswith(".smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Gloss <gloss@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A password reset link works for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Where the site is, for links in emails and feeds made outside a request (the worker).
GLOSS_SITE_URL = os.environ.get(
    "GLOSS_SITE_URL",
    "http://127.0.0.1:8000/" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}/",
)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "articles:library"
LOGOUT_REDIRECT_URL = "articles:library"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CACHES = {
    "default": (
        {
            # Django's Redis cache, made to serve pages uncached while Redis is unreachable.
            "BACKEND": "newsapp.ops.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions live in the database: every app server reads the same ones, and they survive a
# cache outage or a Redis restart. A database outage while saving one is a 503, not a 400.
SESSION_ENGINE = "newsapp.ops.sessions"

# Uploads larger than this are refused before they reach a view's own limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy, in development too so that a violation shows early: scripts and
# styles only from our own files, or inline with this response's nonce; no eval, no plugins.
# Images may come from https (figures in articles) and data: URLs; framing is governed by
# X-Frame-Options (DENY, lifted only for the embed view).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "https:", "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Logs: with DEBUG off, one JSON object per line on stderr, and one line per request on the
# `gloss.request` logger (route pattern, status, timing; never paths, note text or tokens).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
REQUEST_LOG = env_bool("REQUEST_LOG", not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsapp.ops.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "gloss.request": {"level": "INFO" if REQUEST_LOG else "WARNING"},
        # 404s are in the request log already, without their (possibly secret) path.
        "django.request": {"level": "ERROR"},
    },
}
