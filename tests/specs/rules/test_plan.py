"""The plan gate's shape rules: phases, tasks, checkboxes, definitions of done."""

from __future__ import annotations

import pytest

from tests.specs.gate_samples import (
    GOOD_PLAN,
    line_of,
    replace_once,
)
from tests.specs.rules.cases import Failing, assert_failing, assert_passing, passing_cases, remove

_PLAN_NO_PHASES = "# Plan\n\nWe will build it.\n\n- [ ] Do everything\n"

_PLAN_PHASE_WITHOUT_TASKS = remove(GOOD_PLAN, "Tasks:\n- [ ] Gate the button behind the `preview` flag\n\n")

_PLAN_PLAIN_BULLETS = replace_once(
    GOOD_PLAN,
    "- [ ] Gate the button behind the `preview` flag",
    "- Gate the button behind the `preview` flag",
)

_PLAN_NO_DOD = remove(GOOD_PLAN, "\nDefinition of Done:\n- The flag turns the button on and off.\n")

FAILING: dict[str, Failing] = {
    "PLAN-PHASES": Failing({"plan": _PLAN_NO_PHASES}, "plan.md", None, "no phase headings"),
    "PLAN-TASKS": Failing(
        {"plan": _PLAN_PHASE_WITHOUT_TASKS},
        "plan.md",
        line_of(GOOD_PLAN, "## Phase 2"),
        "Phase 2: Rollout has no tasks",
    ),
    "PLAN-CHECKBOXES": Failing(
        {"plan": _PLAN_PLAIN_BULLETS},
        "plan.md",
        line_of(GOOD_PLAN, "Gate the button"),
        "Phase 2: Rollout are plain",
    ),
    "PLAN-DOD": Failing(
        {"plan": _PLAN_NO_DOD},
        "plan.md",
        line_of(GOOD_PLAN, "## Phase 2"),
        "Phase 2: Rollout has no definition",
    ),
}

PASSING: dict[str, list[dict[str, str | None]]] = {
    "PLAN-PHASES": [
        {"plan": GOOD_PLAN.replace("## Phase 1: Rendering", "### Phase 0 — Rendering (Complete)")},
    ],
    "PLAN-TASKS": [{}],
    "PLAN-CHECKBOXES": [{}],
    "PLAN-DOD": [
        {
            "plan": replace_once(
                GOOD_PLAN,
                "Definition of Done:\n- The flag turns the button on and off.",
                "Gate:\n- The flag turns the button on and off.",
            )
        }
    ],
}


@pytest.mark.parametrize("rule_id", list(FAILING))
def test_failing_sample(tmp_path, rule_id):
    assert_failing(tmp_path, rule_id, FAILING[rule_id])


@pytest.mark.parametrize(**passing_cases(PASSING))
def test_passing_sample(tmp_path, rule_id, docs):
    assert_passing(tmp_path, rule_id, docs)
