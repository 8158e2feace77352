"""Phase headings: the forms real plans use, status suffixes, and headings that are not phases."""

from __future__ import annotations

import pytest

from torus_mcp.specs.plan.parse import parse_plan


def test_phase_heading_variants(plan):
    assert [(p.number, p.name, p.suffix) for p in plan.phases] == [
        (0, "Alignment & Spec Hygiene", "(Complete)"),
        (1, "Core Routing", "*(can run in parallel with Phase 2)*"),
        (2, "Admin UI", None),
        (3, "Follow-up", None),
    ]
    assert plan.phases[0].heading == "## Phase 0: Alignment & Spec Hygiene (Complete)"
    assert plan.phases[2].heading == "### Phase 2 — Admin UI"


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
