"""Findings that point at real problems only: what real Torus packs write that is not a defect."""

from __future__ import annotations

from pathlib import Path

from tests.specs.test_records import PRD
from torus_mcp.specs.gates import check_gates
from torus_mcp.specs.markers import find_markers
from torus_mcp.specs.pack import load_pack
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.rules.pack_view import id_citations
from torus_mcp.specs.trace import build_trace


def test_a_marker_talked_about_is_not_a_marker():
    assert find_markers("- Removed TODO comment from the parser\n", "plan.md") == []
    assert find_markers("no validation (TODO at line 1076)\n", "plan.md") == []
    assert [m.kind for m in find_markers("- TODO: decide the limit\nOwner: TBD\n", "plan.md")] == [
        "TODO",
        "TBD",
    ]


def test_id_ranges_cite_every_id_in_between():
    cited = id_citations("Covers FR-009–FR-011 and AC-1..AC-3.\n")
    assert {"FR-009", "FR-010", "FR-011", "AC-001", "AC-002", "AC-003"} <= set(cited)


def test_struck_through_tasks_are_done_and_design_bullets_are_not_tasks():
    plan = parse_plan(
        "## Phase 1: A\n### Tasks\n- [ ] ~~Drop the old table~~\n- [ ] Add the index\n"
        "### Design notes\n- a remark, not work\n"
        "## Phase 2: B\n- ~~plain and struck~~\n- open\n### Design — two pieces\n- aside\n"
    )
    assert [[(t.text, t.done) for t in p.tasks] for p in plan.phases] == [
        [("~~Drop the old table~~", True), ("Add the index", False)],
        [("~~plain and struck~~", True), ("open", False)],
    ]


def _pack(tmp_path: Path, plan: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir(parents=True)
    (pack / "prd.md").write_text(PRD)
    (pack / "fdd.md").write_text("# FDD\n\nFR-001, AC-001\n")
    (pack / "plan.md").write_text(plan)
    return pack


def test_a_removed_phase_is_not_checked(tmp_path: Path):
    plan = "## Phase 1: Build\n**Goal** g\n- [ ] Build (FR-001, AC-001)\n### Definition of Done\n- ok\n"
    plan += "\n## Phase 2: Old idea (Removed)\n"
    report = check_gates(load_pack(_pack(tmp_path, plan), "f"))
    assert [f.message for f in report.findings if "Phase 2" in f.message] == []
    kept = check_gates(load_pack(_pack(tmp_path / "b", plan.replace(" (Removed)", "")), "f"))
    assert any("Phase 2" in f.message for f in kept.findings)


def test_phase_narrowing_counts_ids_in_goal_dod_and_gate(tmp_path: Path):
    plan = (
        "## Phase 1: Build\n**Goal** Deliver FR-001.\n### Tasks\n- [ ] Build it\n"
        "### Definition of Done\n- AC-001 passes\n"
    )
    trace = build_trace(load_pack(_pack(tmp_path, plan), "f"), tmp_path, "1")
    assert [r.id for r in trace.requirements] == ["FR-001"]
    assert [a.id for a in trace.requirements[0].acceptance] == ["AC-001"]


def test_a_broken_requirements_yml_is_one_error_not_a_cascade(tmp_path: Path):
    from tests.shared_data import require_shared

    source = require_shared("torus-today", "docs/exec-plans/archive/epics/intelligent_dashboard")
    report = check_gates(load_pack(source, "intelligent_dashboard"))
    rules = [f.rule for f in report.findings if f.severity == "error"]
    shape = [f for f in report.findings if f.rule == "REQ-SHAPE"]
    assert len(shape) == 1 and shape[0].document == "requirements.yml" and shape[0].line
    assert "PRD-AC-COVERS-FR" not in rules
    assert rules.count("REQ-SHAPE") == 1
