"""The import graph keeps its shape: apps depend one way, with no cycles, and `text` stays
pure Python. Read from the source with `ast`, so every import counts, inside functions too."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

NEWSAPP = Path(__file__).resolve().parent.parent / "newsapp"

# Who may import whom: an app may import apps of a lower rank, never the same or higher
# (siblings of one rank know nothing of each other).
RANK = {
    "text": 0,
    "reader": 1,
    "accounts": 2,
    "articles": 2,
    "annotations": 3,
    "claims": 4,
    "sharing": 4,
    "groups": 5,
    "moderation": 6,
    # The annotation API: the W3C protocol over annotations, with the sharing app's JSON-LD;
    # its q= is the search module's note search.
    "api": 6,
    # Running the project (health, logs, error pages, the worker): above every app it looks
    # after (the worker recovers the articles app's jobs); no app imports it.
    "ops": 7,
    "reading": 5,
    "notifications": 5,
    "search": 5,  # reads articles, notes, sources and quotes (claims)
}
# Helpers every app may use; they import no app themselves.
SHARED = {"web", "ratelimit", "prepared"}
# The project's wiring: it may import everything, nothing imports it (but settings, which
# Django code reads through django.conf). `converters` are the URL conf's path converters.
ROOT = {"settings", "urls", "wsgi", "asgi", "converters"}


def unit_of(module: str) -> str:
    """`newsapp.annotations.layer` -> "annotations"; `newsapp.web` -> "web"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "newsapp"


def module_name(path: Path) -> str:
    relative = path.relative_to(NEWSAPP.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports (absolute, relative resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def source_files() -> list[Path]:
    return [path for path in NEWSAPP.rglob("*.py") if "migrations" not in path.parts]


def is_unit(name: str) -> bool:
    return (NEWSAPP / name / "__init__.py").exists() or (NEWSAPP / f"{name}.py").exists()


@pytest.fixture(scope="module")
def app_edges() -> dict[str, set[str]]:
    """app -> the other apps (and top-level modules) it imports."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path in source_files():
        source = unit_of(module_name(path))
        for imported in imports_of(path):
            target = unit_of(imported) if imported.startswith("newsapp.") else ""
            if target and target != source and is_unit(target):
                edges[source].add(target)
    return edges


def test_every_app_has_a_place_in_the_order():
    units = {path.name for path in NEWSAPP.iterdir() if (path / "__init__.py").exists()}
    modules = {path.stem for path in NEWSAPP.glob("*.py") if path.stem != "__init__"}
    unplaced = (units - RANK.keys()) | (modules - SHARED - ROOT)
    assert not unplaced, f"give these a place in RANK, SHARED or ROOT: {sorted(unplaced)}"


def test_apps_depend_one_way(app_edges):
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in app_edges.items()
        for target in targets
        if source not in ROOT
        and target not in SHARED
        and not (source in RANK and target in RANK and RANK[target] < RANK[source])
    )
    assert not wrong, wrong


def test_no_cycles_between_apps(app_edges):
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for following in sorted(app_edges.get(node, ())):
            if state.get(following) == "open":
                return [*path, node, following]
            if following not in state and (cycle := visit(following, [*path, node])):
                return cycle
        state[node] = "done"
        return None

    cycles = [
        cycle for node in sorted(app_edges) if node not in state if (cycle := visit(node, []))
    ]
    assert cycles == []


def test_text_is_pure_python():
    impure = sorted(
        f"{path.relative_to(NEWSAPP)} imports {imported}"
        for path in (NEWSAPP / "text").rglob("*.py")
        for imported in imports_of(path)
        if imported.split(".")[0] == "django"
        or (imported.startswith("newsapp.") and unit_of(imported) != "text")
    )
    assert not impure, impure


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path, monkeypatch):
    """The rules above can fail: a made-up graph with a cycle and an upward edge trips them."""
    edges = {"articles": {"annotations"}, "annotations": {"articles"}}
    with pytest.raises(AssertionError):
        test_apps_depend_one_way(edges)
    with pytest.raises(AssertionError):
        test_no_cycles_between_apps(edges)
