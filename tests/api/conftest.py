from __future__ import annotations

import pytest

from tests.api.support import token_for
from tests.factories import make_article, make_user

SOURCE = "https://news.example.org/2031/harbour-vote"


@pytest.fixture
def author(db):
    return make_user("adaeze")


@pytest.fixture
def token(author):
    return token_for(author)


@pytest.fixture
def article(db):
    return make_article(title="Harbour bridge vote", source_url=SOURCE, canonical_url=SOURCE)
