"""The layout rules of docs/architecture.md, checked on the source itself.

- no import cycle between the project's modules (imports at module level only, so the
  graph read here is the graph Python follows);
- no function-level import of a project module (they hid cycles);
- no ``except ImportError`` around a project module (a check must never switch itself
  off because its module is missing);
- lower layers never import higher ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "luutru"

#: Layer of each top-level area; a module may import its own layer and lower ones.
LAYERS: dict[str, int] = {
    "records": 0, "config": 0, "logs": 0, "__init__": 0,
    "policies": 1,
    "packaging": 2, "tools": 2, "catalog": 2, "search": 2, "audit": 2,
    "preservation.storage": 3,
    "services": 4,
    "preservation": 5, "ingest": 5, "disposal": 5, "transfer_out": 5,
    "jobs": 6, "demo": 6,
    "api": 7,
    "cli": 8,
}


def _modules() -> dict[str, Path]:
    out = {}
    for p in ROOT.rglob("*.py"):
        if "migrations" in p.parts:
            continue
        parts = p.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


MODULES = _modules()


def _resolve(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _imports(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, a.name) for a in node.names if a.name.split(".")[0] == "luutru"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "luutru":
            found += [(node, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node, "." * node.level + (node.module or "")))
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = set()
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for _n, target in _imports(node):
                    dep = _resolve(target)
                    if dep and dep != name:
                        deps.add(dep)
        graph[name] = deps
    return graph


def _layer(module: str) -> tuple[str, int]:
    parts = module.split(".")[1:] or ["__init__"]
    if parts[:2] == ["preservation", "storage"]:
        return "preservation.storage", LAYERS["preservation.storage"]
    return parts[0], LAYERS[parts[0]]


def test_every_area_has_a_layer() -> None:
    unknown = {m for m in MODULES if (m.split(".")[1:] or ["__init__"])[0] not in LAYERS}
    assert not unknown, f"add these areas to LAYERS (and docs/architecture.md): {sorted(unknown)}"


def test_no_relative_or_function_level_imports_of_the_project() -> None:
    bad = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        for node, target in _imports(tree):
            if target.startswith("."):
                bad.append(f"{name}:{node.lineno} relative import {target}")
            elif id(node) not in top:
                bad.append(f"{name}:{node.lineno} imports {target} inside a function or block")
    assert not bad, "\n".join(bad)


def test_no_import_error_fallback_around_project_modules() -> None:
    bad = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            catches = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            if catches & {"ImportError", "ModuleNotFoundError"} and any(
                    t for stmt in node.body for _n, t in _imports(stmt)):
                bad.append(f"{name}:{node.lineno}")
    assert not bad, f"project modules imported under except ImportError: {bad}"


def test_no_import_cycles() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_lower_layers_never_import_higher_ones(module: str) -> None:
    area, rank = _layer(module)
    up = [d for d in _graph_cache()[module] if _layer(d)[1] > rank]
    assert not up, f"{module} ({area}, layer {rank}) imports higher layers: {up}"


_GRAPH: dict[str, set[str]] = {}


def _graph_cache() -> dict[str, set[str]]:
    if not _GRAPH:
        _GRAPH.update(_graph())
    return _GRAPH


def test_modules_and_functions_stay_small() -> None:
    """Modules under 400 lines, functions under 60 (tables of finding codes excepted:
    docs/architecture.md says why)."""
    big = []
    for name, path in MODULES.items():
        if ".finding_codes" in name:
            continue
        src = path.read_text(encoding="utf-8")
        if len(src.splitlines()) > 400:
            big.append(f"{name}: {len(src.splitlines())} lines")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > 60:
                    big.append(f"{name}.{node.name}: {n} lines")
    assert not big, big
