"""Evidence that belongs to the pack: proofs whose files exist, tests linked to the pack, and the
rest listed as unlinked candidates, never as coverage."""

from __future__ import annotations

from pathlib import Path

from torus_mcp.specs.pack import load_pack
from torus_mcp.specs.trace import build_trace

PRD = """# Help — PRD

## 6. Functional Requirements
| ID | Description | Priority | Owner |
|---|---|---|---|
| FR-001 | Show help. | P0 | Eng |
"""

YML = """version: 1
requirements:
- id: FR-001
  title: Show help.
  acceptance_criteria:
  - id: AC-001
    title: Help shows.
    proofs:
    - type: test
      ref: test/help/missing_test.exs
  - id: AC-002
    title: Help hides.
    proofs: []
  - id: AC-003
    title: Help is qualified.
    proofs: []
"""


def _project(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    pack = root / "docs/exec-plans/current/math/help"
    pack.mkdir(parents=True)
    (root / "mix.exs").write_text("")
    (pack / "prd.md").write_text(PRD)
    (pack / "requirements.yml").write_text(YML)
    (pack / "plan.md").write_text(
        "## Phase 1: A\n- [ ] Build (AC-002), tested in `test/help/linked_test.exs`\n"
    )
    tests = root / "test"
    (tests / "help").mkdir(parents=True)
    (tests / "help/linked_test.exs").write_text('@tag ac: "AC-002"\ntest "hides" do\n')
    (tests / "other_test.exs").write_text('@tag ac: "AC-002"\n@tag ac: "AC-001"\n')
    (tests / "qualified_test.exs").write_text('@tag ac: "math/help:AC-003"\n@tag ac: "billing:AC-001"\n')
    (root / "assets/src").mkdir(parents=True)
    (root / "assets/src/help.test.tsx").write_text("// @ac AC-003\nit('AC-003 shows', () => {})\n")
    return root, pack


def _acs(root: Path, pack: Path, foreign: set[str]):
    trace = build_trace(load_pack(pack, "math/help"), root, foreign_ids=foreign)
    return trace, {a.id: a for r in trace.requirements for a in r.acceptance}


def test_a_proof_to_a_missing_file_is_proof_missing_and_not_coverage(tmp_path: Path):
    root, pack = _project(tmp_path)
    trace, acs = _acs(root, pack, {"AC-001", "AC-002", "AC-003"})
    assert acs["AC-001"].missing_proofs == ["test/help/missing_test.exs"]
    assert acs["AC-001"].proofs == []
    assert [f.rule for f in trace.findings] == ["PROOF-MISSING"]
    assert "test/help/missing_test.exs" in trace.findings[0].message


def test_a_test_of_another_pack_is_an_unlinked_candidate(tmp_path: Path):
    root, pack = _project(tmp_path)
    _, acs = _acs(root, pack, {"AC-001", "AC-002", "AC-003"})
    # AC-001: cited only by a test no pack document names, and qualified with another pack.
    assert not acs["AC-001"].covered
    assert {r.file for r in acs["AC-001"].unlinked_tests} >= {
        "test/other_test.exs",
        "test/qualified_test.exs",
    }
    # AC-002: the plan names linked_test.exs, so that one counts; other_test.exs does not.
    assert [r.file for r in acs["AC-002"].tests] == ["test/help/linked_test.exs"]
    assert [r.file for r in acs["AC-002"].unlinked_tests] == ["test/other_test.exs"]
    # AC-003: the pack-qualified form counts; the Jest test with the plain form is a candidate.
    assert [r.file for r in acs["AC-003"].tests] == ["test/qualified_test.exs"]
    assert {r.file for r in acs["AC-003"].unlinked_tests} == {"assets/src/help.test.tsx"}


def test_plain_citations_count_when_no_other_pack_defines_the_id(tmp_path: Path):
    root, pack = _project(tmp_path)
    _, acs = _acs(root, pack, set())
    assert acs["AC-001"].covered
    assert "assets/src/help.test.tsx" in {r.file for r in acs["AC-003"].tests}
