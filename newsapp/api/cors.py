"""CORS for the API paths only: any origin may read and write with a token, never with cookies
(no Access-Control-Allow-Credentials), and the protocol's headers are readable by scripts."""

from __future__ import annotations

from django.http import HttpResponse

API_PREFIX = "/api/"
ALLOW_HEADERS = "Content-Type, Authorization, If-Match, Prefer"
ALLOW_METHODS = "GET, HEAD, OPTIONS, POST, PUT, DELETE"
EXPOSE_HEADERS = "ETag, Allow, Link, Location, Content-Location, Vary, Retry-After"


class ApiCorsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        preflight = (
            request.method == "OPTIONS"
            and "HTTP_ORIGIN" in request.META
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        )
        if preflight:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOW_METHODS
            response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response["Access-Control-Max-Age"] = "600"
        else:
            response = self.get_response(request)
            response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        response["Access-Control-Allow-Origin"] = "*"
        return response
