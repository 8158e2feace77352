"""Requirement tracing on a small project written for the test: FR -> AC -> FDD -> plan -> tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from torus_mcp.specs.pack import load_pack
from torus_mcp.specs.plan.lookup import PhaseLookupError
from torus_mcp.specs.trace import build_trace, scan_test_references

PRD = """\
# Widget PRD

## 6. Functional Requirements

| ID | Description |
|----|-------------|
| FR-001 | Widgets render |
| FR-002 | Widgets save |
| FR-003 | Widgets export |

## 7. Acceptance Criteria

- AC-001 (FR-001) — Given a widget, when shown, then it renders.
- AC-002 (FR-001, FR-002) — Given an edit, when saved, then it persists and renders.
- AC-003 (FR-002) — Given a conflict, when saved, then the user is told.
"""

FDD = """\
# Widget FDD

## 4. Proposed Design

Rendering covers FR-001.

### 4.1 Saving

Saving implements FR-002 and proves [AC-003](#ac-003).
"""

PLAN = """\
# Plan

## Phase 1: Render

- [x] Render widgets (FR-001, AC-001)

## Phase 2: Save

- [ ] Save widgets (FR-002)
- [ ] Conflict message (AC-003)

## Phase 3: Docs

- [ ] Write the docs
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    pack = tmp_path / "docs/features/widgets"
    pack.mkdir(parents=True)
    (pack / "prd.md").write_text(PRD)
    (pack / "fdd.md").write_text(FDD)
    (pack / "plan.md").write_text(PLAN)
    tests = tmp_path / "test/widgets"
    tests.mkdir(parents=True)
    (tests / "render_test.exs").write_text(
        'defmodule WidgetsRenderTest do\n  use ExUnit.Case\n\n  @tag ac: "AC-001"\n  test "renders" do\n'
        '    assert "FR-003" == "FR-003"\n  end\n\n  # @ac "AC-002"\n  test "saves and renders" do\n  end\nend\n'
    )
    umbrella = tmp_path / "apps/web/test"
    umbrella.mkdir(parents=True)
    (umbrella / "save_test.exs").write_text(
        'defmodule SaveTest do\n  test "AC-3 conflict is reported" do\n  end\nend\n'
    )
    return tmp_path


def test_scan_finds_tags_comments_and_test_names_only(project: Path) -> None:
    refs = scan_test_references(project)
    assert {k: [(r.file, r.line, r.kind) for r in v] for k, v in refs.items()} == {
        "AC-001": [("test/widgets/render_test.exs", 4, "tag")],
        "AC-002": [("test/widgets/render_test.exs", 9, "comment")],
        "AC-003": [("apps/web/test/save_test.exs", 2, "test name")],
    }  # "FR-003" inside an assertion is not a reference


def test_matrix_links_every_level_and_lists_gaps(project: Path) -> None:
    pack = load_pack(project / "docs/features/widgets", "widgets")
    matrix = build_trace(pack, project)
    rows = {r.id: r for r in matrix.requirements}
    assert list(rows) == ["FR-001", "FR-002", "FR-003"]
    assert [a.id for a in rows["FR-001"].acceptance] == ["AC-001", "AC-002"]
    assert [a.id for a in rows["FR-002"].acceptance] == ["AC-002", "AC-003"]
    assert rows["FR-001"].fdd_sections == ["4 Proposed Design (line 3)"]
    assert rows["FR-002"].fdd_sections == ["4.1 Saving (line 7)"]
    assert rows["FR-001"].plan_tasks == ["Phase 1: Render task 1: Render widgets (FR-001, AC-001)"]
    ac3 = rows["FR-002"].acceptance[1]
    assert ac3.fdd_sections == ["4.1 Saving (line 7)"] and ac3.covered
    assert matrix.acceptance_total == 3 and matrix.acceptance_covered == 3
    assert matrix.gaps == ["FR-003 has no acceptance criterion.", "FR-003 is not cited by any FDD section."]


def test_phase_narrows_to_what_its_tasks_cite(project: Path) -> None:
    pack = load_pack(project / "docs/features/widgets", "widgets")
    phase2 = build_trace(pack, project, "2")
    assert phase2.phase == "Phase 2: Save"
    assert [r.id for r in phase2.requirements] == ["FR-002"]
    assert [a.id for a in phase2.requirements[0].acceptance] == ["AC-002", "AC-003"]
    phase3 = build_trace(pack, project, "3")
    assert phase3.requirements == [] and "cite no FR/AC ids" in phase3.notes[0]
    with pytest.raises(PhaseLookupError):
        build_trace(pack, project, "7")


def test_uncovered_criteria_are_gaps(project: Path) -> None:
    (project / "apps/web/test/save_test.exs").unlink()
    pack = load_pack(project / "docs/features/widgets", "widgets")
    matrix = build_trace(pack, project)
    assert "AC-003 (FR-002) has no test reference or proof." in matrix.gaps
    assert matrix.acceptance_covered == 2


LOOSE_PRD = """\
# Gadget PRD

## 6. Functional Requirements

| ID | Description |
|----|-------------|
| FR-001 | Gadgets render |
| FR-002 | Gadgets save |

## 7. Acceptance Criteria

- AC-001 (FR-001) — Given a gadget, when shown, then it renders.
- AC-002 (FR-002) — Given an edit, when saved, then it persists.
- AC-003 (FR-009) — Given an export, when run, then a file appears.
- AC-004 — Given a gadget, when deleted, then it is gone.
"""

LOOSE_FDD = """\
# Gadget FDD

## 4. Proposed Design

Rendering covers FR-001.

## 5. Saving

Saving proves AC-002.
"""


@pytest.fixture
def loose_pack(tmp_path: Path):
    pack = tmp_path / "docs/features/gadgets"
    pack.mkdir(parents=True)
    (pack / "prd.md").write_text(LOOSE_PRD)
    (pack / "fdd.md").write_text(LOOSE_FDD)
    return load_pack(pack, "gadgets")


def test_criteria_citing_no_known_requirement_are_listed_unlinked_and_counted(loose_pack, tmp_path) -> None:
    matrix = build_trace(loose_pack, tmp_path)
    assert [(a.id, a.cites) for a in matrix.unlinked_acceptance] == [("AC-003", ["FR-009"]), ("AC-004", [])]
    assert "AC-003 cites no known FR." in matrix.gaps
    assert "AC-004 cites no known FR." in matrix.gaps
    assert matrix.acceptance_total == 4  # AC-001, AC-002 under their FRs, and the two unlinked


def test_a_requirement_cited_in_the_fdd_only_through_its_criterion_is_not_a_gap(loose_pack, tmp_path) -> None:
    matrix = build_trace(loose_pack, tmp_path)
    rows = {r.id: r for r in matrix.requirements}
    assert rows["FR-002"].fdd_sections == []
    assert rows["FR-002"].acceptance[0].fdd_sections == ["5 Saving (line 7)"]
    assert not [gap for gap in matrix.gaps if "not cited by any FDD section" in gap]


def test_test_references_under_build_and_hidden_directories_are_not_scanned(project: Path) -> None:
    for hidden in ("test/_build/dep", "test/.elixir_ls", "apps/web/test/_build"):
        (project / hidden).mkdir(parents=True)
        (project / hidden / "dep_test.exs").write_text(
            '@tag ac: "AC-009"\ntest "AC-009 in a dependency" do\nend\n'
        )
    assert "AC-009" not in scan_test_references(project)
    (project / "test/widgets/more_test.exs").write_text('@tag ac: "AC-009"\n')
    assert [r.file for r in scan_test_references(project)["AC-009"]] == ["test/widgets/more_test.exs"]
