"""Reading an upload's JSON within bounds: size, UTF-8, depth and storable strings."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsapp.sharing.w3c.fields import child_path
from newsapp.sharing.w3c.model import AnnotationImportError
from newsapp.sharing.w3c.reading import MAX_DEPTH, MAX_IMPORT_BYTES, load_json


def refusal(data: bytes | str) -> AnnotationImportError:
    with pytest.raises(AnnotationImportError) as caught:
        load_json(data)
    return caught.value


def nested(depth: int, inner: str = "1") -> str:
    """``depth`` levels alternating lists and objects: [{"k": [{"k": ... }]}]."""
    text = inner
    for level in reversed(range(depth)):
        text = f"[{text}]" if level % 2 == 0 else f'{{"k": {text}}}'
    return text


def test_nesting_up_to_the_limit_loads():
    assert load_json(nested(MAX_DEPTH)) == json.loads(nested(MAX_DEPTH))


def test_one_level_more_is_refused_at_its_path():
    error = refusal(nested(MAX_DEPTH + 1))
    assert error.path == "$" + "[0].k" * (MAX_DEPTH // 2)
    assert error.problem.startswith(f"nested more than {MAX_DEPTH} levels deep")


@pytest.mark.parametrize(
    ("document", "path"),
    [
        # The deep part sits after siblings: indices and keys count only the real members.
        ('{"a": 1, "b": [0, "x,]", ' + "[" * 70 + "]" * 70 + "]}", "$.b[2]" + "[0]" * 62),
        ('[{"he said \\"[\\"": ' + "{" * 80, '$[0]["he said \\"[\\""]' + "[?]" * 62),
        ('{"@context": {"x\\\\": ' + '{"y": ' * 70, '$["@context"]["x\\\\"]' + ".y" * 62),
    ],
)
def test_the_path_counts_members_and_skips_brackets_inside_strings(document, path):
    assert refusal(document).path == path


def test_five_megabytes_of_brackets_are_refused_quickly():
    half = MAX_IMPORT_BYTES // 2
    began = time.thread_time()
    error = refusal(b"[" * half + b"]" * half)
    assert time.thread_time() - began < 1.0
    assert error.path == "$" + "[0]" * MAX_DEPTH


def test_over_the_size_limit_is_refused_before_reading():
    error = refusal(b" " * (MAX_IMPORT_BYTES + 1))
    assert error.path == "$"
    assert "the limit is 5,242,880 bytes" in error.problem


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"note": "\xed\xa0\x80"}', "not UTF-8 text (bad byte at offset 10)"),  # a surrogate
        (b'{"note": "\xff"}', "not UTF-8 text (bad byte at offset 10)"),
        ('{"note": "\ud800"}', "lone surrogate at character 10"),  # a str from Python callers
        (b"\xef\xbb\xbf[1, NaN]", "NaN is not valid JSON"),  # after a byte-order mark
    ],
)
def test_bytes_that_are_not_utf8_text_are_refused(data, problem):
    assert problem in refusal(data).problem


@pytest.mark.parametrize(
    ("document", "path", "problem"),
    [
        ('{"body": {"value": "a \\ud800 b"}}', "$.body.value", "a lone surrogate (character 2)"),
        ('[{"x": 1}, {"ok": "\\udc00"}]', "$[1].ok", "a lone surrogate (character 0)"),
        ('{"note": "nul \\u0000 here"}', "$.note", "U+0000 (character 4)"),
        ('{"rows": [{"a\\ud83d": 1}]}', "$.rows[0]", "a key here holds a lone surrogate"),
    ],
)
def test_strings_that_cannot_be_stored_are_refused_at_their_path(document, path, problem):
    error = refusal(document)
    assert error.path == path
    assert problem in error.problem


def test_pairs_and_escaped_backslashes_are_ordinary_text():
    document = '{"emoji": "\\ud83c\\udf0a", "literal": "\\\\ud800 and \\\\u0000"}'
    assert load_json(document) == {"emoji": "🌊", "literal": "\\ud800 and \\u0000"}


# --- properties -----------------------------------------------------------------------------

# Strings full of what confuses a scanner: quotes, backslashes, brackets, commas and colons.
TRICKY_TEXT = st.text(alphabet='ab"\\[]{},: é', max_size=6)
# A chain one level deeper than the limit allows, placed anywhere a value may go.
TOO_DEEP = json.loads(nested(MAX_DEPTH + 1))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY_TEXT | st.just(TOO_DEEP),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(TRICKY_TEXT, children, max_size=3)
    ),
    max_leaves=30,
)


def depth_of(value) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(item) for item in value.values()), default=0)
    return 0


def first_too_deep(value, limit: int, path: str = "$", level: int = 1) -> str | None:
    """The path of the first container, in document order, that opens level ``limit + 1``."""
    if not isinstance(value, list | dict):
        return None
    if level > limit:
        return path
    members = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in members:
        inner = child_path(path, key) if isinstance(value, dict) else f"{path}[{key}]"
        found = first_too_deep(item, limit, inner, level + 1)
        if found is not None:
            return found
    return None


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.booleans())
def test_the_depth_scan_agrees_with_the_parsed_document(value, indented):
    text = json.dumps(value, indent=1 if indented else None)
    expected = first_too_deep(value, MAX_DEPTH)
    if expected is None:
        assert depth_of(value) <= MAX_DEPTH
        assert load_json(text) == value
    else:
        assert refusal(text).path == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet='[]{}",:\\ud\x00 1a', max_size=200))
def test_any_input_loads_or_is_refused_with_a_path(data):
    try:
        load_json(data)
    except AnnotationImportError as error:
        assert error.path.startswith("$")
        assert error.problem
