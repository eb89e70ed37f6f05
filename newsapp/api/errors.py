"""Every refusal of the API is JSON: ``{"status", "error", "message", "path"}``, where
``path`` is the JSON path of the bad field in the request body (``$.target.selector[0]``),
the name of the bad query parameter or header (``?limit``, ``If-Match``), or null."""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse


class ApiError(Exception):
    """A refusal: raised anywhere under an API view, answered as JSON by ``api_view``."""

    def __init__(
        self, status: int, message: str, *, path: str | None = None, headers: dict | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.path = path
        self.headers = headers or {}


def error_response(
    status: int, message: str, *, path: str | None = None, headers: dict | None = None
) -> JsonResponse:
    response = JsonResponse(
        {
            "status": status,
            "error": HTTPStatus(status).phrase,
            "message": message,
            "path": path,
        },
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def validation_message(error) -> tuple[str, str | None]:
    """A service's ValidationError as one message and the field it names (or None)."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        messages = [m for e in errors for m in e.messages]
        return " ".join(messages), None if field == "__all__" else field
    return " ".join(error.messages), None
