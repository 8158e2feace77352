"""The project root, the spec tree inside it, and safe paths to spec-pack documents.

Every path the server touches on behalf of a client is built here, from validated names, and
checked once more after symlinks are resolved: nothing outside the spec tree is ever read or
written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, Field

from torus_mcp.config import CONFIG_FILE_NAME, ConfigError, ProjectConfig, load_project_config

SLUG_PATTERN = re.compile(r"^[a-z0-9_][a-z0-9_-]*$")
DOC_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(md|markdown|yml|yaml)$")
DOC_SHORT_FORMS = {"prd": "prd.md", "fdd": "fdd.md", "plan": "plan.md", "requirements": "requirements.yml"}
CORE_DOCS = ("prd.md", "fdd.md", "plan.md")
EXEC_PLANS_DIR = "docs/exec-plans"
EXEC_PLAN_STATES = ("current", "archive")

RootRule = Literal["--root", "TORUS_ROOT", "client roots", "mix.exs above the working directory", "cwd"]


class WorkspaceError(ValueError):
    """A name or path the client gave cannot be used; the message says why and what to do."""


class FeatureNotFound(WorkspaceError):
    pass


class AmbiguousFeature(WorkspaceError):
    pass


class DocNotFound(WorkspaceError):
    pass


class RootChoice(BaseModel):
    """Which project root is in use and which rule picked it."""

    root: Path
    rule: RootRule
    reason: str


class SpecTree(BaseModel):
    """One directory the server searches for packs."""

    path: str  # relative to the root
    layout: Literal["features", "exec-plans features", "exec-plans epics"]
    exists: bool


class FeatureRef(BaseModel):
    """A spec pack found on disk."""

    id: str  # slug, or "<epic>/<feature>" for packs under an epic
    slug: str
    epic: str | None
    path: Path  # absolute, resolved
    rel_path: str  # relative to the root, with forward slashes
    tree: str  # the spec tree it was found in, relative to the root
    # The resolved spec trees, which symlinked documents must stay inside, as doc_path requires
    # (empty: the pack itself).
    tree_roots: tuple[Path, ...] = Field(default=(), exclude=True)

    def docs(self) -> list[str]:
        """File names of the Markdown and YAML documents in the pack, core docs first.

        A document symlinked out of the spec tree is left out, so listings never reveal its name or size.
        """
        names = [
            entry.name
            for entry in _scandir(self.path)
            if entry.is_file() and DOC_NAME_PATTERN.match(entry.name) and self._stays_inside(entry)
        ]
        return sorted(names, key=lambda n: (CORE_DOCS.index(n) if n in CORE_DOCS else len(CORE_DOCS), n))

    def _stays_inside(self, entry: os.DirEntry[str]) -> bool:
        if not entry.is_symlink():
            return True
        target = Path(entry.path).resolve()
        return any(target.is_relative_to(tree) for tree in self.tree_roots or (self.path,))


def looks_like_project(path: Path, config: ProjectConfig | None = None) -> bool:
    """A Torus-like project: a mix.exs, or a spec tree, at this directory."""
    if (path / "mix.exs").is_file() or (path / EXEC_PLANS_DIR).is_dir():
        return True
    dirs = config.specs.dirs if config else ["docs/features"]
    return any((path / d).is_dir() for d in dirs)


def resolve_root(
    cli_root: str | None,
    env: dict[str, str] | os._Environ[str],
    client_roots: Sequence[Path] | None,
    cwd: Path,
) -> RootChoice:
    """Pick the project root: --root, else TORUS_ROOT, else the client's roots, else walk up from cwd."""
    if cli_root:
        return _explicit_root(cli_root, "--root", "given on the command line")
    if env.get("TORUS_ROOT"):
        return _explicit_root(env["TORUS_ROOT"], "TORUS_ROOT", "set in the environment")
    if client_roots:
        for candidate in client_roots:
            if candidate.is_dir() and looks_like_project(candidate):
                return RootChoice(
                    root=candidate.resolve(),
                    rule="client roots",
                    reason=f"the first root the client listed that holds a mix.exs or a spec tree "
                    f"({len(client_roots)} listed)",
                )
    for directory in (cwd, *cwd.parents):
        if (directory / "mix.exs").is_file():
            return RootChoice(
                root=directory.resolve(),
                rule="mix.exs above the working directory",
                reason=f"nearest mix.exs walking up from {cwd}",
            )
    return RootChoice(
        root=cwd.resolve(),
        rule="cwd",
        reason=f"no --root, TORUS_ROOT or client root, and no mix.exs above {cwd}: using the working "
        "directory. Start the server with --root /path/to/torus or set TORUS_ROOT.",
    )


def _explicit_root(value: str, rule: RootRule, where: str) -> RootChoice:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise WorkspaceError(
            f"the project root {value!r} ({where} via {rule}) is not a directory; "
            f"point {rule} at a Torus checkout (the directory holding mix.exs)."
        )
    return RootChoice(root=path.resolve(), rule=rule, reason=f"{where} ({rule}={value})")


def normalize_doc_name(doc: str) -> str:
    """`prd` -> `prd.md`; validates a document file name inside a pack."""
    name = doc.strip()
    name = DOC_SHORT_FORMS.get(name.lower(), name)
    if "\x00" in name:
        raise WorkspaceError("document name contains a NUL byte; pass a file name such as prd.md.")
    if "/" in name or "\\" in name or name in (".", "..") or not DOC_NAME_PATTERN.match(name):
        raise WorkspaceError(
            f"{doc!r} is not a document name: pass a file name in the pack such as prd.md, fdd.md, "
            "plan.md, requirements.yml (or prd, fdd, plan), with no directories."
        )
    return name


def _refuse_absolute(feature: str) -> None:
    # Stripping the leading "/" would quietly turn "/etc" into the slug "etc": say what is wrong instead.
    name = feature.strip()
    if name.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", name):
        raise WorkspaceError(
            f"{feature!r} is an absolute path; spec packs are named by id (e.g. canvas-preview or "
            "<epic>/<feature>) or by their path relative to the project root (e.g. "
            "docs/features/canvas-preview). Call list_features to see them."
        )


def validate_feature_id(feature: str) -> list[str]:
    """Split a feature id into validated slug segments (one, or epic + feature)."""
    if "\x00" in feature:
        raise WorkspaceError("feature name contains a NUL byte; pass a slug such as canvas-preview.")
    _refuse_absolute(feature)
    segments = feature.strip().strip("/").split("/")
    if not 1 <= len(segments) <= 2 or not all(SLUG_PATTERN.match(s) for s in segments):
        raise WorkspaceError(
            f"{feature!r} is not a feature id: use a slug of lowercase letters, digits, '-' and '_' "
            "that does not start with '-' (e.g. canvas-preview), or <epic>/<feature> for a pack under "
            "an epic. Call list_features to see the ids."
        )
    return segments


class Workspace:
    """The project root and its spec trees."""

    def __init__(self, choice: RootChoice, config: ProjectConfig | None = None) -> None:
        self.choice = choice
        self.root = choice.root
        self.config = config if config is not None else load_project_config(self.root)
        _check_spec_dirs(self.config)
        self._roots: list[Path] | None = None
        self._layouts: list[SpecTree] | None = None

    # -- spec trees -----------------------------------------------------------------------------

    def spec_trees(self) -> list[SpecTree]:
        return [
            tree.model_copy(update={"exists": (self.root / tree.path).is_dir()})
            for tree in self._tree_layouts()
        ]

    def _tree_layouts(self) -> list[SpecTree]:
        """The spec trees this project's config names, without touching the disk (kept per Workspace)."""
        if self._layouts is None:
            self._layouts = self._configured_trees()
        return self._layouts

    def _configured_trees(self) -> list[SpecTree]:
        trees = [SpecTree(path=d.strip("/"), layout="features", exists=False) for d in self.config.specs.dirs]
        if self.config.specs.exec_plans:
            for state in EXEC_PLAN_STATES:
                for layout, sub in (("exec-plans features", "features"), ("exec-plans epics", "epics")):
                    trees.append(
                        SpecTree(path=f"{EXEC_PLANS_DIR}/{state}/{sub}", layout=layout, exists=False)
                    )
        return trees

    def _tree_roots(self) -> list[Path]:
        # Resolved once per Workspace (the server keeps one while .torus-mcp.toml is unchanged). A tree
        # directory that is created or re-pointed later can only make containment checks refuse, never
        # admit a path outside the tree.
        if self._roots is None:
            self._roots = [(self.root / t.path).resolve() for t in self._tree_layouts()]
        return self._roots

    def is_inside_spec_tree(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(tree) for tree in self._tree_roots())

    # -- discovery ------------------------------------------------------------------------------

    def discover(self) -> list[FeatureRef]:
        """Every pack on disk, sorted by id then path. Directories that escape the tree are skipped."""
        found: list[FeatureRef] = []
        tree_roots = tuple(self._tree_roots())
        for tree in self.spec_trees():
            if not tree.exists:
                continue
            base = self.root / tree.path
            if tree.layout == "exec-plans epics":
                for epic in _subdirs(base):
                    for feature in _subdirs(epic):
                        found.extend(self._ref(feature, tree.path, tree_roots, epic=epic.name))
            else:
                for feature in _subdirs(base):
                    found.extend(self._ref(feature, tree.path, tree_roots, epic=None))
        return sorted(found, key=lambda f: (f.id, f.rel_path))

    def skipped_entries(self) -> list[str]:
        """Directories in the spec trees that are not addressable packs, with the reason."""
        notes: list[str] = []
        for tree in self.spec_trees():
            base = self.root / tree.path
            if not tree.exists:
                continue
            dirs = list(_subdirs(base, valid_only=False))
            if tree.layout == "exec-plans epics":
                dirs = [f for epic in dirs for f in _subdirs(epic, valid_only=False)] + dirs
            for d in dirs:
                rel = d.relative_to(self.root).as_posix()
                if not SLUG_PATTERN.match(d.name):
                    notes.append(f"{rel}: name is not a slug (lowercase letters, digits, '-', '_')")
                elif not self.is_inside_spec_tree(d):
                    notes.append(f"{rel}: symlink leaves the spec tree")
        return notes

    def _ref(
        self, directory: Path, tree: str, tree_roots: tuple[Path, ...], epic: str | None
    ) -> list[FeatureRef]:
        resolved = directory.resolve()
        if not any(resolved.is_relative_to(root) for root in tree_roots):
            return []
        rel = directory.relative_to(self.root).as_posix()
        ident = f"{epic}/{directory.name}" if epic else directory.name
        return [
            FeatureRef(
                id=ident,
                slug=directory.name,
                epic=epic,
                path=resolved,
                rel_path=rel,
                tree=tree,
                tree_roots=tree_roots,
            )
        ]

    # -- resolution -----------------------------------------------------------------------------

    def resolve_feature(self, feature: str) -> FeatureRef:
        """A feature by id, by path relative to the root, or by a slug that names exactly one pack."""
        name = feature.strip()
        if not name:
            raise WorkspaceError("feature is empty: pass a feature id such as canvas-preview.")
        if "\x00" in name:
            raise WorkspaceError("feature name contains a NUL byte; pass a slug such as canvas-preview.")
        _refuse_absolute(name)
        if name.startswith(("docs/", "./docs/")) or name.count("/") > 1:
            return self._resolve_by_path(name, self.discover())
        segments = validate_feature_id(name)
        # Look only where this id can live instead of listing every pack: a Torus checkout has many.
        matches = self._packs_named(segments)
        if len(matches) == 1:
            return matches[0]
        if matches:
            listing = "; ".join(f"{f.id} at {f.rel_path}" for f in matches)
            raise AmbiguousFeature(
                f"feature {name!r} is ambiguous: {len(matches)} packs match ({listing}). "
                "Pass the pack's path relative to the project root to choose one."
            )
        raise FeatureNotFound(self._not_found_message(name, self.discover()))

    def _packs_named(self, segments: list[str]) -> list[FeatureRef]:
        """Packs whose id is these segments; for a plain slug with none, epic packs with that slug."""
        tree_roots = tuple(self._tree_roots())
        # No existence check per tree: a missing tree simply has no candidate directory.
        trees = self._tree_layouts()
        epic_trees = [t for t in trees if t.layout == "exec-plans epics"]
        by_id: list[FeatureRef] = []
        if len(segments) == 2:
            for tree in epic_trees:
                candidate = self.root / tree.path / segments[0] / segments[1]
                if candidate.is_dir():
                    by_id.extend(self._ref(candidate, tree.path, tree_roots, epic=segments[0]))
        else:
            for tree in trees:
                candidate = self.root / tree.path / segments[0]
                if tree.layout != "exec-plans epics" and candidate.is_dir():
                    by_id.extend(self._ref(candidate, tree.path, tree_roots, epic=None))
        if by_id or len(segments) == 2:
            return sorted(by_id, key=lambda f: (f.id, f.rel_path))
        # A plain slug that is no pack's id may still name exactly one pack under an epic.
        by_slug: list[FeatureRef] = []
        for tree in epic_trees:
            for epic in _subdirs(self.root / tree.path):
                candidate = epic / segments[0]
                if candidate.is_dir():
                    by_slug.extend(self._ref(candidate, tree.path, tree_roots, epic=epic.name))
        return sorted(by_slug, key=lambda f: (f.id, f.rel_path))

    def _resolve_by_path(self, name: str, features: Iterable[FeatureRef]) -> FeatureRef:
        rel = name.removeprefix("./").strip("/")
        if any(part in ("", ".", "..") for part in rel.split("/")):
            raise WorkspaceError(
                f"{name!r} is not a pack path: give the path relative to the project root, with no '..', "
                "e.g. docs/features/canvas-preview."
            )
        for f in features:
            if f.rel_path == rel:
                return f
        raise FeatureNotFound(self._not_found_message(name, list(features)))

    def _not_found_message(self, name: str, features: list[FeatureRef]) -> str:
        if not features:
            trees = ", ".join(t.path for t in self.spec_trees())
            return (
                f"no feature {name!r}: the project at {self.root} has no spec packs (searched {trees}). "
                "Create one with create_feature, or check the root with workspace_info."
            )
        ids = ", ".join(sorted({f.id for f in features}))
        return f"no feature {name!r}. Features: {ids}."

    def doc_path(self, feature: FeatureRef, doc: str, *, must_exist: bool) -> Path:
        """The path of a document in a pack, validated and confined to the spec tree."""
        name = normalize_doc_name(doc)
        path = feature.path / name
        if (path.is_symlink() or path.exists()) and not self.is_inside_spec_tree(path):
            raise WorkspaceError(
                f"{feature.rel_path}/{name} is a symlink that leaves the spec tree; refusing to follow it."
            )
        if must_exist and not path.is_file():
            existing = ", ".join(feature.docs()) or "none"
            raise DocNotFound(f"{feature.id} has no {name}. Documents in the pack: {existing}.")
        return path

    def new_feature_dir(self, feature: str) -> tuple[str, Path]:
        """Where create_feature puts a new pack: the first spec dir, or the current epics tree."""
        segments = validate_feature_id(feature)
        if len(segments) == 2:
            rel = f"{EXEC_PLANS_DIR}/current/epics/{segments[0]}/{segments[1]}"
        else:
            rel = f"{self.config.specs.dirs[0].strip('/')}/{segments[0]}"
        directory = self.root / rel
        # Checked before anything is created: an epic directory symlinked out of the tree would
        # otherwise receive the new pack directory outside the project.
        if not self.is_inside_spec_tree(directory):
            raise WorkspaceError(
                f"{rel} resolves outside the spec tree (a symlink on the way?); nothing was created."
            )
        return rel, directory


def _check_spec_dirs(config: ProjectConfig) -> None:
    # A checkout's .torus-mcp.toml must not point the spec tree, and so every write, outside the project.
    for directory in config.specs.dirs:
        parts = PurePosixPath(directory.replace("\\", "/")).parts
        if PurePosixPath(directory).is_absolute() or directory.startswith(("\\", "~")) or ".." in parts:
            where = config.path or CONFIG_FILE_NAME
            raise ConfigError(
                f"{where}: [specs] dirs entry {directory!r} leaves the project root; give a path relative "
                "to the root with no '..', e.g. \"docs/features\"."
            )


def _scandir(path: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError:
        return []


def _subdirs(path: Path, valid_only: bool = True) -> Iterable[Path]:
    for entry in sorted(_scandir(path), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        if valid_only and not SLUG_PATTERN.match(entry.name):
            continue
        yield Path(entry.path)
