"""Approvals pinned to content, on real repositories: approve, edit upstream, see it stale, re-approve."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.history.git_repos import commit_all, git, status
from torus_mcp.history.approvals import APPROVALS_FILE, parse_approvals
from torus_mcp.history.approve import ApprovalRefused, approve_document
from torus_mcp.history.repository import HistoryError, open_repository
from torus_mcp.specs.gate_config import GatesConfig
from torus_mcp.specs.gate_summary import summarize_gate
from torus_mcp.specs.gates import check_gates
from torus_mcp.specs.pack import load_pack
from torus_mcp.workspace import Workspace, resolve_root

PACK = "docs/features/canvas-preview"


def _ws(root: Path) -> Workspace:
    return Workspace(resolve_root(str(root), {}, None, root))


def _approve(root: Path, doc: str, note: str | None = None):
    ws = _ws(root)
    with open_repository(root) as repo:
        return approve_document(repo, ws, ws.resolve_feature("canvas-preview"), doc, note, GatesConfig())


def _report(root: Path):
    return check_gates(load_pack(root / PACK, "canvas-preview"))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def test_approve_edit_prd_then_fdd_is_stale_upstream_naming_the_sections(repo_project: Path) -> None:
    outcome = _approve(repo_project, "fdd", note="reviewed with the team")
    assert outcome.doc == "fdd.md" and outcome.approver == "Ada Lovelace <ada@example.com>"
    assert outcome.commit == git(repo_project, "rev-parse", "HEAD").strip()[:12]
    assert set(outcome.upstream) == {"prd.md", "requirements.yml"}
    # The blob id is git's own id of the approved bytes, stored in the object database.
    assert outcome.blob == git(repo_project, "rev-parse", f"HEAD:{PACK}/fdd.md").strip()
    report = _report(repo_project)
    assert report.approved == ["fdd.md"]
    assert [f for f in report.findings if f.rule.startswith("STALE")] == []

    prd = repo_project / PACK / "prd.md"
    _replace(
        prd, "## 3. Goals & Non-Goals\n", "## 3. Goals & Non-Goals\n\n- Previews load in under 200 ms.\n"
    )
    _replace(
        prd,
        "## 13. Risks & Mitigations",
        "## 13. Rollback Plan\n\nDisable the flag.\n\n## 14. Risks & Mitigations",
    )
    report = _report(repo_project)
    stale = [f for f in report.findings if f.rule == "STALE-UPSTREAM"]
    assert len(stale) == 1
    assert stale[0].document == "fdd.md" and stale[0].severity == "warning"
    assert "approved against an earlier prd.md" in stale[0].message
    assert "changed Goals & Non-Goals; added Rollback Plan" in stale[0].message
    assert "Risks" not in stale[0].message  # renumbered, not changed
    assert report.stage == "developing"  # staleness advises; the content-based stage stays
    assert report.approved == ["fdd.md"]  # fdd.md itself is still what was approved

    _approve(repo_project, "fdd")
    report = _report(repo_project)
    assert [f for f in report.findings if f.rule.startswith("STALE")] == []


def test_editing_an_approved_document_is_stale_approval_but_ticking_a_task_is_not(repo_project: Path) -> None:
    _approve(repo_project, "plan")
    plan = repo_project / PACK / "plan.md"
    _replace(
        plan,
        "- [ ] Log link refusals with their reason (FR-006)",
        "- [x] Log link refusals with their reason (FR-006)",
    )
    report = _report(repo_project)
    assert report.approved == ["plan.md"]
    assert [f.rule for f in report.findings if f.rule.startswith("STALE")] == []

    _replace(plan, "Goal: Renders and link use are observable", "Goal: Renders are observable")
    report = _report(repo_project)
    stale = [f for f in report.findings if f.rule == "STALE-APPROVAL"]
    assert report.approved == []
    assert len(stale) == 1 and stale[0].document == "plan.md"
    assert "plan.md: changed Phase 3: Telemetry & Rollout" in stale[0].message
    assert stale[0].line == plan.read_text().splitlines().index("## Phase 3: Telemetry & Rollout") + 1


def test_prd_approval_covers_its_requirements_yaml(repo_project: Path) -> None:
    _approve(repo_project, "prd")
    requirements = repo_project / PACK / "requirements.yml"
    # Recording a proof is progress, not a change of the requirement.
    _replace(
        requirements,
        "    proofs: []\n  - id: AC-005",
        "    proofs:\n    - type: test\n      ref: test/x_test.exs\n  - id: AC-005",
    )
    assert _report(repo_project).approved == ["prd.md"]
    _replace(
        requirements,
        "Only authors of the project may create preview links.",
        "Only project authors and admins may create preview links.",
    )
    stale = [f for f in _report(repo_project).findings if f.rule == "STALE-APPROVAL"]
    assert len(stale) == 1 and "requirements.yml: changed FR-005" in stale[0].message


def test_approval_is_refused_when_the_gate_fails_and_nothing_is_written(repo_project: Path) -> None:
    prd = repo_project / PACK / "prd.md"
    _replace(prd, "## 7. Acceptance Criteria\n", "## 7. Acceptance Criteria\n\nTBD\n")
    before = status(repo_project)
    with pytest.raises(ApprovalRefused) as error:
        _approve(repo_project, "prd")
    assert "its prd gate fails with 1 error(s): NO-TBD (prd.md line 54)" in str(error.value)
    assert str(error.value).endswith("nothing was written.")
    assert not (repo_project / PACK / APPROVALS_FILE).exists()
    assert status(repo_project) == before


def test_only_gated_documents_can_be_approved(repo_project: Path) -> None:
    with pytest.raises(HistoryError, match=r"approve_doc takes prd\.md, fdd\.md or plan\.md"):
        _approve(repo_project, "requirements.yml")


def test_approvals_file_keeps_one_entry_per_document_in_workflow_order(repo_project: Path) -> None:
    _approve(repo_project, "plan")
    _approve(repo_project, "prd")
    again = _approve(repo_project, "plan", note="second look")
    text = (repo_project / PACK / APPROVALS_FILE).read_text()
    approvals = parse_approvals(text)
    assert [a.doc for a in approvals.approvals] == ["prd.md", "plan.md"]
    assert approvals.get("plan.md").note == "second look" and again.replaced is True
    assert [p.doc for p in approvals.get("plan.md").upstream] == ["prd.md", "requirements.yml", "fdd.md"]
    assert [p.doc for p in approvals.get("prd.md").includes] == ["requirements.yml"]
    assert text.startswith("# Approvals of this spec pack")


def test_an_unreadable_approvals_file_is_reported_and_blocks_approving(repo_project: Path) -> None:
    (repo_project / PACK / APPROVALS_FILE).write_text("approvals: [ {doc: fdd.md\n")
    findings = [f for f in _report(repo_project).findings if f.rule == "STALE-APPROVAL"]
    assert len(findings) == 1 and findings[0].document == APPROVALS_FILE
    with pytest.raises(HistoryError, match=r"not valid YAML.*nothing was written"):
        _approve(repo_project, "fdd")


def test_no_git_identity_means_no_approval(repo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo_project, "config", "--unset", "user.name")
    git(repo_project, "config", "--unset", "user.email")
    monkeypatch.setenv("HOME", str(repo_project.parent))  # no global identity either
    monkeypatch.setenv("XDG_CONFIG_HOME", str(repo_project.parent))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    with pytest.raises(HistoryError, match=r"git has no user\.name or user\.email"):
        _approve(repo_project, "fdd")
    assert not (repo_project / PACK / APPROVALS_FILE).exists()


def test_the_prompts_say_first_when_what_they_build_on_is_stale(repo_project: Path) -> None:
    _approve(repo_project, "fdd")
    _replace(
        repo_project / PACK / "prd.md", "## 3. Goals & Non-Goals\n", "## 3. Goals & Non-Goals\n\n- Faster.\n"
    )
    commit_all(repo_project, "prd: faster")
    report = _report(repo_project)
    for persona in ("architect", "plan", "develop"):
        summary = summarize_gate(report, persona)
        assert summary.startswith("**Stale: documents this work builds on changed"), persona
        assert "`STALE-UPSTREAM` (fdd.md)" in summary and "Goals & Non-Goals" in summary
    assert "Stale" not in summarize_gate(report, "analyze")
