"""Production headers: Content-Security-Policy with a nonce and no unsafe-inline, and every
template free of what such a policy refuses (inline scripts and styles without the nonce)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import REPO_ROOT
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

TEMPLATES = REPO_ROOT / "templates"
NONCE = re.compile(r"'nonce-([A-Za-z0-9_\-+/=]+)'")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in header.split(";")
        if directive.strip()
    }


def test_pages_carry_a_nonce_policy_without_unsafe_inline(client):
    article = make_article()
    make_annotation(article=article, author=make_user(), note="A public note.")
    for url in (reverse("articles:library"), article.get_absolute_url()):
        response = client.get(url)
        directives = policy(response)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        (nonce,) = NONCE.findall(" ".join(directives["script-src"]))
        # htmx (from django-htmx) is loaded with this response's nonce.
        assert f'nonce="{nonce}"' in response.content.decode()


def test_each_response_gets_its_own_nonce(client):
    first = NONCE.search(client.get("/")["Content-Security-Policy"]).group(1)
    second = NONCE.search(client.get("/")["Content-Security-Policy"]).group(1)
    assert first != second


def test_no_template_has_inline_code_the_policy_would_refuse():
    offending = []
    for template in TEMPLATES.rglob("*.html"):
        source = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", source):
            data_block = 'type="application/ld+json"' in tag
            if "src=" not in tag and not data_block and "nonce=" not in tag:
                offending.append(f"{template.relative_to(REPO_ROOT)}: {tag}")
        for tag in re.findall(r"<style\b[^>]*>", source):
            if "nonce=" not in tag:
                offending.append(f"{template.relative_to(REPO_ROOT)}: {tag}")
        for attribute in re.findall(r"""\s(style|on[a-z]+)=["']""", source):
            offending.append(f"{template.relative_to(REPO_ROOT)}: {attribute}= attribute")
    assert offending == []


def test_production_sets_hsts_secure_cookies_and_a_referrer_policy():
    from tests.test_settings import PRODUCTION, manage

    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_REFERRER_POLICY, s.SECURE_SSL_REDIRECT)"
    )
    result = manage("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "strict-origin-when-cross-origin",
        "True",
    ]
