"""Where the server looks: the project root rules, the spec trees, feature ids, safe document paths.

Unit tests on real directories, and the same rules seen through `workspace_info` over an MCP client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp_types import ListRootsResult, Root

from tests.server.calls import call_error, call_ok
from torus_mcp.config import ConfigError
from torus_mcp.server import create_server
from torus_mcp.workspace import (
    AmbiguousFeature,
    DocNotFound,
    FeatureNotFound,
    Workspace,
    WorkspaceError,
    normalize_doc_name,
    resolve_root,
    validate_feature_id,
)

CURRENT_FEATURES = "docs/exec-plans/current/features"
ARCHIVE_FEATURES = "docs/exec-plans/archive/features"
CURRENT_EPICS = "docs/exec-plans/current/epics"
ARCHIVE_EPICS = "docs/exec-plans/archive/epics"


def make_pack(root: Path, rel: str, title: str | None = None) -> Path:
    directory = root / rel
    directory.mkdir(parents=True)
    (directory / "prd.md").write_text(f"# {title or directory.name}\n\nBody of {rel}.\n")
    return directory


def workspace(root: Path) -> Workspace:
    return Workspace(resolve_root(str(root), {}, None, root))


@pytest.fixture
def no_torus_root_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TORUS_ROOT", raising=False)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory that is no project and has no mix.exs above it."""
    directory = tmp_path / "elsewhere"
    directory.mkdir()
    if any((parent / "mix.exs").is_file() for parent in directory.parents):
        pytest.skip(f"a mix.exs above {directory} would pick the root; these tests need none")
    return directory


# -- the root rules --------------------------------------------------------------------------------


def test_root_from_cli_flag_wins_over_everything(project: Path, elsewhere: Path) -> None:
    other = make_pack(elsewhere, "docs/features/other").parents[2]
    choice = resolve_root(str(project), {"TORUS_ROOT": str(other)}, [other], elsewhere)
    assert choice.root == project.resolve()
    assert choice.rule == "--root"
    assert str(project) in choice.reason


def test_root_from_torus_root_env_wins_over_client_roots(project: Path, elsewhere: Path) -> None:
    other = make_pack(elsewhere, "docs/features/other").parents[2]
    choice = resolve_root(None, {"TORUS_ROOT": str(project)}, [other], elsewhere)
    assert choice.root == project.resolve()
    assert choice.rule == "TORUS_ROOT"


def test_root_from_client_roots_is_the_first_that_holds_mix_exs_or_a_spec_tree(
    project: Path, elsewhere: Path
) -> None:
    missing = elsewhere / "missing"
    empty = elsewhere / "empty"
    empty.mkdir()
    specs_only = elsewhere / "specs-only"
    (specs_only / "docs/features").mkdir(parents=True)
    exec_plans_only = elsewhere / "exec-plans-only"
    (exec_plans_only / "docs/exec-plans").mkdir(parents=True)
    choice = resolve_root(None, {}, [missing, empty, specs_only, project], elsewhere)
    assert choice.root == specs_only.resolve()
    assert choice.rule == "client roots"
    assert "4 listed" in choice.reason
    assert resolve_root(None, {}, [empty, project], elsewhere).root == project.resolve()
    assert resolve_root(None, {}, [exec_plans_only, project], elsewhere).root == exec_plans_only.resolve()
    # No client root qualifies: the working-directory rules apply.
    assert resolve_root(None, {}, [empty, missing], elsewhere).rule == "cwd"


def test_root_from_cwd_walks_up_to_the_nearest_mix_exs(project: Path) -> None:
    deep = project / "lib" / "torus_example" / "canvas_preview"
    choice = resolve_root(None, {}, None, deep)
    assert choice.root == project.resolve()
    assert choice.rule == "mix.exs above the working directory"
    assert str(deep) in choice.reason


def test_root_falls_back_to_cwd_and_says_how_to_fix_it(elsewhere: Path) -> None:
    choice = resolve_root(None, {}, None, elsewhere)
    assert choice.root == elsewhere.resolve()
    assert choice.rule == "cwd"
    assert "--root" in choice.reason and "TORUS_ROOT" in choice.reason


@pytest.mark.parametrize("rule", ["--root", "TORUS_ROOT"])
def test_wrong_explicit_root_is_a_clear_error(tmp_path: Path, rule: str) -> None:
    a_file = tmp_path / "mix.exs"
    a_file.write_text("")
    for wrong in (str(tmp_path / "no-such-dir"), str(a_file)):
        with pytest.raises(WorkspaceError) as caught:
            if rule == "--root":
                resolve_root(wrong, {}, None, tmp_path)
            else:
                resolve_root(None, {"TORUS_ROOT": wrong}, None, tmp_path)
        message = str(caught.value)
        assert wrong in message and rule in message and "is not a directory" in message


def test_wrong_root_fails_when_the_server_is_created(tmp_path: Path, no_torus_root_env: None) -> None:
    with pytest.raises(WorkspaceError, match=r"no-such-dir.*is not a directory"):
        create_server(str(tmp_path / "no-such-dir"))


# -- the root rules through workspace_info ---------------------------------------------------------


@asynccontextmanager
async def client_for(server: Any, mode: str, **kwargs: Any) -> AsyncIterator[Client]:
    async with Client(server, mode=mode, cache=None, **kwargs) as client:
        yield client


def roots_callback(paths: list[Path], calls: list[int]):
    async def list_roots(context: Any) -> ListRootsResult:
        calls.append(1)
        return ListRootsResult(roots=[Root(uri=p.as_uri(), name=p.name) for p in paths])

    return list_roots


@pytest.mark.anyio
async def test_workspace_info_root_from_cli_flag(
    mode, project: Path, elsewhere: Path, no_torus_root_env
) -> None:
    calls: list[int] = []
    server = create_server(str(project), cwd=elsewhere)
    async with client_for(server, mode, list_roots_callback=roots_callback([elsewhere], calls)) as client:
        info = await call_ok(client, "workspace_info")
    assert (info["rule"], info["root"]) == ("--root", str(project.resolve()))
    assert info["feature_count"] == 2 and info["has_mix_exs"] is True
    assert calls == [], "an explicit root must not ask the client for roots"


@pytest.mark.anyio
async def test_workspace_info_root_from_torus_root(
    mode, project: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TORUS_ROOT", str(project))
    async with client_for(create_server(None, cwd=elsewhere), mode) as client:
        info = await call_ok(client, "workspace_info")
    assert (info["rule"], info["root"]) == ("TORUS_ROOT", str(project.resolve()))
    assert info["feature_count"] == 2


@pytest.mark.anyio
async def test_workspace_info_root_from_client_roots(
    mode, project: Path, elsewhere: Path, no_torus_root_env
) -> None:
    empty = elsewhere / "empty"
    empty.mkdir()
    calls: list[int] = []
    server = create_server(None, cwd=elsewhere)
    async with client_for(
        server, mode, list_roots_callback=roots_callback([empty, project], calls)
    ) as client:
        info = await call_ok(client, "workspace_info")
        features = await call_ok(client, "list_features")
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd")
    assert (info["rule"], info["root"]) == ("client roots", str(project.resolve()))
    assert "2 listed" in info["reason"]
    assert {f["id"] for f in features["features"]} == {"canvas-preview", "authoring/bulk-tagging"}
    assert read["text"] == (project / "docs/features/canvas-preview/prd.md").read_text()
    assert calls == [1], "the roots are asked for once and the choice is kept"


@pytest.mark.anyio
async def test_workspace_info_root_from_mix_exs_above_cwd(mode, project: Path, no_torus_root_env) -> None:
    async with client_for(create_server(None, cwd=project / "lib" / "torus_example"), mode) as client:
        info = await call_ok(client, "workspace_info")
    assert (info["rule"], info["root"]) == ("mix.exs above the working directory", str(project.resolve()))
    assert info["feature_count"] == 2


@pytest.mark.anyio
async def test_workspace_info_fallback_to_cwd_explains_the_fix(
    mode, elsewhere: Path, no_torus_root_env
) -> None:
    async with client_for(create_server(None, cwd=elsewhere), mode) as client:
        info = await call_ok(client, "workspace_info")
        missing = await call_error(client, "read_doc", feature="canvas-preview", doc="prd")
    assert (info["rule"], info["root"]) == ("cwd", str(elsewhere.resolve()))
    assert info["feature_count"] == 0 and info["has_mix_exs"] is False
    hints = " ".join(info["hints"])
    assert "--root" in hints and "TORUS_ROOT" in hints and "create_feature" in hints
    assert "no spec packs" in missing and "workspace_info" in missing


# -- packs in every layout -------------------------------------------------------------------------


@pytest.fixture
def layouts(tmp_path: Path) -> Path:
    root = tmp_path / "layouts"
    (root).mkdir()
    (root / "mix.exs").write_text("defmodule Layouts.MixProject do\nend\n")
    make_pack(root, "docs/features/alpha")
    make_pack(root, f"{CURRENT_FEATURES}/beta")
    make_pack(root, f"{ARCHIVE_FEATURES}/gamma")
    make_pack(root, f"{CURRENT_EPICS}/authoring/delta")
    make_pack(root, f"{ARCHIVE_EPICS}/delivery/epsilon")
    return root


def test_packs_are_found_under_features_and_exec_plans(layouts: Path) -> None:
    found = {f.id: f for f in workspace(layouts).discover()}
    assert {id_: (f.rel_path, f.tree, f.epic) for id_, f in found.items()} == {
        "alpha": ("docs/features/alpha", "docs/features", None),
        "beta": (f"{CURRENT_FEATURES}/beta", CURRENT_FEATURES, None),
        "gamma": (f"{ARCHIVE_FEATURES}/gamma", ARCHIVE_FEATURES, None),
        "authoring/delta": (f"{CURRENT_EPICS}/authoring/delta", CURRENT_EPICS, "authoring"),
        "delivery/epsilon": (f"{ARCHIVE_EPICS}/delivery/epsilon", ARCHIVE_EPICS, "delivery"),
    }
    assert found["authoring/delta"].slug == "delta"
    assert found["alpha"].path == (layouts / "docs/features/alpha").resolve()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alpha", "alpha"),
        ("beta", "beta"),
        ("authoring/delta", "authoring/delta"),
        ("delta", "authoring/delta"),
        ("epsilon", "delivery/epsilon"),
        ("docs/features/alpha", "alpha"),
        (f"./{ARCHIVE_EPICS}/delivery/epsilon/", "delivery/epsilon"),
        ("  gamma  ", "gamma"),
    ],
)
def test_feature_resolves_by_id_unique_slug_or_path(layouts: Path, name: str, expected: str) -> None:
    assert workspace(layouts).resolve_feature(name).id == expected


def test_ambiguous_slug_is_refused_with_candidates_and_the_path_chooses(layouts: Path) -> None:
    make_pack(layouts, f"{CURRENT_FEATURES}/dup", "Current dup")
    make_pack(layouts, f"{ARCHIVE_FEATURES}/dup", "Archived dup")
    ws = workspace(layouts)
    with pytest.raises(AmbiguousFeature) as caught:
        ws.resolve_feature("dup")
    message = str(caught.value)
    assert "ambiguous" in message and "2 packs" in message
    assert f"dup at {CURRENT_FEATURES}/dup" in message and f"dup at {ARCHIVE_FEATURES}/dup" in message
    assert "path relative to the project root" in message
    assert ws.resolve_feature(f"{CURRENT_FEATURES}/dup").rel_path == f"{CURRENT_FEATURES}/dup"
    assert ws.resolve_feature(f"{ARCHIVE_FEATURES}/dup").rel_path == f"{ARCHIVE_FEATURES}/dup"


def test_slug_shared_by_two_epics_is_ambiguous_but_each_id_resolves(layouts: Path) -> None:
    make_pack(layouts, f"{CURRENT_EPICS}/authoring/shared")
    make_pack(layouts, f"{ARCHIVE_EPICS}/delivery/shared")
    ws = workspace(layouts)
    with pytest.raises(AmbiguousFeature) as caught:
        ws.resolve_feature("shared")
    assert "authoring/shared at" in str(caught.value) and "delivery/shared at" in str(caught.value)
    assert ws.resolve_feature("authoring/shared").rel_path == f"{CURRENT_EPICS}/authoring/shared"
    assert ws.resolve_feature("delivery/shared").rel_path == f"{ARCHIVE_EPICS}/delivery/shared"


@pytest.mark.anyio
async def test_ambiguous_slug_through_the_client(mode, layouts: Path) -> None:
    make_pack(layouts, f"{CURRENT_FEATURES}/dup", "Current dup")
    make_pack(layouts, f"{ARCHIVE_FEATURES}/dup", "Archived dup")
    async with client_for(create_server(str(layouts)), mode) as client:
        refused = await call_error(client, "read_doc", feature="dup", doc="prd")
        archived = await call_ok(client, "read_doc", feature=f"{ARCHIVE_FEATURES}/dup", doc="prd")
        epic_by_slug = await call_ok(client, "read_doc", feature="delta", doc="prd")
    assert f"{CURRENT_FEATURES}/dup" in refused and f"{ARCHIVE_FEATURES}/dup" in refused
    assert archived["text"].startswith("# Archived dup")
    assert archived["path"] == f"{ARCHIVE_FEATURES}/dup/prd.md"
    assert epic_by_slug["feature"] == "authoring/delta"


def test_unknown_feature_lists_the_ids_or_the_searched_trees(layouts: Path, tmp_path: Path) -> None:
    with pytest.raises(FeatureNotFound) as caught:
        workspace(layouts).resolve_feature("zeta")
    assert "alpha, authoring/delta, beta, delivery/epsilon, gamma" in str(caught.value)
    bare = tmp_path / "bare"
    bare.mkdir()
    with pytest.raises(FeatureNotFound) as empty:
        workspace(bare).resolve_feature("zeta")
    assert "no spec packs" in str(empty.value) and "docs/features" in str(empty.value)
    with pytest.raises(FeatureNotFound):
        workspace(layouts).resolve_feature("docs/features/zeta")


# -- .torus-mcp.toml -------------------------------------------------------------------------------


def test_config_spec_dirs_change_the_tree(layouts: Path) -> None:
    make_pack(layouts, "specs/packs/custom")
    make_pack(layouts, "more/other")
    (layouts / ".torus-mcp.toml").write_text('[specs]\ndirs = ["specs/packs", "more"]\nexec_plans = false\n')
    ws = workspace(layouts)
    assert [t.path for t in ws.spec_trees()] == ["specs/packs", "more"]
    assert {f.id for f in ws.discover()} == {"custom", "other"}
    assert ws.new_feature_dir("fresh") == ("specs/packs/fresh", layouts / "specs/packs/fresh")
    with pytest.raises(FeatureNotFound):
        ws.resolve_feature("alpha")


def test_a_pack_in_a_configured_tree_outside_docs_resolves_by_its_path(layouts: Path) -> None:
    make_pack(layouts, "specs/packs/custom")
    (layouts / ".torus-mcp.toml").write_text('[specs]\ndirs = ["specs/packs"]\nexec_plans = false\n')
    assert workspace(layouts).resolve_feature("specs/packs/custom").id == "custom"


def test_config_keeps_exec_plans_unless_disabled(layouts: Path) -> None:
    make_pack(layouts, "specs/custom")
    (layouts / ".torus-mcp.toml").write_text('[specs]\ndirs = ["specs"]\n')
    assert {f.id for f in workspace(layouts).discover()} == {
        "custom",
        "beta",
        "gamma",
        "authoring/delta",
        "delivery/epsilon",
    }


@pytest.mark.anyio
async def test_config_spec_dirs_through_the_client(mode, layouts: Path) -> None:
    make_pack(layouts, "specs/packs/custom")
    (layouts / ".torus-mcp.toml").write_text('[specs]\ndirs = ["specs/packs"]\nexec_plans = false\n')
    async with client_for(create_server(str(layouts)), mode) as client:
        info = await call_ok(client, "workspace_info")
        created = await call_ok(client, "create_feature", feature="fresh", title="Fresh")
        listing = await call_ok(client, "list_features")
    assert info["config_file"] == str(layouts.resolve() / ".torus-mcp.toml")
    assert [t["path"] for t in info["spec_trees"]] == ["specs/packs"]
    assert created["path"] == "specs/packs/fresh"
    assert {f["id"] for f in listing["features"]} == {"custom", "fresh"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[specs\ndirs = 1\n", "is not valid TOML"),
        ('[specs]\ndirs = "docs/features"\n', "specs.dirs"),
        ("[specs]\ndirs = []\n", "specs.dirs"),
        ('[specs]\ndir = ["docs/features"]\n', "specs.dir"),
        ('[specs]\ndirs = ["../outside"]\n', "leaves the project root"),
        ('[specs]\ndirs = ["/etc"]\n', "leaves the project root"),
        ('[specs]\ndirs = ["docs/../../outside"]\n', "leaves the project root"),
        (b"[specs]\ndirs = ['caf\xe9']\n", "is not valid TOML"),
    ],
    ids=["syntax", "type", "empty", "unknown-key", "dot-dot", "absolute", "nested-dot-dot", "latin-1"],
)
def test_invalid_config_is_a_clear_error(layouts: Path, text: str | bytes, expected: str) -> None:
    config = layouts / ".torus-mcp.toml"
    config.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ConfigError) as caught:
        workspace(layouts)
    assert expected in str(caught.value) and str(config) in str(caught.value)


@pytest.mark.anyio
async def test_invalid_config_through_the_client(mode, layouts: Path) -> None:
    (layouts / ".torus-mcp.toml").write_text('[specs]\ndirs = ["/etc"]\n')
    async with client_for(create_server(str(layouts)), mode) as client:
        info = await call_error(client, "workspace_info")
        listing = await call_error(client, "list_features")
        resources = [r.uri for r in (await client.list_resources()).resources]
    assert ".torus-mcp.toml" in info and "leaves the project root" in info
    assert "leaves the project root" in listing
    # The static resources still list; no document under /etc does.
    assert "torus://guides/workflow" in resources
    assert not any(uri.startswith("torus://features/") for uri in resources)


# -- names and paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feature", "segments"),
    [
        ("canvas-preview", ["canvas-preview"]),
        ("grade_sync2", ["grade_sync2"]),
        ("authoring/bulk-tagging", ["authoring", "bulk-tagging"]),
        ("canvas-preview/", ["canvas-preview"]),
    ],
)
def test_valid_feature_ids(feature: str, segments: list[str]) -> None:
    assert validate_feature_id(feature) == segments


@pytest.mark.parametrize(
    "feature",
    [
        "",
        "-rf",
        "Canvas",
        "a b",
        "..",
        "a/../b",
        "a/b/c",
        "/etc",
        "a\\b",
        "caf\u00e9",
        "a\x00b",
        "epic/-x",
        ".hidden",
    ],
)
def test_invalid_feature_ids(feature: str) -> None:
    with pytest.raises(WorkspaceError):
        validate_feature_id(feature)


@pytest.mark.parametrize(
    ("doc", "name"),
    [
        ("prd", "prd.md"),
        ("FDD", "fdd.md"),
        ("plan", "plan.md"),
        ("requirements", "requirements.yml"),
        ("informal.md", "informal.md"),
        ("notes.yaml", "notes.yaml"),
        (" prd.md ", "prd.md"),
        ("execution/phase_3.md", "execution/phase_3.md"),
        ("design/Slice.v2.md", "design/Slice.v2.md"),
    ],
)
def test_doc_names_and_short_forms(doc: str, name: str) -> None:
    assert normalize_doc_name(doc) == name


@pytest.mark.parametrize(
    "doc",
    [
        "../prd.md",
        "/etc/passwd",
        "sub/../prd.md",
        "./prd.md",
        "sub//prd.md",
        ".git/prd.md",
        "a/b/c/d/prd.md",
        "sub\\prd.md",
        "..",
        ".prd.md",
        "-rf.md",
        "prd.txt",
        "mix.exs",
        "prd.md\x00",
    ],
)
def test_invalid_doc_names(doc: str) -> None:
    with pytest.raises(WorkspaceError):
        normalize_doc_name(doc)


def test_docs_list_core_docs_first_and_skip_symlinks_out_of_the_tree(layouts: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n")
    pack = layouts / "docs/features/alpha"
    for name in ("requirements.yml", "plan.md", "fdd.md", "notes.md", "image.png"):
        (pack / name).write_text("x\n")
    (pack / "leak.md").symlink_to(outside)
    (pack / "shared.md").symlink_to(layouts / f"{CURRENT_FEATURES}/beta/prd.md")
    (pack / "subdir.md").mkdir()
    ws = workspace(layouts)
    alpha = ws.resolve_feature("alpha")
    assert alpha.docs() == ["prd.md", "fdd.md", "plan.md", "notes.md", "requirements.yml", "shared.md"]
    with pytest.raises(WorkspaceError, match="symlink that leaves the spec tree"):
        ws.doc_path(alpha, "leak.md", must_exist=True)
    with pytest.raises(WorkspaceError, match="symlink that leaves the spec tree"):
        ws.doc_path(alpha, "leak.md", must_exist=False)
    assert ws.doc_path(alpha, "shared.md", must_exist=True) == pack / "shared.md"
    with pytest.raises(DocNotFound) as missing:
        ws.doc_path(alpha, "design.md", must_exist=True)
    assert "alpha has no design.md" in str(missing.value) and "prd.md, fdd.md, plan.md" in str(missing.value)


def test_skipped_entries_explain_unaddressable_directories(layouts: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside-dir"
    outside.mkdir()
    (layouts / "docs/features/Bad Name").mkdir()
    (layouts / "docs/features/escape").symlink_to(outside, target_is_directory=True)
    ws = workspace(layouts)
    notes = ws.skipped_entries()
    assert any(n.startswith("docs/features/Bad Name:") and "not a slug" in n for n in notes)
    assert any(n.startswith("docs/features/escape:") and "symlink leaves the spec tree" in n for n in notes)
    assert "escape" not in {f.slug for f in ws.discover()}


def test_hidden_directories_in_a_spec_tree_are_neither_packs_nor_skipped_entries(layouts: Path) -> None:
    (layouts / "docs/features/.drafts").mkdir()
    (layouts / f"{CURRENT_EPICS}/authoring/.scratch").mkdir()
    ws = workspace(layouts)
    assert [n for n in ws.skipped_entries() if ".drafts" in n or ".scratch" in n] == []
    assert not any(f.slug.startswith(".") for f in ws.discover())


def test_new_feature_dir_places_slugs_and_epic_ids(layouts: Path, tmp_path: Path) -> None:
    ws = workspace(layouts)
    assert ws.new_feature_dir("fresh") == ("docs/features/fresh", layouts / "docs/features/fresh")
    assert ws.new_feature_dir("grading/fresh") == (
        f"{CURRENT_EPICS}/grading/fresh",
        layouts / f"{CURRENT_EPICS}/grading/fresh",
    )
    outside = tmp_path / "outside-epic"
    outside.mkdir()
    (layouts / f"{CURRENT_EPICS}/evil").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WorkspaceError, match="resolves outside the spec tree"):
        ws.new_feature_dir("evil/payload")
    assert list(outside.iterdir()) == []
    with pytest.raises(WorkspaceError):
        ws.new_feature_dir("../escape")


# -- discovery by content --------------------------------------------------------------------------


def test_packs_are_found_by_content_with_or_without_group_levels(layouts: Path) -> None:
    make_pack(layouts, "docs/exec-plans/current/loose")
    make_pack(layouts, "docs/exec-plans/current/grading/rubric")
    make_pack(layouts, "docs/exec-plans/archive/old-epic/deep/deeper")
    (layouts / f"{CURRENT_EPICS}/authoring/plan.md").write_text("# Authoring epic plan\n")
    (layouts / f"{CURRENT_EPICS}/authoring/delta/design").mkdir()
    (layouts / f"{CURRENT_EPICS}/authoring/delta/design/slice.md").write_text("# Slice\n")
    found = {f.id: f for f in workspace(layouts).discover()}
    assert found["loose"].rel_path == "docs/exec-plans/current/loose"
    assert (found["grading/rubric"].epic, found["grading/rubric"].slug) == ("grading", "rubric")
    assert found["old-epic/deep/deeper"].archived is True
    assert found["authoring"].rel_path == f"{CURRENT_EPICS}/authoring"
    assert found["authoring/delta"].archived is False
    # A sub-directory without core documents belongs to the pack above it.
    assert "authoring/delta/design" not in found
    assert not any("delta/design" in note for note in workspace(layouts).skipped_entries())
    ws = workspace(layouts)
    assert (
        ws.resolve_feature("old-epic/deep/deeper").rel_path == "docs/exec-plans/archive/old-epic/deep/deeper"
    )
    assert ws.resolve_feature("deeper").id == "old-epic/deep/deeper"
    assert ws.resolve_feature("docs/exec-plans/current/grading/rubric").id == "grading/rubric"


def test_drafts_and_skipped_directories_are_told_apart(layouts: Path) -> None:
    drafts = layouts / f"{CURRENT_EPICS}/authoring/idea"
    drafts.mkdir()
    (drafts / "idea-informal.md").write_text("# Idea\n")
    notes = layouts / "docs/features/scratch"
    notes.mkdir()
    (notes / "notes.md").write_text("# Notes\n")
    stray = layouts / f"{CURRENT_EPICS}/authoring/research"
    stray.mkdir()
    (stray / "findings.md").write_text("# Findings\n")
    (layouts / "docs/features/empty").mkdir()
    ws = workspace(layouts)
    assert {d.id: d.rel_path for d in ws.drafts()} == {
        "authoring/idea": f"{CURRENT_EPICS}/authoring/idea",
        "scratch": "docs/features/scratch",
    }
    ids = {f.id for f in ws.discover()}
    assert not {"authoring/idea", "scratch", "authoring/research", "empty"} & ids
    notes_by_dir = {n.split(":")[0]: n for n in ws.skipped_entries()}
    assert (
        "1 document(s) but no prd.md, fdd.md or plan.md"
        in notes_by_dir[f"{CURRENT_EPICS}/authoring/research"]
    )
    assert "no prd.md, fdd.md or plan.md" in notes_by_dir["docs/features/empty"]
    assert f"{CURRENT_EPICS}/authoring/idea" not in notes_by_dir
