"""The layering rule: only torus_mcp/server/ (and the demo client) know MCP; the domain never imports it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "torus_mcp"
MAY_IMPORT_MCP = {PACKAGE / "server", PACKAGE / "commands" / "demo.py"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


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
