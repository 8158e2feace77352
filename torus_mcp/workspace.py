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
from torus_mcp.discovery import CORE_DOCS, SLUG_PATTERN, Discovery, FoundDir, scan_directory, walk_tree

DOC_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(md|markdown|yml|yaml)$")
DIR_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
MAX_DOC_DEPTH = 4  # a document at most three directories below its pack
DOC_SHORT_FORMS = {"prd": "prd.md", "fdd": "fdd.md", "plan": "plan.md", "requirements": "requirements.yml"}
EXEC_PLANS_DIR = "docs/exec-plans"

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
    # "exec-plans": current|archive and features|epics levels are optional and no part of ids.
    layout: Literal["features", "exec-plans"]
    exists: bool


class FeatureRef(BaseModel):
    """A spec pack found on disk."""

    id: str  # the pack's path below its tree, without the current|archive and features|epics levels
    slug: str
    epic: str | None  # the id of the level above, for a pack nested in another directory
    path: Path  # absolute, resolved
    rel_path: str  # relative to the root, with forward slashes
    tree: str  # the part of rel_path that is no part of the id
    archived: bool = False  # under an archive/ directory: history, left out of checks by default
    # The resolved spec trees, which symlinked documents must stay inside, as doc_path requires
    # (empty: the pack itself).
    tree_roots: tuple[Path, ...] = Field(default=(), exclude=True)

    def docs(self) -> list[str]:
        """Paths, relative to the pack, of its Markdown and YAML documents, core docs first.

        Sub-directories count, except those that are packs of their own. A document symlinked out of
        the spec tree is left out, so listings never reveal its name or size.
        """
        names: list[str] = []
        self._collect(self.path, "", names, depth=1)
        return sorted(names, key=lambda n: (CORE_DOCS.index(n) if n in CORE_DOCS else len(CORE_DOCS), n))

    def _collect(self, directory: Path, prefix: str, names: list[str], depth: int) -> None:
        entries = scan_directory(directory)
        subdirs = []
        for entry in entries:
            if entry.name.startswith(".") or not self._stays_inside(entry):
                continue
            if entry.is_file() and DOC_NAME_PATTERN.match(entry.name):
                names.append(prefix + entry.name)
            elif entry.is_dir() and depth < MAX_DOC_DEPTH and DIR_NAME_PATTERN.match(entry.name):
                subdirs.append(entry)
        for entry in subdirs:
            sub = Path(entry.path)
            if any((sub / core).is_file() for core in CORE_DOCS):
                continue  # a pack of its own
            self._collect(sub, f"{prefix}{entry.name}/", names, depth + 1)

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
    parts = name.split("/")
    if (
        "\\" in name
        or len(parts) > MAX_DOC_DEPTH
        or not all(DIR_NAME_PATTERN.match(part) for part in parts[:-1])
        or not DOC_NAME_PATTERN.match(parts[-1])
    ):
        raise WorkspaceError(
            f"{doc!r} is not a document name: pass a .md/.yml/.yaml file of the pack by its path relative "
            "to the pack, such as prd.md, plan.md, requirements.yml (or prd, fdd, plan), "
            "execution/phase_3.md or design/slice.md, with no '..' and no leading '/' or '.'."
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
        if self.config.specs.exec_plans and EXEC_PLANS_DIR not in {t.path for t in trees}:
            trees.append(SpecTree(path=EXEC_PLANS_DIR, layout="exec-plans", exists=False))
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

    def scan(self) -> Discovery:
        """Packs, drafts and skipped directories of every spec tree (a tree nested in another is
        walked once, as its own tree)."""
        found = Discovery()
        roots = self._tree_roots()
        for tree, resolved in zip(self._tree_layouts(), roots, strict=True):
            if not (self.root / tree.path).is_dir():
                continue
            others = frozenset(r for r in roots if r != resolved and r.is_relative_to(resolved))
            walk_tree(
                self.root,
                tree.path,
                grouped=tree.layout == "exec-plans",
                inside=self._resolved_inside,
                avoid=others,
                into=found,
            )
        return found

    def discover(self) -> list[FeatureRef]:
        """Every pack on disk, sorted by id then path. Directories that escape the tree are skipped."""
        return self._refs(self.scan().packs)

    def drafts(self) -> list[FeatureRef]:
        """Directories holding only informal drafts (informal.md, *-informal.md, notes), by id."""
        return self._refs(self.scan().drafts)

    def skipped_entries(self) -> list[str]:
        """Directories in the spec trees that are neither packs nor drafts, with the reason."""
        return self.scan().skipped

    def _resolved_inside(self, resolved: Path) -> bool:
        return any(resolved.is_relative_to(tree) for tree in self._tree_roots())

    def _refs(self, found: Iterable[FoundDir]) -> list[FeatureRef]:
        tree_roots = tuple(self._tree_roots())
        seen: set[Path] = set()
        refs = []
        for item in found:
            if item.resolved in seen:
                continue
            seen.add(item.resolved)
            refs.append(
                FeatureRef(
                    id=item.id,
                    slug=item.segments[-1],
                    epic="/".join(item.segments[:-1]) or None,
                    path=item.resolved,
                    rel_path=item.directory.relative_to(self.root).as_posix(),
                    tree=item.tree,
                    archived=item.archived,
                    tree_roots=tree_roots,
                )
            )
        return sorted(refs, key=lambda f: (f.id, f.rel_path))

    # -- resolution -----------------------------------------------------------------------------

    def resolve_feature(self, feature: str) -> FeatureRef:
        """A feature by id, by path relative to the root, or by a slug that names exactly one pack."""
        name = feature.strip()
        if not name:
            raise WorkspaceError("feature is empty: pass a feature id such as canvas-preview.")
        if "\x00" in name:
            raise WorkspaceError("feature name contains a NUL byte; pass a slug such as canvas-preview.")
        _refuse_absolute(name)
        features = self.discover()
        if name.startswith(("docs/", "./docs/")):
            return self._resolve_by_path(name, features)
        segments = name.strip("/").split("/")
        if len(segments) > 2 and all(SLUG_PATTERN.match(s) for s in segments):
            by_id = [f for f in features if f.id == "/".join(segments)]
            if len(by_id) == 1:
                return by_id[0]
            if not by_id:
                return self._resolve_by_path(name, features)
        else:
            segments = validate_feature_id(name)
        ident = "/".join(segments)
        matches = [f for f in features if f.id == ident]
        if not matches and len(segments) == 1:
            # A plain slug that is no pack's id may still name exactly one nested pack.
            matches = [f for f in features if f.slug == ident]
        if len(matches) == 1:
            return matches[0]
        if matches:
            listing = "; ".join(f"{f.id} at {f.rel_path}" for f in matches)
            raise AmbiguousFeature(
                f"feature {name!r} is ambiguous: {len(matches)} packs match ({listing}). "
                "Pass the pack's path relative to the project root to choose one."
            )
        raise FeatureNotFound(self._not_found_message(name, features))

    def resolve_pack_doc(self, feature: str, doc: str) -> tuple[FeatureRef, str]:
        """The pack and document named by `<feature>/<doc>`, however a URI split them: a document in a
        sub-directory may arrive with that directory on the feature side."""
        segments = feature.strip().strip("/").split("/")
        for cut in range(len(segments), 0, -1):
            try:
                ref = self.resolve_feature("/".join(segments[:cut]))
            except FeatureNotFound:
                if cut == 1:
                    raise
                continue
            return ref, normalize_doc_name("/".join([*segments[cut:], doc]))
        raise FeatureNotFound(self._not_found_message(feature, self.discover()))

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
        # Resolving also follows symlinked directories on the way, existing or not.
        if not self.is_inside_spec_tree(path):
            raise WorkspaceError(
                f"{feature.rel_path}/{name} is a symlink that leaves the spec tree; refusing to follow it."
            )
        parts = name.split("/")
        for depth in range(1, len(parts)):
            sub = feature.path.joinpath(*parts[:depth])
            if any((sub / core).is_file() for core in CORE_DOCS):
                inner = "/".join(parts[:depth])
                raise WorkspaceError(
                    f"{feature.rel_path}/{inner} is a spec pack of its own: pass feature "
                    f"{feature.id}/{inner} (or its path) and doc {'/'.join(parts[depth:])}."
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
