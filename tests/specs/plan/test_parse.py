"""Parsing plan.md: where phases start and end, which checkboxes count, copies, line endings."""

from __future__ import annotations

from textwrap import dedent

from tests.specs.plan.samples import INSERTED_PHASE, PLAIN, PLAN
from torus_mcp.specs.plan.lookup import find_phase, next_open_phase, phase_text
from torus_mcp.specs.plan.parse import cited_ids, parse_plan


def test_phase_ranges_stop_at_non_phase_sections(plan):
    lines = PLAN.split("\n")
    ranges = [(lines[p.line - 1], lines[p.end_line]) for p in plan.phases[:3]]
    # Each phase ends right before the next phase heading or a non-phase heading of its level.
    assert ranges[0][1].startswith("## Phase 1.")
    assert ranges[1][1].startswith("### Phase 2")
    assert ranges[2][1] == "## Parallelization Notes"
    assert plan.phases[3].end_line == len(PLAN.splitlines())


def test_checkboxes_in_code_and_outside_phases_do_not_count(plan):
    assert [p.total for p in plan.phases] == [2, 3, 2, 1]
    assert all("not a task" not in t.text for p in plan.phases for t in p.tasks)


def test_checkbox_plan_has_checkboxes_and_no_warnings(plan):
    assert plan.has_checkboxes
    assert [f for f in plan.findings if f.severity != "info"] == []


def test_crlf_gives_the_same_plan_and_exact_text(plan):
    crlf = PLAN.replace("\n", "\r\n")
    assert parse_plan(crlf).model_dump() == plan.model_dump()
    assert phase_text(crlf, plan.phases[1]) == phase_text(PLAN, plan.phases[1]).replace("\n", "\r\n")


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


def test_a_sub_heading_repeating_the_phase_number_stays_in_the_phase():
    text = "## Phase 2: Build\n- [ ] a\n### Phase 2 Tasks\n- [ ] b\n## Phase 3: Ship\n- [ ] c\n"
    plan = parse_plan(text)
    assert [(p.number, p.total, p.end_line) for p in plan.phases] == [(2, 2, 4), (3, 1, 6)]


def test_returned_plans_are_independent_copies():
    first = parse_plan(PLAIN)
    first.phases[0].tasks.clear()
    first.phases[0].name = "changed"
    again = parse_plan(PLAIN)
    assert (again.phases[0].name, again.phases[0].total) == ("Setup", 3)


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


def test_cited_ids():
    assert cited_ids("FR-001, FR1, NFR-2, AC-004b and FR-001 again; not XFR-1 or FR-") == [
        "FR-001",
        "FR1",
        "NFR-2",
        "AC-004b",
    ]
