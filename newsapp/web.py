"""What every view shares: one HTMX-aware render, one refusal, safe `next` redirects, and a
service's refusal shown on its form.

One view, two renderings: an HTMX request gets the `{% partialdef %}` that changed, anything
else the whole page (`render_htmx`). Both answers vary on the HX-Request header.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import reswap, retarget


def render_htmx(
    request,
    template: str,
    context: dict | None = None,
    *,
    partial: str = "",
    status: int = 200,
    target: str = "",
    swap: str = "outerHTML",
):
    """`template`, or only its `partial` for an HTMX request.

    `target` sends an HTMX answer somewhere else than where the request said (a refused form
    goes back where the form is, not where success would go), swapped with `swap`.
    """
    name = f"{template}#{partial}" if request.htmx and partial else template
    response = render(request, name, context, status=status)
    if request.htmx and target:
        response = reswap(retarget(response, target), swap)
    patch_vary_headers(response, ["HX-Request"])
    return response


def refusal(request, message: str, *, status: int, slot: str, back: str = "/"):
    """A refused action: for HTMX, its reason swapped into the element `#slot` where the
    action was; otherwise a small page with the reason and a way back."""
    context = {"message": message, "slot": slot, "back": back, "status": status}
    if request.htmx:
        return render_htmx(
            request, "_refusal.html", context, status=status, target=f"#{slot}", swap="outerHTML"
        )
    return render(request, "refused.html", context, status=status)


def safe_next(request, fallback: str) -> str:
    """The `next` the request names, if it is a path on this site; else `fallback`.

    Only absolute paths: `redirect()` reads a bare word such as "000" as a view name to reverse
    (a 500 when there is none), and a relative path would depend on where the form was."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def client_address(request) -> str:
    """The address of the client, for counting what one client does (rate limits, sign-in
    throttling). Behind `GLOSS_TRUSTED_PROXIES` reverse proxies, the address the outermost of
    them saw, read from the right of X-Forwarded-For (what a client sends itself is further
    left and never trusted); otherwise REMOTE_ADDR."""
    proxies = getattr(settings, "GLOSS_TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64] or "unknown"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form, each reason beside the field it names."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


# Where each page sits in the site navigation: (section, aria-current). "page" marks the link
# to the page itself; "true" marks the section a page belongs to (a trash is in My notes, an
# article's pages are in the Library). Keyed by the full view name: URL names repeat across
# apps (`articles:new` is "Add article", `annotations:new` is the annotate page).
NAVIGATION = {
    "articles:library": ("library", "page"),
    "articles:detail": ("library", "true"),
    "articles:revisions": ("library", "true"),
    "annotations:new": ("library", "true"),
    "annotations:permalink": ("library", "true"),
    "annotations:reattach": ("library", "true"),
    "claims:article_claims": ("library", "true"),
    "claims:speaker": ("library", "true"),
    "claims:quote": ("library", "true"),
    "sharing:import": ("library", "true"),
    "articles:new": ("new", "page"),
    "annotations:mine": ("mine", "page"),
    "annotations:trash": ("mine", "true"),
    "articles:feeds": ("feeds", "page"),
    "articles:feed": ("feeds", "true"),
    "notifications:inbox": ("inbox", "page"),
    "notifications:settings": ("inbox", "true"),
}


# The reader's own pages, under their name in the navigation.
OWN_ACCOUNT = {
    "accounts:profile_edit",
    "accounts:password_change",
    "accounts:password_change_done",
}


def site_navigation(request) -> dict:
    """Context processor: `nav_current` maps the navigation's section to its aria-current."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_current": {}}
    section = NAVIGATION.get(match.view_name)
    user = getattr(request, "user", None)
    if match.view_name == "annotations:profile" and user is not None and user.is_authenticated:
        if match.kwargs.get("username") == user.get_username():
            section = ("profile", "page")
    elif match.view_name in OWN_ACCOUNT:
        section = ("profile", "true")
    return {"nav_current": {section[0]: section[1]} if section else {}}


NUL_REFUSAL = "The address holds a NUL character."


def refuse_nul_characters(get_response):
    """Middleware: an address or query holding a NUL character is a 400 with the reason.

    No view can use one (PostgreSQL refuses NUL in text), and without this each lookup by a
    path value would fail as a 500 on PostgreSQL while SQLite answered 404.
    """

    def middleware(request):
        if "\x00" in request.path or any("\x00" in key + value for key, value in _query(request)):
            if request.path.startswith("/api/"):  # the API's error shape (newsapp/api/errors.py)
                return JsonResponse(
                    {"status": 400, "error": "Bad Request", "message": NUL_REFUSAL, "path": None},
                    status=400,
                )
            return HttpResponseBadRequest(NUL_REFUSAL, content_type="text/plain")
        return get_response(request)

    return middleware


def _query(request):
    return ((key, value) for key, values in request.GET.lists() for value in values)


# Answers whose bytes are compressed already: gzip would spend a few milliseconds a request
# on each (a share card's PNG) to save nothing.
COMPRESSED_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff2")


class TextCompression(GZipMiddleware):
    """Django's gzip for every answer but those already compressed."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
