from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.text.canonical_url import canonicalize_url, is_tracking_parameter


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://News.Example.COM/World/Story", "https://news.example.com/World/Story"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a/", "https://example.com/a"),
        ("https://example.com/a///", "https://example.com/a"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com?b=1", "https://example.com/?b=1"),
        ("https://example.com/a?", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_scheme_host_port_fragment_and_slash(raw: str, canonical: str) -> None:
    assert canonicalize_url(raw) == canonical


def test_path_case_is_kept() -> None:
    assert canonicalize_url("https://example.com/Politics/CaseSensitive") == (
        "https://example.com/Politics/CaseSensitive"
    )


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=newsletter",
        "utm_medium=email&UTM_Campaign=spring",
        "fbclid=IwAR0abc",
        "gclid=xyz",
        "mc_cid=1&mc_eid=2",
        "ref=homepage",
        "ref_src=twsrc%5Etfw",
        "cmpid=rss",
        "ocid=msn",
    ],
)
def test_tracking_parameters_are_dropped(query: str) -> None:
    assert canonicalize_url(f"https://example.com/story?{query}") == "https://example.com/story"


def test_meaningful_parameters_are_kept_and_sorted() -> None:
    url = "https://example.com/search?q=budget&utm_source=x&page=2&lang=en&fbclid=1"
    assert canonicalize_url(url) == "https://example.com/search?lang=en&page=2&q=budget"


def test_repeated_parameters_keep_their_relative_order() -> None:
    url = "https://example.com/list?tag=b&id=7&tag=a"
    assert canonicalize_url(url) == "https://example.com/list?id=7&tag=b&tag=a"


def test_parameters_without_value_are_kept_verbatim() -> None:
    assert canonicalize_url("https://example.com/p?print&a=1") == "https://example.com/p?a=1&print"


def test_tracking_names_are_recognised_case_insensitively() -> None:
    assert is_tracking_parameter("UTM_TERM")
    assert is_tracking_parameter("Fbclid")
    assert not is_tracking_parameter("id")
    assert not is_tracking_parameter("utmost")


def test_international_host_is_encoded_with_idna() -> None:
    assert canonicalize_url("https://Bücher.example/über") == (
        "https://xn--bcher-kva.example/%C3%BCber"
    )


def test_ipv6_host_and_port() -> None:
    assert canonicalize_url("http://[2001:DB8::1]:80/a/") == "http://[2001:db8::1]/a"
    assert canonicalize_url("http://[2001:db8::1]:8080/") == "http://[2001:db8::1]:8080/"


def test_percent_escapes_are_normalised() -> None:
    # %7E is "~" (unreserved, decoded); %2f stays escaped, upper-cased, because it means data.
    url = "https://example.com/%7Euser/a%2fb/hello world"
    assert canonicalize_url(url) == "https://example.com/~user/a%2Fb/hello%20world"


def test_dot_segments_are_removed() -> None:
    assert canonicalize_url("https://example.com/a/./b/../c") == "https://example.com/a/c"
    assert canonicalize_url("https://example.com/../../a") == "https://example.com/a"


def test_userinfo_is_kept() -> None:
    assert canonicalize_url("https://reader@Example.com/a") == "https://reader@example.com/a"


@pytest.mark.parametrize("bad", ["", "/relative/path", "example.com/a", "https://", "mailto:x"])
def test_non_absolute_urls_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        canonicalize_url(bad)


def test_invalid_port_raises() -> None:
    with pytest.raises(ValueError):
        canonicalize_url("https://example.com:abc/")


_segment = st.text(alphabet="abcXYZ019-._~%é ", min_size=0, max_size=8)
_param = st.tuples(st.sampled_from(["q", "id", "utm_source", "fbclid", "Page"]), _segment)


@settings(max_examples=100, deadline=None)
@given(
    host=st.sampled_from(["Example.com", "news.EXAMPLE.org", "bücher.example"]),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=st.lists(_segment, max_size=4),
    params=st.lists(_param, max_size=4),
    fragment=_segment,
)
def test_canonicalisation_is_idempotent(
    host: str, port: str, path: list[str], params: list[tuple[str, str]], fragment: str
) -> None:
    query = "&".join(f"{name}={value}" for name, value in params)
    url = f"https://{host}{port}/{'/'.join(path)}?{query}#{fragment}"
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    assert "#" not in once
    assert "utm_source" not in once
    assert "fbclid" not in once
