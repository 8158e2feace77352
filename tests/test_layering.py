"""The shape of the house: who may import `mcp`, no import circles, no module over 500 lines.

Only torus_mcp/server/ (and the demo client) know MCP; the domain never imports it. Imports are
read with `ast`, function-level (lazy) imports included: a circle closed by a lazy import is still
a circle. Imports under `if TYPE_CHECKING:` never run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "torus_mcp"
MAY_IMPORT_MCP = {PACKAGE / "server", PACKAGE / "commands" / "demo.py"}
MAX_LINES = 500


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(inner) for inner in ast.walk(node))
    return hidden


def imported_modules(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every module `path` imports (absolute names; relative imports resolved), lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = _type_checking_nodes(tree)
    here = module_name(path, package).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names.add(base)
            # `from package import module` imports the module itself.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = {module_name(p, package): p for p in package.rglob("*.py")}
    return {
        name: {m for m in imported_modules(path, package) if m in modules and m != name}
        for name, path in modules.items()
    }


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        circles.append(sorted(component))
    return circles


def test_domain_modules_never_import_mcp() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if any(path == allowed or allowed in path.parents for allowed in MAY_IMPORT_MCP):
            continue
        mcp_imports = sorted(
            m for m in imported_modules(path) if m == "mcp" or m.startswith(("mcp.", "mcp_types"))
        )
        if mcp_imports:
            offenders.append(f"{path.relative_to(PACKAGE.parent)}: {', '.join(mcp_imports)}")
    assert offenders == []


def test_the_layering_check_sees_imports() -> None:
    # Guard against a check that cannot fail: the server package does import mcp.
    assert "mcp.server.mcpserver" in imported_modules(PACKAGE / "server" / "__init__.py")


def test_no_import_circle_among_torus_mcp_modules() -> None:
    assert import_circles(import_graph()) == []


def test_no_module_over_500_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_package_says_what_it_is_for() -> None:
    silent = [
        str(init.relative_to(PACKAGE.parent))
        for init in sorted(PACKAGE.rglob("__init__.py"))
        if not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    ]
    assert silent == []


def test_the_circle_check_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    # Guard against a check that cannot fail: a circle closed by a function-level relative import.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""A package."""\n')
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text("def thing():\n    from .a import other\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import thing\n"
    )
    (package / "d.py").write_text("from pkg import c\n")
    graph = import_graph(package)
    assert graph["pkg.d"] == {"pkg", "pkg.c"}
    assert graph["pkg.c"] == set()
    assert import_circles(graph) == [["pkg.a", "pkg.b"]]


def _defined_names(path: Path) -> set[str]:
    """Names a module defines at its top level (functions, classes, assignments), imports excluded."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _from_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every absolute `from torus_mcp... import name` in a file."""
    pairs = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and not node.level
            and (node.module or "").startswith("torus_mcp")
        ):
            pairs.extend((node.module, alias.name) for alias in node.names)
    return pairs


def test_names_are_imported_from_the_module_that_defines_them() -> None:
    # No re-exports: a name comes from its defining module (or is a submodule of a package).
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    defined = {name: _defined_names(path) for name, path in modules.items()}
    wrong = []
    for folder in ("torus_mcp", "tests", "bench"):
        for path in sorted((PACKAGE.parent / folder).rglob("*.py")):
            if "node_modules" in path.parts:  # the conformance suite's installed packages
                continue
            for module, name in _from_imports(path):
                if module in modules and f"{module}.{name}" not in modules and name not in defined[module]:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}: {name} from {module}")
    assert wrong == []


def test_no_module_lists_reexports() -> None:
    listing = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(
            isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets)
            for node in ast.parse(path.read_text(encoding="utf-8")).body
        )
    ]
    assert listing == []
