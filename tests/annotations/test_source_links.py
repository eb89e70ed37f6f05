"""Context source links: odd addresses are refused with a reason, never with a crash."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.annotations.services import MAX_SOURCE_URL_CHARS, SourceInput, clean_sources


def refusal(url: str) -> str:
    with pytest.raises(ValidationError) as caught:
        clean_sources([SourceInput(url=url)])
    (message,) = caught.value.message_dict["sources"]
    return message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1", "not a valid web address"),  # unclosed IPv6 bracket
        ("https://[2001:db8::1/path", "not a valid web address"),
        ("http://[not-an-address]/", "not a valid web address"),
        ("http://harbour.example:99999/", "not a valid web address"),  # port out of range
        ("http://harbour\x00.example/", "spaces or control characters"),
        ("http://harbour.example/\x07bell", "spaces or control characters"),
        ("http://harbour.example/a\u0085b", "spaces or control characters"),  # C1 control
        ("http://harbour .example/", "spaces or control characters"),
        ("https://harbour.example/" + "a" * MAX_SOURCE_URL_CHARS, "too long"),
        ("http://:80/", "full http:// or https:// URL"),  # a port and no host
        ("javascript:alert(1)", "full http:// or https:// URL"),
        ("//harbour.example/no-scheme", "full http:// or https:// URL"),
    ],
)
def test_odd_links_are_refused_with_the_reason(url, reason):
    message = refusal(url)
    assert message.startswith("Source 1: ")
    assert reason in message


@pytest.mark.parametrize(
    "url",
    [
        "https://harbour.example/report?year=2031&page=2#table",
        "http://[2001:db8::7]/minutes",
        "https://hävn.example/bericht",
        "https://harbour.example/a%20b",
        "  https://harbour.example/trimmed  ",
    ],
)
def test_ordinary_links_are_kept(url):
    (source,) = clean_sources([SourceInput(url=url, title="Minutes")])
    assert source.url == url.strip()


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.builds(
            "{}://{}{}".format,
            st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
            st.text(alphabet="[]:@.%/ \x00\t\u0085ab1é", max_size=20),
            st.text(max_size=20),
        ),
    )
)
def test_any_text_is_kept_as_a_clean_link_or_refused_cleanly(url):
    try:
        (source,) = clean_sources([SourceInput(url=url)])
    except ValidationError as error:
        assert list(error.message_dict) == ["sources"]
        return
    parts = urlsplit(source.url)
    assert parts.scheme.lower() in {"http", "https"}
    assert parts.hostname
    assert not any(character.isspace() or ord(character) < 32 for character in source.url)
