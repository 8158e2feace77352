"""The parsers against the six real Torus spec packs in shared/specpacks (counted by hand once)."""

from __future__ import annotations

import pytest

from torus_mcp.specs.plan.edit import set_task_done
from torus_mcp.specs.plan.lookup import find_phase, next_open_phase, phase_text
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.section_lookup import find_section
from torus_mcp.specs.sections import parse_sections, section_text

# pack: (prd sections, fdd sections, [(phase number, done, total), ...], next open phase)
PACKS = {
    "canary": (13, 16, [(1, 0, 6), (2, 0, 7), (3, 0, 6)], 1),
    "docs_import": (
        14,
        28,
        [(1, 5, 5), (2, 2, 2), (3, 4, 4), (4, 2, 2), (5, 4, 4), (6, 4, 4), (7, 4, 4)],
        None,
    ),
    "genai-routing": (
        18,
        32,
        [(0, 3, 3), (1, 0, 8), (2, 10, 10), (3, 6, 6), (4, 6, 6), (5, 6, 6), (6, 0, 3)],
        1,
    ),
    # Phase 4 has two "[N/A]" tasks (counted as done); Phase 5 comes after "Phase Gate Summary".
    "lti-launch-hardening": (26, 28, [(1, 8, 8), (2, 11, 11), (3, 13, 13), (4, 12, 12), (5, 13, 13)], None),
    "mer-5677-phases-of-the-moon": (21, 22, [(1, 4, 5), (2, 5, 6), (3, 4, 6), (4, 1, 6)], 1),
    "module-level-log-controls": (21, 23, [(1, 7, 7), (2, 9, 9), (3, 7, 7)], None),
}


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_section_counts(specpacks, pack):
    prd_count, fdd_count, _, _ = PACKS[pack]
    prd = (specpacks / pack / "prd.md").read_text(encoding="utf-8")
    fdd = (specpacks / pack / "fdd.md").read_text(encoding="utf-8")
    assert len(parse_sections(prd)) == prd_count
    assert len(parse_sections(fdd)) == fdd_count


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_plan_phases_and_tasks(specpacks, pack):
    _, _, expected, open_phase = PACKS[pack]
    text = (specpacks / pack / "plan.md").read_text(encoding="utf-8")
    plan = parse_plan(text)
    assert [(p.number, p.done, p.total) for p in plan.phases] == expected
    assert plan.has_checkboxes
    assert [f for f in plan.findings if f.severity != "info"] == []
    found = next_open_phase(plan)
    assert (found.number if found else None) == open_phase
    for phase in plan.phases:
        assert phase.name and phase.goal
        assert find_phase(plan, str(phase.number)) is phase
        assert find_phase(plan, phase.name) is phase
        body = phase_text(text, phase)
        assert body.startswith(phase.heading)
        assert all(f"] {task.text.split()[0]}" in body for task in phase.tasks)


def test_unnumbered_prd_and_bold_line_fdd(specpacks):
    prd = (specpacks / "canary" / "prd.md").read_text(encoding="utf-8")
    assert find_section(parse_sections(prd), "acceptance criteria").line == 104
    fdd = (specpacks / "canary" / "fdd.md").read_text(encoding="utf-8")
    sections = parse_sections(fdd)
    assert all(s.pseudo for s in sections)
    summary = find_section(sections, "Executive Summary")
    assert (summary.line, summary.end_line) == (1, 3)
    assert section_text(fdd, find_section(sections, "references")).startswith("**References**\n")


def test_numbered_prd_lookup(specpacks):
    prd = (specpacks / "docs_import" / "prd.md").read_text(encoding="utf-8")
    sections = parse_sections(prd)
    assert find_section(sections, "7").title == "Acceptance Criteria"
    assert find_section(sections, "Section 6").title == "Functional Requirements"
    assert find_section(sections, "feature flagging").number == "11"


def test_duplicate_section_number_in_a_real_fdd(specpacks):
    fdd = (specpacks / "lti-launch-hardening" / "fdd.md").read_text(encoding="utf-8")
    sections = parse_sections(fdd)
    with pytest.raises(ValueError, match="ambiguous"):
        find_section(sections, "17")
    assert find_section(sections, "References").line == 409


def test_genai_plan_details(specpacks):
    plan = parse_plan((specpacks / "genai-routing" / "plan.md").read_text(encoding="utf-8"))
    alignment = find_phase(plan, "Phase 0")
    assert alignment.name == "Alignment & Spec Hygiene"
    assert alignment.suffix == "(Complete)"
    assert alignment.gate_criteria == ["Spec sign-off from product/tech lead."]
    assert find_phase(plan, "4").name == "Admin UI Extension (ServiceConfig Editor)"


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_ticking_every_open_task_of_a_real_plan(specpacks, pack):
    text = (specpacks / pack / "plan.md").read_text(encoding="utf-8")
    plan = parse_plan(text)
    ticked = text
    for phase in plan.phases:
        for task in phase.tasks:
            if not task.done:
                ticked = set_task_done(ticked, task)
    assert len(ticked) == len(text)  # one character per checkbox, nothing else
    assert next_open_phase(parse_plan(ticked)) is None
    assert [(p.number, p.total) for p in parse_plan(ticked).phases] == [
        (p.number, p.total) for p in plan.phases
    ]
