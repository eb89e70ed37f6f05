"""Path converters that refuse what the database cannot hold, so a URL never reaches a query
with a number it cannot bind (SQLite and PostgreSQL raise on ids beyond 64 bits: a 500).

`<id:pk>` is every database id in a URL: a positive number of at most 19 digits that fits a
signed 64-bit column. Anything else does not match the pattern, which is a 404. Registered once,
in `newsapp/urls.py`, before the apps' URL modules are read; `tests/hostile/test_urlconf.py`
checks that no pattern uses Django's unbounded `int`.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # BigAutoField


class IdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond a 64-bit id")  # Django answers 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))
