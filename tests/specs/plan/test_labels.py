"""Labels inside a phase: which lines introduce tasks, a goal, a definition of done or gate criteria."""

from __future__ import annotations

from torus_mcp.specs.plan.parse import parse_plan


def test_a_task_that_names_its_kind_is_still_a_task():
    text = "## Phase 1: A\nTasks:\n- Build it\n- Tests: `mix test test/a_test.exs`\n"
    assert [t.text for t in parse_plan(text).phases[0].tasks] == [
        "Build it",
        "Tests: `mix test test/a_test.exs`",
    ]


def test_task_label_as_a_sub_heading():
    text = "## Phase 1: A\n### Goal\nShip it.\n### Tasks\n- Build it\n### Notes\n- not a task\n"
    phase = parse_plan(text).phases[0]
    assert phase.goal == "Ship it."
    assert [t.text for t in phase.tasks] == ["Build it"]
    assert phase.end_line == 7
