"""What the plan parser reports: missing phases or tasks, duplicates, order, status, stray checkboxes."""

from __future__ import annotations

import pytest

from tests.specs.plan.samples import INSERTED_PHASE
from torus_mcp.specs.plan.lookup import PhaseLookupError, find_phase, next_open_phase
from torus_mcp.specs.plan.parse import parse_plan


def test_a_plan_without_phases_gets_a_warning():
    plan = parse_plan("# Plan\n\n- [ ] something\n")
    assert plan.phases == []
    assert [(f.rule, f.severity) for f in plan.findings] == [("PARSE-PHASE", "warning")]
    with pytest.raises(PhaseLookupError, match="no phase headings"):
        find_phase(plan, "1")
    assert next_open_phase(plan) is None


def test_phase_without_tasks_and_unticked_complete_phase_are_reported():
    plan = parse_plan("## Phase 1: Empty\ntext\n## Phase 2: Claimed (Complete)\n- [ ] still open\n")
    rules = [(f.rule, f.line) for f in plan.findings]
    assert ("PARSE-TASK", 1) in rules
    assert ("PARSE-PHASE-STATUS", 3) in rules


def test_checkboxes_outside_phases_are_reported(plan):
    outside = [f for f in plan.findings if f.rule == "PARSE-TASK" and "outside every phase" in f.message]
    assert len(outside) == 1
    assert outside[0].line == 4
    assert outside[0].message == (
        "2 checkbox item(s) lie outside every phase (lines 4, 52) and count towards no phase."
    )


def test_out_of_order_decimal_phases_are_reported():
    plan = parse_plan(INSERTED_PHASE.replace("Phase 1.5", "Phase 2.5"))
    assert any("not in numeric order (1, 2.5, 2)" in f.message for f in plan.findings)


def test_duplicate_phase_numbers_are_ambiguous_and_reported():
    plan = parse_plan("## Phase 1: Setup\n- [ ] a\n## Phase 1: Build\n- [ ] b\n")
    with pytest.raises(PhaseLookupError, match="ambiguous") as caught:
        find_phase(plan, "1")
    assert caught.value.ambiguous
    assert [p.line for p in caught.value.phases] == [1, 3]
    assert find_phase(plan, "1: Build").line == 3
    assert find_phase(plan, "build").line == 3
    assert any(f.rule == "PARSE-PHASE" and "used twice" in f.message for f in plan.findings)


def test_a_complete_phase_with_every_task_ticked_is_not_reported():
    plan = parse_plan(
        "## Phase 1: Base (Complete)\n- [x] a\n- [N/A] b\n## Phase 2: Rest ✅\n- [x] c\n## Phase 3: Next\n- [ ] d\n"
    )
    assert [p.suffix for p in plan.phases] == ["(Complete)", "✅", None]
    assert [f for f in plan.findings if f.rule == "PARSE-PHASE-STATUS"] == []


def test_a_complete_phase_with_one_open_task_is_reported_with_the_count():
    plan = parse_plan("## Phase 1: Base (Done)\n- [x] a\n- [ ] b\n- [x] c\n")
    [finding] = [f for f in plan.findings if f.rule == "PARSE-PHASE-STATUS"]
    assert (finding.severity, finding.line) == ("info", 1)
    assert finding.message == "Phase 1: Base is marked (Done) but 1 of 3 tasks are unticked."
