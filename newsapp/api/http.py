"""The API's HTTP plumbing: one decorator that authenticates, counts, dispatches on the method
and turns every refusal into JSON; JSON-LD responses with their ETag, Allow, Vary and Link."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from newsapp.ratelimit import RateLimited

from .auth import Caller, authenticate, count_request
from .errors import ApiError, error_response, validation_message

ANNO_PROFILE = "http://www.w3.org/ns/anno.jsonld"
JSONLD = f'application/ld+json; profile="{ANNO_PROFILE}"'
WRITES = {"POST", "PUT", "DELETE", "PATCH"}

# The JSON path of each field a service may refuse, in the W3C document.
FIELD_PATHS = {
    "exact": "$.target.selector",
    "prefix": "$.target.selector",
    "suffix": "$.target.selector",
    "start": "$.target.selector",
    "end": "$.target.selector",
    "note": "$.body",
    "tags": "$.body",
    "sources": "$.body",
    "kind": "$.motivation",
    "visibility": "$.visibility",
}

Handler = Callable[..., HttpResponse]


def api_view(methods: list[str]) -> Callable[[Handler], Handler]:
    """An API view answering ``methods`` (HEAD and OPTIONS come with GET): the handler is
    called as ``handler(request, caller, **kwargs)``.

    CSRF is exempt because the API never reads the session: only a bearer token, which a
    browser does not send by itself, authorises a write.
    """
    allowed = list(methods) + (["HEAD"] if "GET" in methods else []) + ["OPTIONS"]
    allow = ", ".join(allowed)

    def decorate(handler: Handler) -> Handler:
        @csrf_exempt
        @functools.wraps(handler)
        def view(request, **kwargs):
            try:
                response = _dispatch(request, handler, methods, allow, kwargs)
            except ApiError as error:
                response = error_response(
                    error.status, error.message, path=error.path, headers=error.headers
                )
            except RateLimited as error:
                response = error_response(
                    429, str(error), headers={"Retry-After": str(error.retry_after)}
                )
            except ValidationError as error:
                message, field = validation_message(error)
                response = error_response(400, message, path=FIELD_PATHS.get(field, field))
            except PermissionDenied as error:
                response = error_response(403, str(error) or "Not yours to change.")
            except Http404:
                response = error_response(404, "No such annotation here (or not yours to see).")
            if request.method == "HEAD":
                length = len(response.content)
                response.content = b""
                response["Content-Length"] = str(length)
            return response

        view.allowed_methods = allowed
        return view

    return decorate


def _dispatch(request, handler, methods, allow, kwargs) -> HttpResponse:
    method = "GET" if request.method == "HEAD" else request.method
    if method == "OPTIONS":
        response = HttpResponse(status=200)
        response["Allow"] = allow
        return response
    if method not in methods:
        raise ApiError(405, f"{request.method} is not allowed here.", headers={"Allow": allow})
    caller: Caller = authenticate(request)
    count_request(request, caller, write=method in WRITES)
    response = handler(request, caller, **kwargs)
    response.setdefault("Allow", allow)
    return response


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def jsonld_response(document: dict, *, status: int = 200, vary: str = "Accept") -> HttpResponse:
    content = json.dumps(document, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(content, status=status, content_type=JSONLD)
    response["ETag"] = etag_of(content)
    response["Vary"] = vary
    return response


def json_response(document: dict, *, status: int = 200) -> HttpResponse:
    content = json.dumps(document, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(content, status=status, content_type="application/json")
    response["ETag"] = etag_of(content)
    return response


def matches(if_match: str, etag: str) -> bool:
    """Whether an If-Match header names ``etag`` (or is ``*``)."""
    wanted = [part.strip().removeprefix("W/") for part in if_match.split(",")]
    return "*" in wanted or etag in wanted


def base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"
