"""Finding a phase or a task by number, name or text, and the exact text of a phase."""

from __future__ import annotations

import pytest

from tests.specs.plan.samples import PLAN
from torus_mcp.specs.plan.lookup import (
    PhaseLookupError,
    TaskLookupError,
    find_phase,
    find_task,
    next_open_phase,
    phase_text,
)
from torus_mcp.specs.plan.parse import parse_plan


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("2", 2),
        ("Phase 2", 2),
        ("phase-2", 2),
        ("PHASE 2", 2),
        ("phase2", 2),
        ("2: Admin UI", 2),
        ("Admin UI", 2),
        ("admin ui", 2),
        ("0", 0),
        ("alignment and spec hygiene", 0),
        ("Phase 0: Alignment & Spec Hygiene (Complete)", 0),
        ("core", 1),
        ("follow-up", 3),
    ],
)
def test_find_phase(plan, query, number):
    assert find_phase(plan, query).number == number


@pytest.mark.parametrize(
    ("query", "number"), [("phase two", 2), ("Phase 2: Admin", 2), ("1 - core routing", 1)]
)
def test_find_phase_more_forms(plan, query, number):
    assert find_phase(plan, query).number == number


def test_unknown_phase_lists_the_phases(plan):
    with pytest.raises(PhaseLookupError) as caught:
        find_phase(plan, "7")
    assert str(caught.value).startswith(
        "no phase '7' in plan.md; phases: Phase 0: Alignment & Spec Hygiene, Phase 1: Core Routing,"
    )
    assert len(caught.value.phases) == 4
    with pytest.raises(PhaseLookupError, match="no phase 'Billing'"):
        find_phase(plan, "Billing")


def test_number_and_name_that_disagree_are_not_found(plan):
    with pytest.raises(PhaseLookupError, match="phase 3 has another name"):
        find_phase(plan, "3: Core Routing")


def test_next_open_phase(plan):
    assert next_open_phase(plan).number == 1
    done = parse_plan("## Phase 1: A\n- [x] a\n## Phase 2: B\n- [X] b\n")
    assert next_open_phase(done) is None


def test_phase_text_is_the_exact_lines(plan):
    text = phase_text(PLAN, plan.phases[2])
    assert text == (
        "### Phase 2 — Admin UI\n- Goal: Expose the settings.\n- Tasks:\n"
        "  - [ ] Form fields\n  - [N/A] Dropped work\n\n"
    )


def test_find_task_by_index_and_text(plan):
    core = plan.phases[1]
    assert find_task(core, "3").text == "Router tests"
    assert find_task(core, 1).index == 1
    assert find_task(core, "nested SUB-task").index == 2
    with pytest.raises(TaskLookupError, match=r"has no task 9; it has tasks 1\.\.3"):
        find_task(core, 9)
    with pytest.raises(TaskLookupError, match="ambiguous") as caught:
        find_task(plan.phases[1], "router")
    assert [t.index for t in caught.value.tasks] == [1, 3]
    with pytest.raises(TaskLookupError, match="no task 'deploy'"):
        find_task(core, "deploy")
    assert isinstance(caught.value, PhaseLookupError)  # reported like any phase lookup


def test_exact_task_text_wins_over_a_task_that_only_contains_it():
    phase = parse_plan("## Phase 1: Ship\n- [ ] Build docs\n- [ ] Build\n- [ ] Publish the build\n").phases[0]
    assert find_task(phase, "Build").index == 2
    assert find_task(phase, "  build ").index == 2
    assert find_task(phase, "build docs").index == 1
    with pytest.raises(TaskLookupError, match="ambiguous"):
        find_task(phase, "buil")


@pytest.mark.parametrize(
    ("query", "number"), [("1: routing core", 1), ("2: Adm", 2), ("Phase 0: spec alignment", 0)]
)
def test_a_name_after_the_number_fits_by_prefix_or_by_its_words(plan, query, number):
    assert find_phase(plan, query).number == number
