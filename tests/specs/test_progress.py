"""Where a plan stands, as plan_status reports it: counts per phase and the next phase with an open task."""

from __future__ import annotations

from tests.specs.plan.samples import PLAN
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.progress import plan_status


def test_status_counts_tasks_and_names_the_next_open_phase():
    status = plan_status("sample", parse_plan(PLAN))
    assert (status.feature, status.done, status.total, status.has_checkboxes) == ("sample", 5, 8, True)
    assert [(p.key, p.done, p.total) for p in status.phases] == [
        ("0", 2, 2),
        ("1", 1, 3),
        ("2", 1, 2),
        ("3", 1, 1),
    ]
    assert status.next_phase == "Phase 1. Core Routing *(can run in parallel with Phase 2)*"
    assert (status.next_phase_number, status.next_phase_key) == (1, "1")
    assert [(t.index, t.done, t.checkbox) for t in status.phases[1].tasks] == [
        (1, False, True),
        (2, True, True),
        (3, False, True),
    ]


def test_a_finished_plan_has_no_next_phase():
    status = plan_status("f", parse_plan("## Phase 1: A\n- [x] a\n"))
    assert (status.next_phase, status.next_phase_number, status.next_phase_key) == (None, None, None)
