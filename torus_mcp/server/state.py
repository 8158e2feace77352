"""Where the server is pointed: the project root, found once, and a fresh Workspace per request.

The root comes from --root, else TORUS_ROOT, else the client's MCP roots, else the working
directory walking up to the nearest mix.exs. Client roots can only be asked for during a tool call,
so the choice is settled by the first tool call (or at once when --root/TORUS_ROOT is given);
prompts, resources and completions before that use the working-directory rule.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from mcp_types import ListRootsResult

from torus_mcp.config import CONFIG_FILE_NAME
from torus_mcp.workspace import RootChoice, Workspace, resolve_root


class ServerState:
    def __init__(self, cli_root: str | None = None, cwd: Path | None = None) -> None:
        self.cli_root = cli_root
        self.cwd = cwd or Path.cwd()
        self._choice: RootChoice | None = None
        self._workspace: Workspace | None = None
        self._workspace_key: tuple[object, ...] | None = None
        self._settled = bool(cli_root or os.environ.get("TORUS_ROOT"))
        if self._settled:
            # Fail at start-up, not at the first call, when an explicit root is wrong.
            self._choice = resolve_root(cli_root, os.environ, None, self.cwd)

    @property
    def wants_client_roots(self) -> bool:
        return not self._settled

    def settle_with_client_roots(self, roots: ListRootsResult | None) -> None:
        if self._settled:
            return
        paths = [p for p in (_root_path(r.uri) for r in (roots.roots if roots else [])) if p]
        self._choice = resolve_root(None, os.environ, paths, self.cwd)
        self._settled = roots is not None

    def choice(self) -> RootChoice:
        if self._choice is None or not self._settled:
            self._choice = resolve_root(self.cli_root, os.environ, None, self.cwd)
        return self._choice

    def workspace(self, roots: ListRootsResult | None = None) -> Workspace:
        """The workspace; a tool passes the client's roots, which settle the root the first time."""
        if roots is not None:
            self.settle_with_client_roots(roots)
        # Kept while the root and .torus-mcp.toml stay the same, so a changed config is picked up
        # without a restart and an unchanged one costs one stat per request.
        choice = self.choice()
        key = (choice.root, _stamp(choice.root / CONFIG_FILE_NAME))
        if self._workspace is None or self._workspace_key != key:
            self._workspace = Workspace(choice)
            self._workspace_key = key
        return self._workspace


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _root_path(uri: object) -> Path | None:
    parsed = urlparse(str(uri))
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))
