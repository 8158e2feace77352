"""The shape of torus_mcp/specs: no import circles (function-level imports included), small modules,
package ``__init__`` files that only say what the package is for, and every name imported from the
module that defines it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.shared_data import REPO_ROOT

PACKAGE = REPO_ROOT / "torus_mcp" / "specs"
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def specs_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks (imports there never run)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                inside.update(id(child) for child in ast.walk(statement))
    return inside


def imports_of(path: Path, *, runtime_only: bool) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in the file, at any depth; ``runtime_only`` leaves out the
    ones under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree) if runtime_only else set()
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def import_graph() -> dict[str, set[str]]:
    """specs module -> the specs modules it imports when it runs."""
    modules = specs_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for module, names in imports_of(path, runtime_only=True):
            targets = [module] + [f"{module}.{n}" for n in names]
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


def test_no_import_circles_in_specs():
    graph = import_graph()
    assert len(graph) > 30
    assert cycles(graph) == []


def test_the_circle_check_sees_function_level_imports():
    # A check that cannot fail is no check: a circle closed by an import inside a function counts.
    graph = import_graph()
    assert "torus_mcp.specs.plan.lookup" in graph["torus_mcp.specs.trace"]  # imported inside build_trace
    graph["torus_mcp.specs.ids"] = graph["torus_mcp.specs.ids"] | {"torus_mcp.specs.trace"}
    assert any("torus_mcp.specs.ids" in cycle for cycle in cycles(graph))


def test_imports_for_type_checking_only_are_no_circle():
    # rules.base names PackView in an annotation only; pack_view imports base when it runs.
    base = PACKAGE / "rules" / "base.py"
    runtime = {module for module, _ in imports_of(base, runtime_only=True)}
    everything = {module for module, _ in imports_of(base, runtime_only=False)}
    assert "torus_mcp.specs.rules.pack_view" in everything - runtime
    assert "torus_mcp.specs.rules.base" in import_graph()["torus_mcp.specs.rules.pack_view"]


def test_no_module_is_over_500_lines():
    long = {
        name: n
        for name, path in specs_modules().items()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_package_inits_hold_one_docstring_and_nothing_else():
    inits = [path for path in specs_modules().values() if path.name == "__init__.py"]
    assert len(inits) == 4  # specs, plan, requirements, rules
    for path in inits:
        body = ast.parse(path.read_text(encoding="utf-8")).body
        assert len(body) == 1, path
        assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), path
        assert isinstance(body[0].value.value, str) and len(body[0].value.value) > 40, path


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


def test_every_specs_name_is_imported_from_the_module_that_defines_it():
    modules = specs_modules()
    defined = {name: _defined_names(path) for name, path in modules.items()}
    importers = [
        path
        for folder in ("torus_mcp", "tests", "bench")
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
    ]
    wrong = []
    for path in importers:
        for module, names in imports_of(path, runtime_only=False):
            if module not in modules:
                continue
            for name in names:
                if f"{module}.{name}" not in modules and name not in defined[module]:
                    wrong.append(f"{path.relative_to(REPO_ROOT)}: {name} from {module}")
    assert wrong == []


def test_no_specs_module_lists_reexports():
    for name, path in specs_modules().items():
        assert not re.search(r"^__all__\s*=", path.read_text(encoding="utf-8"), re.MULTILINE), name


def test_the_domain_does_not_import_mcp():
    modules = specs_modules()
    assert len(modules) > 30
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) mcp\b", source, re.MULTILINE), name
