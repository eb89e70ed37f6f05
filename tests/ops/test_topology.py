"""Several app servers, real parts: two gunicorn servers behind nginx share one PostgreSQL,
one Redis (cache and task queue) and one task worker (tests/ops/conftest.py starts them)."""

from __future__ import annotations

import httpx
import pytest

from tests.ops.conftest import SOURCED_PATHS
from tests.ops.live import Reader
from tests.webserver import SAMPLE_ARTICLE, article_page

pytestmark = pytest.mark.live

PRIVATE_WORDS = "check Amsel"  # from the seeded private note (bench/seed.py)


def job_id_from(response: httpx.Response) -> int:
    """The job page a plain "Check for changes" POST redirects to: /jobs/<pk>/."""
    location = response.headers["location"]
    assert location.startswith("/jobs/"), location
    return int(location.strip("/").split("/")[-1])


def test_a_note_written_through_one_server_is_visible_through_the_other_at_once(topology, seeded):
    article = seeded["article"]
    second = Reader(topology.url(1))
    before = second.get(article["url"])  # server 2 has rendered (and cached) the page
    writer = Reader(topology.url(0), seeded["readers"][0])
    note = "Gauge seven was offline during the second storm."

    saved = writer.annotate(article, article["exacts"][2], note=note)

    assert saved.status_code == 302
    assert before.status_code == 200
    assert note not in before.text
    assert note in second.get(article["url"]).text
    for _ in range(2):  # nginx alternates between the servers
        assert note in Reader(topology.url()).get(article["url"]).text


def test_a_reader_signed_in_through_one_server_is_signed_in_on_the_other(topology, seeded):
    credentials = seeded["readers"][0]  # the one with a password
    with httpx.Client(base_url=topology.url(0)) as first:
        csrf = first.get("/accounts/login/").cookies["csrftoken"]
        signed_in = first.post(
            "/accounts/login/",
            data={
                "username": credentials["username"],
                "password": credentials["password"],
                "csrfmiddlewaretoken": csrf,
            },
            headers={"Cookie": f"csrftoken={csrf}"},
        )
    session = signed_in.cookies["sessionid"]

    my_notes = httpx.get(f"{topology.url(1)}/notes/", headers={"Cookie": f"sessionid={session}"})

    assert signed_in.status_code == 302
    assert my_notes.status_code == 200
    assert credentials["username"] in my_notes.text


def test_a_revision_refresh_queued_on_one_server_is_done_by_a_worker(topology, seeded):
    article = seeded["sourced"][0]
    topology.site.add(SOURCED_PATHS[0], article_page(**SAMPLE_ARTICLE))
    slug = article["slug"]
    reader = seeded["readers"][0]

    queued = Reader(topology.url(0), reader).post(f"/articles/{slug}/check/", {})
    job_id = job_id_from(queued)

    assert topology.wait_for_job(job_id) == ("done", "updated", 1)
    job_page = Reader(topology.url(1), reader).get(f"/jobs/{job_id}/")
    assert "Revision 2:" in job_page.text
    article_page_after = Reader(topology.url(1)).get(article["url"])
    assert "ferry terminal on the north quay" in article_page_after.text


def test_a_private_note_never_appears_through_either_server_to_anyone_else(topology, seeded):
    private, article = seeded["private_note"], seeded["article"]
    bases = [topology.url(0), topology.url(1), topology.url()]
    for base in bases:  # the author first: their pages are rendered and cached before others'
        author = Reader(base, seeded["author"])
        assert PRIVATE_WORDS in author.get(f"/a/{private}/").text
        assert PRIVATE_WORDS in author.get(article["url"]).text

    for base in bases:
        for credentials in (None, seeded["readers"][0]):
            someone_else = Reader(base, credentials)
            assert someone_else.get(f"/a/{private}/").status_code == 404
            page = someone_else.get(article["url"])
            assert page.status_code == 200
            assert PRIVATE_WORDS not in page.text
            assert PRIVATE_WORDS not in someone_else.get("/notes/").text
