"""Which files a guideline check reads: the paths asked for, or the change under work.

Paths are relative to the project root (or absolute inside it); a directory stands for the Elixir
(.ex, .exs) and HEEx (.heex) files below it, leaving out build output, dependencies and hidden
directories. Every path must stay inside the root after symlinks are resolved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

SOURCE_SUFFIXES = (".ex", ".exs", ".heex")
SKIPPED_DIRS = frozenset({"_build", "deps", "node_modules"})


class SourceSelectionError(ValueError):
    """A path cannot be checked (missing, outside the project, not an Elixir or HEEx file)."""


def changed_files(root: Path, since: str | None = None) -> list[Path]:
    """The .ex/.exs/.heex files of the change under work, as absolute paths.

    That is: files changed against the merge base with the main branch (or against `since`), plus
    staged, unstaged and untracked ones, as the git history module lists them; deleted files drop out.
    """
    from torus_mcp.config import load_project_config
    from torus_mcp.history.changes import change_base
    from torus_mcp.history.changes import changed_files as files_since
    from torus_mcp.history.repository import HistoryError, open_repository
    from torus_mcp.history.settings import history_settings

    try:
        settings = history_settings(load_project_config(root))
        with open_repository(root) as repo:
            base = change_base(repo, since, settings.main_branch)
            changed = [f.path for f in files_since(repo, base.sha) if f.status != "deleted"]
    except HistoryError as exc:
        raise SourceSelectionError(f"{exc} Or name the files or directories to check.") from exc
    return existing_sources(root, changed)


def select_paths(root: Path, paths: Sequence[str | Path]) -> list[Path]:
    """The Elixir and HEEx files that `paths` name, as sorted absolute paths without duplicates."""
    root = root.resolve()
    found: dict[Path, None] = {}
    for raw in paths:
        text = str(raw)
        if not text.strip() or "\x00" in text:
            raise SourceSelectionError(f"{raw!r} is not a path; name a file or directory under {root}.")
        candidate = Path(text) if Path(text).is_absolute() else root / text
        resolved = _inside(root, candidate, text)
        if resolved.is_dir():
            found.update(dict.fromkeys(_walk(root, resolved)))
        elif resolved.is_file():
            if not resolved.name.endswith(SOURCE_SUFFIXES):
                raise SourceSelectionError(
                    f"{text} is not an Elixir (.ex, .exs) or HEEx (.heex) file; name those files or a "
                    "directory holding them."
                )
            found[resolved] = None
        else:
            raise SourceSelectionError(f"{text} does not exist under {root}; check the path.")
    return sorted(found)


def existing_sources(root: Path, candidates: Iterable[str | Path]) -> list[Path]:
    """Of the given paths (relative to root), the Elixir and HEEx files that exist inside the root."""
    root = root.resolve()
    kept: dict[Path, None] = {}
    for raw in candidates:
        path = Path(raw) if Path(raw).is_absolute() else root / raw
        if not path.name.endswith(SOURCE_SUFFIXES):
            continue
        resolved = path.resolve()
        if resolved.is_file() and resolved.is_relative_to(root):
            kept[resolved] = None
    return sorted(kept)


def relative(root: Path, path: Path) -> str:
    """`path` relative to `root` (both resolved), in / form."""
    return path.relative_to(root).as_posix()


def _inside(root: Path, candidate: Path, text: str) -> Path:
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        raise SourceSelectionError(
            f"{text} is outside the project root {root} (after resolving symlinks); only project files "
            "can be checked."
        )
    return resolved


def _walk(root: Path, directory: Path) -> Iterable[Path]:
    """`directory` is resolved and os.walk does not enter linked directories, so only a linked
    file can lead out of the root; it alone is resolved and checked."""
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                path = Path(current, name)
                if path.is_symlink():
                    path = path.resolve()
                    if not (path.is_file() and path.is_relative_to(root)):
                        continue
                yield path
