"""Ticking a task in place: only its checkbox changes."""

from __future__ import annotations

import pytest

from tests.specs.plan.samples import PLAIN, PLAN
from torus_mcp.specs.plan.edit import set_task_done
from torus_mcp.specs.plan.lookup import TaskLookupError
from torus_mcp.specs.plan.parse import parse_plan


def test_set_task_done_changes_only_the_checkbox(plan):
    task = plan.phases[1].tasks[2]
    ticked = set_task_done(PLAN, task, done=True)
    changed = [
        (old, new) for old, new in zip(PLAN.split("\n"), ticked.split("\n"), strict=True) if old != new
    ]
    assert changed == [("  - [ ] Router tests", "  - [x] Router tests")]
    assert parse_plan(ticked).phases[1].done == 2
    assert set_task_done(ticked, task, done=False) == PLAN
    crlf = PLAN.replace("\n", "\r\n")
    assert set_task_done(crlf, task) == ticked.replace("\n", "\r\n")


def test_set_task_done_refuses_plain_bullets_and_moved_lines(plan):
    plain = parse_plan(PLAIN).phases[0].tasks[0]
    with pytest.raises(TaskLookupError, match="plain bullet"):
        set_task_done(PLAIN, plain)
    with pytest.raises(TaskLookupError, match="holds no checkbox"):
        set_task_done("# moved\n" + PLAN, plan.phases[1].tasks[0])


NUMBERED = (
    "## Phase 1: Build\n\n1. [ ] Write the schema\n2. [ ] Run the migration\n   1) [x] Nested and numbered\n"
)


def test_numbered_list_checkboxes_are_tasks_that_can_be_ticked():
    phase = parse_plan(NUMBERED).phases[0]
    assert [(t.text, t.checkbox, t.done) for t in phase.tasks] == [
        ("Write the schema", True, False),
        ("Run the migration", True, False),
        ("Nested and numbered", True, True),
    ]
    ticked = set_task_done(NUMBERED, phase.tasks[0])
    ticked = set_task_done(ticked, phase.tasks[1])
    ticked = set_task_done(ticked, phase.tasks[2], done=False)
    assert ticked == (
        "## Phase 1: Build\n\n1. [x] Write the schema\n2. [x] Run the migration\n   1) [ ] Nested and numbered\n"
    )
