"""The rule registry: every rule has a failing and a passing sample, defaults decided from the real packs,
and the good sample is quiet under every rule."""

from __future__ import annotations

from tests.specs.rules import test_approvals, test_docs, test_plan, test_prd, test_sections, test_trace
from tests.specs.rules.cases import report_of
from torus_mcp.specs.rules.registry import RULES

_TABLES = (test_approvals, test_docs, test_plan, test_prd, test_sections, test_trace)


def test_every_rule_has_a_failing_and_a_passing_sample():
    failing = [rule for table in _TABLES for rule in table.FAILING]
    passing = [rule for table in _TABLES for rule in table.PASSING]
    assert sorted(failing) == sorted(set(failing)) == sorted(RULES)
    assert sorted(passing) == sorted(set(passing)) == sorted(RULES)


def test_the_good_sample_has_no_findings_at_all(tmp_path):
    report = report_of(tmp_path, {})
    assert report.findings == []
    assert report.stage == "developing"


def test_issue_defaults():
    # Decided by the issue after reading the real packs.
    expected = {
        "PLAN-COVERS-FR": "warning",
        "PRD-AC-GWT": "info",
        "PRD-SECTIONS": "error",
        "FDD-SECTIONS": "error",
        "PRD-AC-CITES-KNOWN-FR": "error",
        "PRD-AC-COVERS-FR": "error",
        "NO-TBD": "error",
    }
    assert {rule: RULES[rule].severity for rule in expected} == expected
