"""Finding spec packs in a spec tree by their content, at any depth.

A pack is a directory holding at least one of prd.md, fdd.md, plan.md. Packs nest: an epic directory
with its own prd.md or plan.md is a pack, and so is each pack below it. A directory whose only
documents are informal drafts (informal.md, *-informal.md, notes) is a draft, not a pack. Every other
directory that is not addressable is reported with the reason, so a user can see what was left out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORE_DOCS = ("prd.md", "fdd.md", "plan.md")
SLUG_PATTERN = re.compile(r"^[a-z0-9_][a-z0-9_-]*$")
DRAFT_NAME = re.compile(r"^(informal|notes|.+[-_](informal|notes))\.md$")
# Levels of docs/exec-plans that group work items and are no part of a pack's id.
STATE_DIRS = ("current", "archive")
GROUP_DIRS = ("features", "epics")
ARCHIVE_DIR = "archive"
MAX_DEPTH = 10


@dataclass(frozen=True)
class FoundDir:
    """A pack or a draft found in a tree."""

    directory: Path  # under the root, symlinks not resolved
    resolved: Path
    tree: str  # the part of the relative path that is no part of the id
    segments: tuple[str, ...]  # the id, one slug per level
    archived: bool  # under an archive/ directory

    @property
    def id(self) -> str:
        return "/".join(self.segments)


@dataclass
class Discovery:
    packs: list[FoundDir] = field(default_factory=list)
    drafts: list[FoundDir] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Walk:
    root: Path
    inside: Callable[[Path], bool]
    avoid: frozenset[Path]
    found: Discovery
    seen: set[Path] = field(default_factory=set)


def is_draft_name(name: str) -> bool:
    return bool(DRAFT_NAME.match(name))


def walk_tree(
    root: Path,
    tree: str,
    *,
    grouped: bool,
    inside: Callable[[Path], bool],
    avoid: frozenset[Path] = frozenset(),
    into: Discovery | None = None,
) -> Discovery:
    """Packs, drafts and skipped directories under `root/tree`.

    `grouped` trees (docs/exec-plans) have optional current|archive and features|epics levels that
    are kept out of ids. `inside` says whether a resolved path stays in the spec trees; `avoid` are
    resolved directories walked as trees of their own.
    """
    walk = _Walk(root=root, inside=inside, avoid=avoid, found=into if into is not None else Discovery())
    base = root / tree
    if base.is_dir():
        walk.seen.add(base.resolve())
        _visit_children(walk, base, tree, (), grouped=grouped, archived=False, in_pack=False, depth=1)
    return walk.found


def _visit_children(
    walk: _Walk,
    directory: Path,
    tree: str,
    segments: tuple[str, ...],
    *,
    grouped: bool,
    archived: bool,
    in_pack: bool,
    depth: int,
) -> bool:
    """Visit the sub-directories; True when a pack or draft was found below."""
    found_any = False
    for entry in _sorted_dirs(directory):
        path = Path(entry.path)
        name = entry.name
        if grouped and not segments and _is_group_level(tree, name):
            below_archive = archived or name == ARCHIVE_DIR
            found_any |= _visit_children(
                walk,
                path,
                f"{tree}/{name}",
                (),
                grouped=grouped,
                archived=below_archive,
                in_pack=in_pack,
                depth=depth + 1,
            )
            continue
        found_any |= _visit(
            walk, path, tree, (*segments, name), archived=archived, in_pack=in_pack, depth=depth
        )
    return found_any


def _is_group_level(tree: str, name: str) -> bool:
    last = tree.rsplit("/", 1)[-1]
    if name in STATE_DIRS:
        return last not in STATE_DIRS and last not in GROUP_DIRS
    return name in GROUP_DIRS and last not in GROUP_DIRS


def _visit(
    walk: _Walk,
    path: Path,
    tree: str,
    segments: tuple[str, ...],
    *,
    archived: bool,
    in_pack: bool,
    depth: int,
) -> bool:
    rel = path.relative_to(walk.root).as_posix()
    resolved = path.resolve()
    if not walk.inside(resolved):
        walk.found.skipped.append(f"{rel}: symlink leaves the spec tree")
        return False
    if resolved in walk.seen or resolved in walk.avoid:
        return False
    walk.seen.add(resolved)
    if not SLUG_PATTERN.match(segments[-1]):
        if not in_pack:
            walk.found.skipped.append(f"{rel}: name is not a slug (lowercase letters, digits, '-', '_')")
        return False
    if depth > MAX_DEPTH:
        walk.found.skipped.append(f"{rel}: deeper than {MAX_DEPTH} levels below the spec tree")
        return False
    files = [e.name for e in scan_directory(path) if _is_file_inside(e, walk.inside)]
    is_pack = any(name in CORE_DOCS for name in files)
    is_draft = not is_pack and any(is_draft_name(name) for name in files)
    here = FoundDir(directory=path, resolved=resolved, tree=tree, segments=segments, archived=archived)
    if is_pack:
        walk.found.packs.append(here)
    elif is_draft:
        walk.found.drafts.append(here)
    below = _visit_children(
        walk,
        path,
        tree,
        segments,
        grouped=False,
        archived=archived,
        in_pack=in_pack or is_pack,
        depth=depth + 1,
    )
    if not (is_pack or is_draft or below or in_pack):
        documents = [name for name in files if name.endswith((".md", ".yml", ".yaml"))]
        reason = (
            f"holds {len(documents)} document(s) but no prd.md, fdd.md or plan.md, so it is no pack"
            if documents
            else "holds no prd.md, fdd.md or plan.md, so it is no pack"
        )
        walk.found.skipped.append(f"{rel}: {reason}")
    return is_pack or is_draft or below


def _is_file_inside(entry: os.DirEntry[str], inside: Callable[[Path], bool]) -> bool:
    if not entry.is_file():
        return False
    return not entry.is_symlink() or inside(Path(entry.path).resolve())


def scan_directory(path: Path) -> list[os.DirEntry[str]]:
    """The entries of a directory; none when it cannot be read."""
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError:
        return []


def _sorted_dirs(path: Path) -> list[os.DirEntry[str]]:
    return sorted(
        (e for e in scan_directory(path) if not e.name.startswith(".") and e.is_dir()),
        key=lambda e: e.name,
    )
