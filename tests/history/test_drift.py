"""spec_drift's domain on a real repository: code changed since the plan was settled, by phase."""

from __future__ import annotations

from pathlib import Path

from tests.history.git_repos import commit_all, git
from torus_mcp.history.approve import approve_document
from torus_mcp.history.drift import spec_drift
from torus_mcp.history.plan_mentions import PhaseText, underscore
from torus_mcp.history.repository import open_repository
from torus_mcp.history.settings import HistorySettings
from torus_mcp.specs.gate_config import GatesConfig
from torus_mcp.workspace import Workspace, resolve_root

PACK = "docs/features/canvas-preview"


def _drift(root: Path, settings: HistorySettings | None = None):
    ws = Workspace(resolve_root(str(root), {}, None, root))
    with open_repository(root) as repo:
        return spec_drift(repo, ws, ws.resolve_feature("canvas-preview"), settings or HistorySettings())


def _approve_plan(root: Path) -> None:
    ws = Workspace(resolve_root(str(root), {}, None, root))
    with open_repository(root) as repo:
        approve_document(repo, ws, ws.resolve_feature("canvas-preview"), "plan", None, GatesConfig())


def _write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


def test_code_changed_since_the_plan_approval_grouped_by_phase(repo_project: Path) -> None:
    _approve_plan(repo_project)
    approved_at = commit_all(repo_project, "approve plan")
    lib = repo_project / "lib/torus_example/canvas_preview.ex"
    lib.write_text(lib.read_text() + "\n# faster\n")
    commit_all(repo_project, "renderer: faster")  # committed after the approval: still drift
    _write(
        repo_project,
        "lib/torus_example/canvas_preview/link.ex",
        "defmodule TorusExample.CanvasPreview.Link do\nend\n",
    )
    _write(repo_project, "test/torus_example/canvas_preview/link_test.exs", "# tests\n")
    _write(repo_project, "lib/torus_example/unplanned.ex", "# nobody planned this\n")
    _write(repo_project, "assets/src/preview/button.ts", "export {}\n")
    _write(
        repo_project,
        f"{PACK}/phase_3_execution_record.md",
        "# Phase 3\n\n- Added `assets/src/preview/button.ts`.\n",
    )
    (repo_project / "README.md").write_text("not code\n")

    drift = _drift(repo_project)
    # Approved in the working tree before "approve plan" was committed: the base is the commit before.
    assert drift.since == git(repo_project, "rev-parse", f"{approved_at}~1").strip()[:12]
    assert drift.since_reason.startswith("plan.md approved ")
    groups = {g.phase: [f.path for f in g.files] for g in drift.phases}
    assert groups == {
        "Phase 1: Preview Rendering": ["lib/torus_example/canvas_preview.ex"],
        "Phase 2: Preview Links": [
            "lib/torus_example/canvas_preview/link.ex",
            "test/torus_example/canvas_preview/link_test.exs",
        ],
        "Phase 3: Telemetry & Rollout": ["assets/src/preview/button.ts"],
        None: ["lib/torus_example/unplanned.ex"],
    }
    assert drift.code_files == 5
    assert drift.documents == []


def test_without_an_approval_drift_counts_from_the_last_plan_commit(repo_project: Path) -> None:
    _write(repo_project, "lib/torus_example/early.ex", "# before the plan changed\n")
    commit_all(repo_project, "early code")
    plan = repo_project / PACK / "plan.md"
    plan.write_text(plan.read_text() + "\n<!-- reviewed -->\n")
    plan_commit = commit_all(repo_project, "plan reviewed")
    _write(repo_project, "lib/torus_example/late.ex", "# after\n")
    drift = _drift(repo_project)
    assert drift.since == plan_commit[:12] and "no approval" in drift.since_reason
    assert [f.path for g in drift.phases for f in g.files] == ["lib/torus_example/late.ex"]


def test_documents_changed_since_approval_and_custom_globs(repo_project: Path) -> None:
    _approve_plan(repo_project)
    plan = repo_project / PACK / "plan.md"
    plan.write_text(
        plan.read_text().replace("Goal: Renders and link use are observable", "Goal: Renders are observable")
    )
    _write(repo_project, "priv/repo/migrations/1_add.exs", "# migration\n")
    drift = _drift(repo_project, HistorySettings(drift_globs=["priv/**"]))
    assert [(d.doc, d.changes) for d in drift.documents] == [
        ("plan.md", "plan.md: changed Phase 3: Telemetry & Rollout")
    ]
    assert [f.path for g in drift.phases for f in g.files] == ["priv/repo/migrations/1_add.exs"]


def test_a_plan_never_committed_nor_approved_has_a_note(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / PACK).mkdir(parents=True)
    (root / PACK / "plan.md").write_text("# Plan\n")
    git(root, "init", "-q")
    drift = _drift(root)
    assert drift.since is None and drift.phases == [] and "approve plan.md" in (drift.note or "")


def test_module_names_map_to_elixir_files() -> None:
    assert underscore("Oli.DeliveryWeb.HTMLPage") == "oli/delivery_web/html_page"
    phase = PhaseText("Phase 1", "- [ ] Add `Oli.Delivery.Page.render/1` and update `Sections.Enroll`")
    assert phase.names("lib/oli/delivery/page.ex")
    assert phase.names("test/oli/delivery/page_test.exs")
    assert phase.names("lib/oli/delivery/sections/enroll.ex")  # partly qualified
    assert not phase.names("lib/oli/delivery/page_view.ex")
    assert not phase.names("lib/oli/delivery.ex")
