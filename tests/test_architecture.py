"""The folder tree is the architecture: layers import only downward, nothing imports in a circle
(imports inside functions count), the engine never imports streamlit, and no module outgrows its
name. The layer order is the README's "Where things live"."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tcocalc"

LAYERS = ("pricing", "model", "inputs", "evidence", "analytics", "present", "export", "cli")
"""Bottom to top: a module may import its own layer and the layers before it."""

MAX_LINES = 600
TOO_LONG_FOR_NOW: dict[str, str] = {}
"""Modules allowed past MAX_LINES, each with the reason."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Every tcocalc module ``path`` imports at run time, at top level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for stmt in node.body
        for n in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                for a in node.names
            ]
        for t in targets:
            while t and t not in modules:
                t = t.rpartition(".")[0]
            if t and t != name and t.startswith("tcocalc"):
                found.add(t)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {name: _imports(path, name, modules) for name, path in modules.items()}
    # A package's __init__ is not a dependency of its submodules (Python runs it, but it is a
    # facade over them); an import of "tcocalc.x" counts as one of the module it names.
    return graph


def _layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_no_import_cycles_even_through_imports_inside_functions():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == node.rpartition(".")[0] or node.startswith(nxt + "."):
                continue  # a submodule importing its own package's facade is flagged below
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_layers_import_only_downward():
    wrong = []
    for name, targets in _graph().items():
        here = _layer(name)
        if here is None:
            continue
        for t in targets:
            there = _layer(t)
            if t == "tcocalc" or (there is not None and there > here):
                wrong.append(f"{name} imports {t}")
    assert not wrong, (
        "imports against the layer order " + " < ".join(LAYERS) + ":\n" + "\n".join(sorted(wrong))
    )


def test_submodules_do_not_import_their_own_package_facade():
    wrong = [
        f"{name} imports {t}"
        for name, targets in _graph().items()
        for t in targets
        if name.startswith(t + ".")
        and t != "tcocalc"
        and _modules()[t].name == "__init__.py"
        and _modules()[t].read_text(encoding="utf-8").count("import") > 0
        and t.count(".") >= 1
    ]
    assert not wrong, "\n".join(wrong)


def test_the_engine_never_imports_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("*.py")
        if "import streamlit" in p.read_text(encoding="utf-8")
        or "from streamlit" in p.read_text(encoding="utf-8")
    ]
    assert not offenders


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_outgrows_its_name(path):
    rel = str(path.relative_to(ROOT))
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if rel in TOO_LONG_FOR_NOW:
        return
    assert lines <= MAX_LINES, f"{rel} has {lines} lines (> {MAX_LINES}): split it by what it owns"


def test_tests_mirror_the_packages():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(p for p in packages if not (ROOT / "tests" / p).is_dir())
    assert not missing, f"tests/ has no folder for tcocalc/{missing}"
