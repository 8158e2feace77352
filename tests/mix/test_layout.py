"""The shape of torus_mcp/mix: no import circle (function-level imports count), modules of at most
500 lines, and package `__init__` files that hold a docstring and nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.shared_data import REPO_ROOT

MIX = REPO_ROOT / "torus_mcp" / "mix"
MAX_LINES = 500


def module_name(path: Path, root: Path) -> str:
    """The dotted name of `path`, a file of the package directory `root` (which may be a subpackage)."""
    base = root.parent
    while (base / "__init__.py").is_file():
        base = base.parent
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: at module level or in a function, not under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []
    for child in ast.iter_child_nodes(node):
        runs = child.orelse if isinstance(child, ast.If) and _is_type_checking(child.test) else [child]
        for statement in runs:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                found.append(statement)
            else:
                found += _runtime_imports(statement)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """{module: modules of the same package tree it imports}, for the package directory `root`."""
    modules = {module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base]) if base else ".".join(anchor)
                # `from pkg import mod` imports the submodule `pkg.mod` when there is one.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_under_mix() -> None:
    graph = import_graph(MIX)
    # The graph is the real one: the scanner imports the block parsers it calls.
    assert "torus_mcp.mix.parse.compile" in graph["torus_mcp.mix.parse.scan"]
    assert cycles(graph) == []


def test_the_circle_check_sees_function_level_imports_but_not_type_checking_ones(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""Doc."""\n')
    (package / "sub" / "__init__.py").write_text('"""Doc."""\n')
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from pkg.a import x\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
    )
    (package / "d.py").write_text("from . import c\n")
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.a"}
    assert graph["pkg.c"] == set() and graph["pkg.d"] == {"pkg.c"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b"]]


def test_every_mix_module_has_at_most_500_lines() -> None:
    sizes = {str(path.relative_to(MIX)): len(path.read_text().splitlines()) for path in MIX.rglob("*.py")}
    assert len(sizes) > 20
    assert {name: size for name, size in sizes.items() if size > MAX_LINES} == {}


def test_each_mix_package_init_is_one_docstring_and_nothing_else() -> None:
    inits = sorted(MIX.rglob("__init__.py"))
    assert [p.parent.name for p in inits] == ["mix", "elixir", "parse", "run"]
    for init in inits:
        body = ast.parse(init.read_text()).body
        assert len(body) == 1 and isinstance(body[0], ast.Expr), f"{init} holds more than its docstring"
        assert isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)
