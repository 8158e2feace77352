"""Execution records and progress.md: found by the names Torus uses, read for what they say, and
turned into a per-phase verdict that plan_status and the gates share."""

from __future__ import annotations

from pathlib import Path

from torus_mcp.specs.gates import check_gates
from torus_mcp.specs.pack import load_pack
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.progress import plan_status
from torus_mcp.specs.records import read_records, record_phase

PRD = """# Feature — PRD

## 1. Overview
Overview.

## 2. Background & Problem Statement
Problem.

## 3. Goals & Non-Goals
Goals.

## 6. Functional Requirements
| ID | Description | Priority | Owner |
|---|---|---|---|
| FR-001 | The thing. | P0 | Eng |

## 7. Acceptance Criteria
- AC-001 (FR-001) — Given a, When b, Then c.
"""

PLAN = """# Plan

## Phase 1: Setup
**Goal** Set up.
### Tasks
- [ ] Build the thing (FR-001, AC-001)
### Definition of Done
- done

## Phase 2: Finish
**Goal** Finish.
### Tasks
- [ ] Finish the thing (FR-001, AC-001)
### Definition of Done
- done
"""

DONE_RECORD = "# Phase 1 Execution Record\n\n## Done Definition\n- [x] Phase tasks complete\n- [ ] Review\n"
OPEN_RECORD = "# Phase 2 Execution Record\n\n## Done Definition\n- [ ] Phase tasks complete\n"


def test_record_names_seen_in_torus():
    assert record_phase("phase_3_execution_record.md") == "3"
    assert record_phase("phase-3-execution-record.md") == "3"
    assert record_phase("phase-03-execution.md") == "3"
    assert record_phase("execution/phase_2.md") == "2"
    assert record_phase("phase_1_coverage_contract.md") is None
    assert record_phase("phase_5_handoff.md") is None


def test_a_record_says_done_by_its_checklist_or_its_status_line():
    records = read_records(
        {
            "phase_1_execution_record.md": DONE_RECORD,
            "execution/phase_2.md": "# Phase 2\n\nStatus: **Complete**\n",
            "phase-3-execution.md": "# Phase 3\n\nStatus: in progress, not complete\n- [x] a\n",
        }
    )
    assert {r.phase: r.done for r in records.records.values()} == {"1": True, "2": True, "3": False}
    assert (records.records["1"].checked, records.records["1"].items) == (1, 2)
    assert records.records["2"].status == "Complete"


def test_progress_md_states_phase_status_in_lines_headings_and_ranges():
    progress = read_records(
        {
            "progress.md": "- **Phase 3:** COMPLETE (all done)\n### Phase 1 — Backend ✅\n"
            "### Phase 2 — UI\n- Phases 4–5 complete\n- **Phase 6:** in progress\n"
        }
    ).progress
    assert {k: v.done for k, v in progress.items()} == {
        "1": True,
        "2": False,
        "3": True,
        "4": True,
        "5": True,
        "6": False,
    }


def test_verdict_uses_records_and_next_phase_skips_recorded_phases():
    plan = parse_plan(PLAN)
    records = read_records({"phase_1_execution_record.md": DONE_RECORD, "execution/phase_2.md": OPEN_RECORD})
    status = plan_status("f", plan, records)
    assert [(p.key, p.verdict) for p in status.phases] == [("1", "done"), ("2", "in_progress")]
    assert status.phases[0].record is not None
    assert any("phase_1_execution_record.md" in e for e in status.phases[0].evidence)
    assert status.next_phase_key == "2"
    assert plan_status("f", plan).next_phase_key == "1"


def test_removed_phase_is_not_next():
    plan = parse_plan(PLAN.replace("## Phase 1: Setup", "## Phase 1: Setup (Removed)"))
    status = plan_status("f", plan)
    assert status.phases[0].verdict == "removed"
    assert status.next_phase_key == "2"


def test_gates_reach_done_from_records_with_no_task_ticked(tmp_path: Path):
    pack = tmp_path / "pack"
    (pack / "execution").mkdir(parents=True)
    (pack / "prd.md").write_text(PRD)
    (pack / "plan.md").write_text(PLAN)
    (pack / "fdd.md").write_text("# FDD\n")
    (pack / "phase_1_execution_record.md").write_text(DONE_RECORD)
    before = check_gates(load_pack(pack, "f"))
    (pack / "execution" / "phase_2.md").write_text(DONE_RECORD.replace("Phase 1", "Phase 2"))
    after = check_gates(load_pack(pack, "f"))
    assert before.next_phase == "Phase 2: Finish"
    assert after.next_phase is None
    assert after.tasks_done == 0
    loaded = load_pack(pack, "f")
    assert "execution/phase_2.md" in loaded.docs
    assert set(loaded.records.records) == {"1", "2"}
