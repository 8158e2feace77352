"""A phase's body: its checkbox or plain-bullet tasks, goal, definition of done and gate criteria."""

from __future__ import annotations

from tests.specs.plan.samples import PLAIN, PLAN
from torus_mcp.specs.plan.lookup import next_open_phase
from torus_mcp.specs.plan.parse import parse_plan


def test_tasks_are_checkboxes_in_order_nested_included(plan):
    core = plan.phases[1]
    assert [(t.index, t.text, t.done) for t in core.tasks] == [
        (1, "Implement the router continued on a second line. FR1 NFR-2 FR1", False),
        (2, "Nested sub-task", True),
        (3, "Router tests", False),
    ]
    assert core.tasks[0].ids == ["FR1", "NFR-2"]
    assert all(t.checkbox for t in core.tasks)
    assert PLAN.split("\n")[core.tasks[2].line - 1] == "  - [ ] Router tests"
    assert (core.done, core.total) == (1, 3)


def test_not_applicable_tasks_count_as_done(plan):
    admin = plan.phases[2]
    assert [(t.text, t.done, t.skipped) for t in admin.tasks] == [
        ("Form fields", False, False),
        ("Dropped work", True, True),
    ]
    assert any(f.rule == "PARSE-TASK" and "not applicable" in f.message for f in plan.findings)


def test_goal_definition_of_done_and_gate(plan):
    alignment, core, admin, _ = plan.phases
    assert alignment.goal == "Resolve spec mismatches."
    assert alignment.definition_of_done == ["PRD and FDD agree."]
    assert alignment.gate_criteria == ["Spec sign-off."]
    assert core.goal == "Route every call."
    assert core.definition_of_done == ["Router merged; tests green."]
    assert core.gate_criteria == ["`mix test` passes."]
    assert admin.goal == "Expose the settings."
    assert admin.definition_of_done == []


def test_plain_bullets_under_task_labels_are_open_tasks():
    plan = parse_plan(PLAIN)
    setup, build = plan.phases
    assert [(t.text, t.done, t.checkbox) for t in setup.tasks] == [
        ("Create the schema (FR-001)", False, False),
        ("Write the migration", False, False),
        ("Migration tests", False, False),
    ]
    assert setup.tasks[0].ids == ["FR-001"]
    assert [t.text for t in build.tasks] == ["Build it"]
    assert not plan.has_checkboxes
    info = [f for f in plan.findings if f.rule == "PARSE-CHECKBOX"]
    assert len(info) == 1
    assert info[0].severity == "info"
    assert "no checkboxes" in info[0].message
    assert next_open_phase(plan).number == 1


def test_unlabelled_bullets_are_the_tasks_of_a_phase_without_labels():
    text = "## Phase 1: Setup\n- Create the schema\n  - a detail\n- Write the migration\n\nDependencies:\n- None\n"
    plan = parse_plan(text)
    assert [(t.text, t.checkbox) for t in plan.phases[0].tasks] == [
        ("Create the schema", False),
        ("Write the migration", False),
    ]
    assert not plan.has_checkboxes
    # With a "Tasks:" label somewhere in the phase, only the bullets under it count.
    labelled = parse_plan("## Phase 1: Setup\n- Context note\n\nTasks:\n- Build\n")
    assert [t.text for t in labelled.phases[0].tasks] == ["Build"]


def test_a_tasks_heading_without_bullets_leaves_the_phase_without_tasks():
    # The bullets above the "### Tasks" heading are context, not loose tasks.
    plan = parse_plan("## Phase 1: Setup\n- Context note\n\n### Tasks\nTo be listed.\n")
    assert plan.phases[0].tasks == []


def test_ticked_tasks_are_done_not_skipped(plan):
    tasks = [t for p in plan.phases for t in p.tasks]
    assert [(t.text, t.done, t.skipped) for t in tasks if t.done] == [
        ("Reconcile PRD section 11 (FR-001, AC-004b).", True, False),
        ("Confirm defaults.", True, False),
        ("Nested sub-task", True, False),
        ("Dropped work", True, True),
        ("Clean up", True, False),
    ]
    [note] = [f for f in plan.findings if "not applicable" in f.message]
    assert note.message.startswith("1 task(s) are marked not applicable")
