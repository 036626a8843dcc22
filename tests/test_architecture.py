"""The layers, as the README's Development section draws them, held by the imports.

core (pure) <- app (use cases) <- render <- cli. The core reads no store and formats
nothing; the use cases never format output (work mode, an interactive screen, is the one
exception); nothing imports in a circle, counting imports made inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "collectctl"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def imports_of(path: Path, top_level_only: bool = False) -> set[str]:
    """The collectctl modules a file imports (``from x import y`` counts ``x.y`` when that
    is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("top_level_only", [True, False], ids=["module-level", "any"])
def test_no_import_cycles(top_level_only):
    graph = {name: imports_of(path, top_level_only) - {name} for name, path in MODULES.items()}
    # A package's __init__ importing its own submodules is not a cycle of design.
    for name in graph:
        graph[name] = {d for d in graph[name] if not name.startswith(d + ".")}
    assert _cycles(graph) == []


def _layer_imports(prefix: str) -> dict[str, set[str]]:
    return {name: imports_of(path) for name, path in MODULES.items()
            if name == prefix or name.startswith(prefix + ".")}


def test_the_core_reads_no_store_and_renders_nothing():
    forbidden = ("collectctl.storage", "collectctl.app", "collectctl.render", "collectctl.cli",
                 "collectctl.clock")
    for name, deps in _layer_imports("collectctl.core").items():
        bad = sorted(d for d in deps if d.startswith(forbidden))
        assert not bad, f"{name} imports {bad}"


def test_use_cases_never_format_output():
    for name, deps in _layer_imports("collectctl.app").items():
        if name == "collectctl.app.work":  # an interactive screen: it draws itself
            continue
        bad = sorted(d for d in deps if d.startswith(("collectctl.render", "collectctl.cli")))
        assert not bad, f"{name} imports {bad}"


def test_the_ingest_layer_is_below_the_use_cases():
    for name, deps in _layer_imports("collectctl.ingest").items():
        bad = sorted(d for d in deps if d.startswith(("collectctl.app", "collectctl.render",
                                                      "collectctl.cli", "collectctl.storage")))
        assert not bad, f"{name} imports {bad}"
