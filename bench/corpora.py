"""Where the team's shared corpora are: beside the repository, or where GLOSS_CORPORA says.

A git worktree of the repository (``../wt/<name>``) is not beside ``shared/``, so the
environment variable lets benches and tests find the corpora from there too.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA_ENV = "GLOSS_CORPORA"


def corpora_dir() -> Path:
    """The corpora directory (it may not exist: callers skip with `missing_reason`)."""
    configured = os.environ.get(CORPORA_ENV)
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "corpora"


def missing_reason(path: Path) -> str:
    return (
        f"shared corpora not found at {path} (only present beside the team's checkout; "
        f"set {CORPORA_ENV} to point elsewhere)"
    )
