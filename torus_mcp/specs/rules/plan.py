"""Rules of the plan gate about the plan's shape: phases, tasks, checkboxes, definitions of done."""

from __future__ import annotations

from collections.abc import Iterable

from torus_mcp.specs.rules.base import GateName, Hit, Rule, RuleSpec
from torus_mcp.specs.rules.pack_view import PackView

DOC = "plan.md"


def _phases(view: PackView):
    """The plan's phases, leaving out those marked ``(Removed)`` (nothing is checked in them)."""
    plan = view.pack.plan
    phases = plan.phases if plan is not None else []
    return [p for p in phases if not p.removed]


def check_phases(view: PackView, gate: GateName) -> Iterable[Hit]:
    if _phases(view):
        return
    yield Hit(
        DOC,
        None,
        "plan.md has no phase headings, so no phase can be developed, ticked or tracked.",
        "Split the work into phases headed '## Phase 1: Name', each with 'Goal:', 'Tasks:' as '- [ ] task' "
        "items, and 'Definition of Done:'.",
    )


def check_tasks(view: PackView, gate: GateName) -> Iterable[Hit]:
    for phase in _phases(view):
        if phase.tasks:
            continue
        yield Hit(
            DOC,
            phase.line,
            f"{phase.label} has no tasks (no '- [ ]' items and no bullets under 'Tasks:').",
            f"List the work of {phase.label} as '- [ ] task' items under a 'Tasks:' label.",
        )


def check_checkboxes(view: PackView, gate: GateName) -> Iterable[Hit]:
    plain = [p for p in _phases(view) if p.tasks and not p.tasks[0].checkbox]
    if not plain:
        return
    names = ", ".join(p.label for p in plain)
    yield Hit(
        DOC,
        plain[0].tasks[0].line,
        f"tasks of {names} are plain bullets, not checkboxes: they count as open and progress cannot be "
        "ticked, so the feature can never reach 'developing' or 'done'.",
        "Write each task as '- [ ] text', and '- [x] text' once it is done.",
    )


def check_definition_of_done(view: PackView, gate: GateName) -> Iterable[Hit]:
    for phase in _phases(view):
        if phase.definition_of_done or phase.gate_criteria:
            continue
        yield Hit(
            DOC,
            phase.line,
            f"{phase.label} has no definition of done or gate criteria, so nobody can say when it is finished.",
            f"Add 'Definition of Done:' to {phase.label} with checkable outcomes (tests green, mix compile "
            "without warnings, docs updated), and optionally 'Gate:' criteria.",
        )


PLAN_RULES = (
    RuleSpec(
        Rule(
            id="PLAN-PHASES",
            gate="plan",
            severity="error",
            title="the plan has phases",
            description=(
                "plan.md has at least one phase heading ('## Phase N: Name', '## Phase N. Name', "
                "'### Phase N — Name', numbered from 0 or 1, status suffixes allowed)."
            ),
        ),
        check_phases,
    ),
    RuleSpec(
        Rule(
            id="PLAN-TASKS",
            gate="plan",
            severity="error",
            title="every phase has tasks",
            description="Each phase lists at least one task: a checkbox item, or a bullet under a 'Tasks:' label.",
        ),
        check_tasks,
    ),
    RuleSpec(
        Rule(
            id="PLAN-CHECKBOXES",
            gate="plan",
            severity="warning",
            title="tasks are checkboxes",
            description=(
                "Tasks are written '- [ ]' / '- [x]' so progress can be ticked. Plain bullets under 'Tasks:' "
                "count as open tasks, so such a feature never reaches 'developing'."
            ),
        ),
        check_checkboxes,
    ),
    RuleSpec(
        Rule(
            id="PLAN-DOD",
            gate="plan",
            severity="error",
            title="every phase has a definition of done",
            description=(
                "Each phase has a 'Definition of Done' (or 'Gate' / 'Exit criteria'): develop builds one "
                "phase at a time and needs to know when it is finished. All phases of 5 of the 6 real plans "
                "have one."
            ),
        ),
        check_definition_of_done,
    ),
)
