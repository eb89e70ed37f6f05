"""Email goes to the console in development and over SMTP, configured by environment
variables, in production (the settings module reads them; see the README's table)."""

from __future__ import annotations

import json

from tests.test_settings import PRODUCTION, manage

PRINT_MAILER = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.MAILERS['default'], settings.DEFAULT_FROM_EMAIL]))"
)


def mailer(**env: str) -> tuple[dict, str]:
    result = manage("shell", "--no-imports", "-c", PRINT_MAILER, **env)
    assert result.returncode == 0, result.stderr
    config, sender = json.loads(result.stdout.strip().splitlines()[-1])
    return config, sender


def test_development_prints_email_to_the_console():
    config, _ = mailer(DEBUG="true", EMAIL_HOST="")
    assert config == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}


def test_production_sends_over_smtp_as_the_environment_says():
    config, sender = mailer(
        **PRODUCTION,
        EMAIL_HOST="smtp.gloss.example",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="gloss",
        EMAIL_HOST_PASSWORD="secret-for-the-test",
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="Gloss <hello@gloss.example>",
    )
    assert config["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["OPTIONS"] == {
        "host": "smtp.gloss.example",
        "port": 2525,
        "username": "gloss",
        "password": "secret-for-the-test",
        "use_tls": False,
        "use_ssl": False,
        "timeout": 20,
    }
    assert sender == "Gloss <hello@gloss.example>"
