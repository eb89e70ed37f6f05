from __future__ import annotations

import os
import shutil

import pytest

from bench.stack import Stack


@pytest.fixture
def stack():
    """A scratch folder for real services; everything started in it stops afterwards."""
    with Stack() as started:
        yield started


def require_programs(*names: str) -> None:
    """Topology tests need Debian's servers; `make test` installs them first."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(f"not installed: {', '.join(missing)}: `make test` installs them first")
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (run scripts/ensure-test-system-deps)")
