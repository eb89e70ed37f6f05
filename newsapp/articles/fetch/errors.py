"""The one exception every fetching failure becomes, with a code callers can branch on."""

from __future__ import annotations

__all__ = ["FetchError"]


class FetchError(Exception):
    """Any failure to fetch a page; ``message`` is fit to show to the reader."""

    DNS_FAILURE = "dns_failure"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    BAD_CONTENT_TYPE = "bad_content_type"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    FORBIDDEN_ADDRESS = "forbidden_address"
    BAD_SCHEME = "bad_scheme"
    BAD_URL = "bad_url"
    PROTOCOL_ERROR = "protocol_error"

    def __init__(self, message: str, code: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
