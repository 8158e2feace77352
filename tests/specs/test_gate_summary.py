"""The gate summary that opens a persona's prompt."""

from __future__ import annotations

from tests.specs.gate_samples import FDD_WITH_TBD, GOOD_PRD, PRD_TWO_ERRORS, line_of, pack_of, replace_once
from torus_mcp.specs.gate_summary import summarize_gate
from torus_mcp.specs.gates import check_gates


def test_summary_says_first_that_the_previous_gate_fails(tmp_path):
    report = check_gates(pack_of(tmp_path, prd=PRD_TWO_ERRORS))
    summary = summarize_gate(report, "architect")
    first, *rest = summary.splitlines()
    assert first.startswith("**Stop: the prd gate of `sample` fails.**")
    assert "architect persona builds on a finalized prd.md" in first
    text = "\n".join(rest)
    assert "`PRD-AC-CITES-KNOWN-FR` (prd.md line" in text
    assert "AC-002 cites FR-009, which no requirement defines" in text
    assert "Fix: Correct the cited id" in text
    assert "FR-002 ('Escape author text.') has no acceptance criterion" in text
    assert text.index("`PRD-AC-") < text.index("**Gate status")


def test_summary_names_every_failing_prerequisite(tmp_path):
    report = check_gates(pack_of(tmp_path, fdd=FDD_WITH_TBD))
    summary = summarize_gate(report, "plan")
    assert summary.startswith("**Stop: the fdd gate of `sample` fails.**")
    assert f"`NO-TBD` (fdd.md line {line_of(FDD_WITH_TBD, 'TBD')}): unresolved TBD" in summary
    assert summarize_gate(report, "architect").startswith("**Gate status")  # fdd is the architect's own
    both = summarize_gate(
        check_gates(pack_of(tmp_path, "both", prd=PRD_TWO_ERRORS, fdd=FDD_WITH_TBD)), "develop"
    )
    assert both.startswith("**Stop: the prd gate and the fdd gate of `both` fail.**")


def test_summary_when_everything_passes(tmp_path):
    report = check_gates(pack_of(tmp_path))
    summary = summarize_gate(report, "develop")
    assert summary == (
        "**Gate status of `sample`:** stage `developing` (prd passes, fdd passes, plan passes); "
        "1/3 plan tasks ticked; next open phase: Phase 1: Rendering.\n"
    )
    assert "Your document's gate (fdd, fdd.md) passes with no findings." in summarize_gate(
        report, "architect"
    )


def test_summary_of_the_personas_own_failing_gate(tmp_path):
    report = check_gates(pack_of(tmp_path, prd=PRD_TWO_ERRORS))
    summary = summarize_gate(report, "analyze")
    assert summary.startswith("**Gate status of `sample`:** stage `none`")
    assert (
        "Your document's gate (prd, prd.md) fails: 2 error(s), 0 warning(s): PRD-AC-CITES-KNOWN-FR, "
        "PRD-AC-COVERS-FR." in summary
    )


def _prd_with_uncovered_frs(count: int) -> str:
    """The good PRD with ``count`` more FRs that no acceptance criterion covers (each a blocking error)."""
    rows = "".join(f"| FR-0{n} | Requirement {n}. | P1 | Team |\n" for n in range(10, 10 + count))
    return replace_once(
        GOOD_PRD,
        "| FR-002 | Escape author text. | P0 | Authoring |\n",
        f"| FR-002 | Escape. | P0 | A |\n{rows}",
    )


def test_summary_lists_at_most_eight_errors(tmp_path):
    summary = summarize_gate(check_gates(pack_of(tmp_path, prd=_prd_with_uncovered_frs(12))), "architect")
    assert summary.count("\n- `PRD-AC-COVERS-FR`") == 8
    assert "- … and 4 more: call `check_gates` for the full list." in summary


def test_summary_with_exactly_eight_errors_lists_them_all_and_no_more_line(tmp_path):
    summary = summarize_gate(check_gates(pack_of(tmp_path, prd=_prd_with_uncovered_frs(8))), "architect")
    assert summary.count("\n- `PRD-AC-COVERS-FR`") == 8
    assert "more: call `check_gates`" not in summary


def test_summary_says_which_gates_were_not_checked(tmp_path):
    summary = summarize_gate(check_gates(pack_of(tmp_path), "prd"), "develop")
    assert "Not checked: the fdd, plan gate(s)." in summary
