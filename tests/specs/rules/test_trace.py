"""The trace rules: fdd.md and plan.md cite every FR (or one of its ACs) and only defined ids."""

from __future__ import annotations

import re

import pytest

from tests.specs.gate_samples import (
    GOOD_FDD,
    GOOD_PLAN,
    line_of,
    replace_once,
)
from tests.specs.rules.cases import Failing, assert_failing, assert_passing, passing_cases, report_of

_FDD_UNTRACED = replace_once(
    replace_once(GOOD_FDD, "and escape text (FR-002).", "and escape text."),
    "Unit tests for AC-001 and AC-002.",
    "Unit tests for AC-001.",
)

_FDD_UNKNOWN_ID = replace_once(GOOD_FDD, "Nothing is cached.", "Nothing is cached (see FR-009).")

_PLAN_UNCOVERED = replace_once(
    replace_once(GOOD_PLAN, "- [ ] Escape author text (FR-002)", "- [ ] Escape author text"),
    "- Tests for AC-001 and AC-002 pass.",
    "- Tests for AC-001 pass.",
)

_PLAN_UNKNOWN_ID = replace_once(GOOD_PLAN, "the `preview` flag\n", "the `preview` flag (AC-009)\n")

FAILING: dict[str, Failing] = {
    "FDD-TRACES-FR": Failing(
        {"fdd": _FDD_UNTRACED},
        "fdd.md",
        line_of(GOOD_FDD, "## 2. Requirements"),
        "FR-002 ('Escape author text.')",
    ),
    "FDD-CITES-KNOWN-ID": Failing(
        {"fdd": _FDD_UNKNOWN_ID}, "fdd.md", line_of(GOOD_FDD, "Nothing is cached"), "fdd.md cites FR-009"
    ),
    "PLAN-COVERS-FR": Failing({"plan": _PLAN_UNCOVERED}, "plan.md", None, "FR-002 ('Escape author text.')"),
    "PLAN-CITES-KNOWN-ID": Failing(
        {"plan": _PLAN_UNKNOWN_ID}, "plan.md", line_of(GOOD_PLAN, "Gate the button"), "plan.md cites AC-009"
    ),
}

PASSING: dict[str, list[dict[str, str | None]]] = {
    # FR-002 is traced through AC-002 alone.
    "FDD-TRACES-FR": [{"fdd": replace_once(GOOD_FDD, "and escape text (FR-002).", "and escape text.")}],
    "FDD-CITES-KNOWN-ID": [{"fdd": replace_once(GOOD_FDD, "(FR-001)", "(FR1)")}],
    # FR-002 is cited only through AC-002 in the definition of done.
    "PLAN-COVERS-FR": [
        {"plan": replace_once(GOOD_PLAN, "- [ ] Escape author text (FR-002)", "- [ ] Escape text")}
    ],
    "PLAN-CITES-KNOWN-ID": [{}],
}


@pytest.mark.parametrize("rule_id", list(FAILING))
def test_failing_sample(tmp_path, rule_id):
    assert_failing(tmp_path, rule_id, FAILING[rule_id])


@pytest.mark.parametrize(**passing_cases(PASSING))
def test_passing_sample(tmp_path, rule_id, docs):
    assert_passing(tmp_path, rule_id, docs)


def test_a_plan_citing_no_ids_gets_one_coverage_finding(tmp_path):
    plan = re.sub(r" ?\((?:FR|AC)-\d+\)", "", GOOD_PLAN).replace(
        "Tests for AC-001 and AC-002 pass.", "Tests pass."
    )
    report = report_of(tmp_path, {"plan": plan})
    covers = [f for f in report.findings if f.rule == "PLAN-COVERS-FR"]
    assert [f.message for f in covers] == [
        "plan.md cites no FR or AC id, so none of the 2 requirements (FR-001, FR-002) is traced to it."
    ]
