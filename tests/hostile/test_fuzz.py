"""Property-based fuzzing of every endpoint in the URL conf (forms, query strings, JSON and
uploads), with DEBUG off: no answer is a server error, and none takes 2 s of CPU.

The endpoints come from the URL conf (`catalogue.endpoints`), their field names from the forms
and HTMX controls on every page (`catalogue.discover_fields`), the values from hypothesis plus
the hostile classes in `values.py`. Examples per endpoint: GLOSS_FUZZ_EXAMPLES (default 12);
derandomised so that `make test` is repeatable, GLOSS_FUZZ_RANDOM=1 explores afresh (the
hypothesis profiles in tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.catalogue import (
    build_world,
    discover_fields,
    endpoints,
    is_server_error,
    sample_path,
)
from tests.hostile.values import HOSTILE_VALUES, JSON_BODIES

pytestmark = pytest.mark.django_db

ENDPOINTS = endpoints()
EXAMPLES = int(os.environ.get("GLOSS_FUZZ_EXAMPLES", "12"))
CPU_SECONDS = 2.0
_FIELDS: dict[str, set[str]] = {}
COMMON_FIELDS = ["note", "title", "body", "url", "q", "page", "exact", "start", "end", "next",
                 "format", "maxwidth", "notes_page"]  # fmt: skip

text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200)
value = st.one_of(
    text,
    st.sampled_from(HOSTILE_VALUES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def json_value(depth: int = 3):
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), text)
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
        max_leaves=depth * 6,
    )


@pytest.fixture
def fuzz_world(production):
    world = build_world()
    client = Client(raise_request_exception=False)
    assert client.login(username=world["owner"], password=world["password"])
    if not _FIELDS:  # the pages' forms are the same in every test: crawl them once
        _FIELDS.update(discover_fields(client, world))
    world["fields"] = _FIELDS
    return world, client


def request_strategy(fields: list[str]):
    form = st.dictionaries(
        st.sampled_from(fields), value | st.lists(value, max_size=3), max_size=len(fields)
    )
    return st.one_of(
        st.tuples(st.just("get"), form),
        st.tuples(st.just("post"), form),
        st.tuples(st.just("post-htmx"), form),
        st.tuples(st.just("post-json"), st.sampled_from(JSON_BODIES) | json_value()),
        st.tuples(st.just("post-file"), st.sampled_from(JSON_BODIES) | st.binary(max_size=2000)),
    )


def send(client: Client, path: str, kind: str, payload):
    if kind == "get":
        return client.get(path, payload)
    if kind == "post":
        return client.post(path, payload)
    if kind == "post-htmx":
        return client.post(path, payload, HTTP_HX_REQUEST="true")
    if kind == "post-json":
        body = payload if isinstance(payload, bytes) else json.dumps(payload)
        return client.post(path, body, content_type="application/json")
    upload = SimpleUploadedFile("notes.json", payload, content_type="application/json")
    return client.post(path, {"file": upload, "visibility": "private"})


def fuzz_endpoint(client: Client, world: dict, endpoint, examples: int) -> None:
    """Hypothesis over one endpoint: `examples` requests, none a 500, none 2 s of CPU."""
    path = sample_path(endpoint, world)
    fields = sorted(world["fields"].get(endpoint.name, set()) | set(COMMON_FIELDS))

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(request=request_strategy(fields))
    def fuzz(request):
        kind, payload = request
        started = time.process_time()
        response = send(client, path, kind, payload)
        seconds = time.process_time() - started
        assert not is_server_error(endpoint.name, response.status_code), (path, kind)
        assert seconds < CPU_SECONDS, (path, kind, f"{seconds:.2f} s")

    fuzz()


def test_fuzzing_every_endpoint_signed_in_never_gets_a_server_error_or_a_slow_answer(
    fuzz_world,
):
    world, client = fuzz_world
    for endpoint in ENDPOINTS:
        fuzz_endpoint(client, world, endpoint, EXAMPLES)


def test_fuzzing_every_endpoint_signed_out_never_gets_a_server_error(fuzz_world):
    world, _ = fuzz_world
    stranger = Client(raise_request_exception=False)
    for endpoint in ENDPOINTS:
        fuzz_endpoint(stranger, world, endpoint, max(3, EXAMPLES // 3))


def test_the_fuzz_finds_the_forms(fuzz_world):
    world, _ = fuzz_world
    fields = world["fields"]
    assert {"note", "exact", "kind", "visibility"} <= fields["annotations:create"]
    assert "note" in fields["annotations:reply"]
    assert "file" in fields["sharing:import"]
