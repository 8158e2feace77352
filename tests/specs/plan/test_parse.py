"""The plan model: phase headings, tasks, goal / DoD / gate criteria, lookup and exact text."""

from __future__ import annotations

from textwrap import dedent

import pytest

from torus_mcp.specs.plan.parse import (
    PhaseLookupError,
    TaskLookupError,
    cited_ids,
    find_phase,
    find_task,
    next_open_phase,
    parse_plan,
    phase_text,
    set_task_done,
)

PLAN = dedent(
    """\
    # Feature — Delivery Plan

    ## Clarifications
    - [ ] not a task: outside any phase

    ## Phase 0: Alignment & Spec Hygiene (Complete)
    Goal: Resolve spec mismatches.

    Tasks:
    - [x] Reconcile PRD section 11 (FR-001, AC-004b).
    - [x] Confirm defaults.

    Definition of Done:
    - PRD and FDD agree.

    Gate:
    - Spec sign-off.

    ---

    ## Phase 1. Core Routing *(can run in parallel with Phase 2)*
    - **Goal:** Route every call.
    - **Tasks**
    - [ ] Implement the router
      continued on a second line. FR1 NFR-2 FR1
      - [x] Nested sub-task
    - Testing Tasks:
      - [ ] Router tests
      - Command(s): `mix test test/router_test.exs`
    - **Definition of Done:** Router merged; tests green.
    - Gate:
      - `mix test` passes.
    - Dependencies:
      - Phase 0.

    ```markdown
    ## Phase 9: Not a phase
    - [ ] not a task
    ```

    ### Phase 2 — Admin UI
    - Goal: Expose the settings.
    - Tasks:
      - [ ] Form fields
      - [N/A] Dropped work

    ## Parallelization Notes
    - Phase 1 and 2 may overlap.

    ## Phase Gate Summary
    - Gate A: after Phase 0.
    - [ ] not a task either

    ## Phase 3 - Follow-up
    Tasks:
    - [x] Clean up
    """
)


@pytest.fixture
def plan():
    return parse_plan(PLAN)


def test_phase_heading_variants(plan):
    assert [(p.number, p.name, p.suffix) for p in plan.phases] == [
        (0, "Alignment & Spec Hygiene", "(Complete)"),
        (1, "Core Routing", "*(can run in parallel with Phase 2)*"),
        (2, "Admin UI", None),
        (3, "Follow-up", None),
    ]
    assert plan.phases[0].heading == "## Phase 0: Alignment & Spec Hygiene (Complete)"
    assert plan.phases[2].heading == "### Phase 2 — Admin UI"


def test_phase_ranges_stop_at_non_phase_sections(plan):
    lines = PLAN.split("\n")
    ranges = [(lines[p.line - 1], lines[p.end_line]) for p in plan.phases[:3]]
    # Each phase ends right before the next phase heading or a non-phase heading of its level.
    assert ranges[0][1].startswith("## Phase 1.")
    assert ranges[1][1].startswith("### Phase 2")
    assert ranges[2][1] == "## Parallelization Notes"
    assert plan.phases[3].end_line == len(PLAN.splitlines())


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


def test_checkboxes_in_code_and_outside_phases_do_not_count(plan):
    assert [p.total for p in plan.phases] == [2, 3, 2, 1]
    assert all("not a task" not in t.text for p in plan.phases for t in p.tasks)


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


def test_done_and_total_are_serialized(plan):
    dumped = plan.model_dump()
    assert (dumped["phases"][0]["done"], dumped["phases"][0]["total"]) == (2, 2)
    assert "done" in plan.model_json_schema(mode="serialization")["$defs"]["Phase"]["properties"]


def test_checkbox_plan_has_checkboxes_and_no_warnings(plan):
    assert plan.has_checkboxes
    assert [f for f in plan.findings if f.severity != "info"] == []


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


def test_unknown_phase_lists_the_phases(plan):
    with pytest.raises(PhaseLookupError) as caught:
        find_phase(plan, "7")
    assert str(caught.value).startswith(
        "no phase '7' in plan.md; phases: Phase 0: Alignment & Spec Hygiene, Phase 1: Core Routing,"
    )
    assert len(caught.value.phases) == 4
    with pytest.raises(PhaseLookupError, match="no phase 'Billing'"):
        find_phase(plan, "Billing")


def test_duplicate_phase_numbers_are_ambiguous_and_reported():
    plan = parse_plan("## Phase 1: Setup\n- [ ] a\n## Phase 1: Build\n- [ ] b\n")
    with pytest.raises(PhaseLookupError, match="ambiguous") as caught:
        find_phase(plan, "1")
    assert caught.value.ambiguous
    assert [p.line for p in caught.value.phases] == [1, 3]
    assert find_phase(plan, "1: Build").line == 3
    assert find_phase(plan, "build").line == 3
    assert any(f.rule == "PARSE-PHASE" and "used twice" in f.message for f in plan.findings)


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


def test_crlf_gives_the_same_plan_and_exact_text(plan):
    crlf = PLAN.replace("\n", "\r\n")
    assert parse_plan(crlf).model_dump() == plan.model_dump()
    assert phase_text(crlf, plan.phases[1]) == phase_text(PLAN, plan.phases[1]).replace("\n", "\r\n")


PLAIN = dedent(
    """\
    # Plan

    ## Phase 1: Setup
    Goal: Prepare.

    Tasks:
    - Create the schema (FR-001)
      - detail, not a task
    - Write the migration

    Testing tasks:
    - Migration tests
    - Command(s): `mix test`

    Dependencies:
    - None

    ## Phase 2: Build
    - Tasks:
      - Build it
    """
)


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


def test_phases_numbered_under_a_parent_heading_end_at_a_higher_heading():
    text = dedent(
        """\
        ## Phases
        ### Phase 1: A
        - [ ] a
        ### Notes
        - [ ] outside
        ### Phase 2: B
        - [x] b
        ## Risks
        - [ ] outside too
        """
    )
    plan = parse_plan(text)
    assert [(p.number, p.line, p.end_line, p.total) for p in plan.phases] == [(1, 2, 3, 1), (2, 6, 7, 1)]


def test_bold_line_phases_when_there_are_no_phase_headings():
    text = "# Plan\n\n**Phase 1: Setup**\n\n**Tasks**\n- [ ] a\n\n**Phase 2: Build**\n- [x] b\n"
    plan = parse_plan(text)
    assert [(p.number, p.name, p.total, p.done) for p in plan.phases] == [
        (1, "Setup", 1, 0),
        (2, "Build", 1, 1),
    ]


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


@pytest.mark.parametrize(
    ("heading", "number", "name"),
    [
        ("## Phase 1: Name", 1, "Name"),
        ("## Phase 1. Name", 1, "Name"),
        ("### Phase 1 — Name", 1, "Name"),
        ("## Phase 1 - Name", 1, "Name"),
        ("## Phase 1 – Name", 1, "Name"),
        ("## Phase 1) Name", 1, "Name"),
        ("## Phase 12: Name", 12, "Name"),
        ("## Phase One: Name", 1, "Name"),
        ("## Phase 0 (Complete): Name", 0, "Name"),
        ("## Phase 4: Admin UI (ServiceConfig Editor) (Complete)", 4, "Admin UI (ServiceConfig Editor)"),
        ("## Phase 2: Name ✅", 2, "Name"),
        ("## **Phase 3: Name**", 3, "Name"),
        ("## 3. Phase 3: Name", 3, "Name"),
        ("## Phase 5", 5, ""),
    ],
)
def test_phase_heading_forms(heading, number, name):
    plan = parse_plan(f"{heading}\n- [ ] t\n")
    assert [(p.number, p.name) for p in plan.phases] == [(number, name)]


@pytest.mark.parametrize(
    "heading", ["## Phase Gate Summary", "## Phases", "## Phase 1a: Spike", "## Phase-out"]
)
def test_headings_that_are_not_phases(heading):
    assert parse_plan(f"{heading}\n- [ ] t\n").phases == []


def test_cited_ids():
    assert cited_ids("FR-001, FR1, NFR-2, AC-004b and FR-001 again; not XFR-1 or FR-") == [
        "FR-001",
        "FR1",
        "NFR-2",
        "AC-004b",
    ]


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


def test_a_sub_heading_repeating_the_phase_number_stays_in_the_phase():
    text = "## Phase 2: Build\n- [ ] a\n### Phase 2 Tasks\n- [ ] b\n## Phase 3: Ship\n- [ ] c\n"
    plan = parse_plan(text)
    assert [(p.number, p.total, p.end_line) for p in plan.phases] == [(2, 2, 4), (3, 1, 6)]


def test_checkboxes_outside_phases_are_reported(plan):
    outside = [f for f in plan.findings if f.rule == "PARSE-TASK" and "outside every phase" in f.message]
    assert len(outside) == 1
    assert outside[0].line == 4
    assert "2 checkbox item(s)" in outside[0].message


@pytest.mark.parametrize(
    ("query", "number"), [("phase two", 2), ("Phase 2: Admin", 2), ("1 - core routing", 1)]
)
def test_find_phase_more_forms(plan, query, number):
    assert find_phase(plan, query).number == number


def test_number_and_name_that_disagree_are_not_found(plan):
    with pytest.raises(PhaseLookupError, match="phase 3 has another name"):
        find_phase(plan, "3: Core Routing")


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


def test_returned_plans_are_independent_copies():
    first = parse_plan(PLAIN)
    first.phases[0].tasks.clear()
    first.phases[0].name = "changed"
    again = parse_plan(PLAIN)
    assert (again.phases[0].name, again.phases[0].total) == ("Setup", 3)


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


INSERTED_PHASE = """\
# Plan

## Phase 1: Base

- [x] a

## Phase 1.5: Hotfix inserted later

- [ ] b (FR-002)

## Phase 2: Rest

- [ ] c
"""


def test_an_inserted_phase_like_1_5_is_a_phase_of_its_own():
    plan = parse_plan(INSERTED_PHASE)
    assert [(p.number, p.key, p.name, p.total) for p in plan.phases] == [
        (1, "1", "Base", 1),
        (None, "1.5", "Hotfix inserted later", 1),
        (2, "2", "Rest", 1),
    ]
    assert find_phase(plan, "1.5").name == "Hotfix inserted later"
    assert find_phase(plan, "Phase 1.5").label == "Phase 1.5: Hotfix inserted later"
    assert find_phase(plan, "1").name == "Base"
    assert next_open_phase(plan).key == "1.5"
    assert not [f for f in plan.findings if f.rule == "PARSE-PHASE"]


def test_out_of_order_decimal_phases_are_reported():
    plan = parse_plan(INSERTED_PHASE.replace("Phase 1.5", "Phase 2.5"))
    assert any("not in numeric order (1, 2.5, 2)" in f.message for f in plan.findings)
