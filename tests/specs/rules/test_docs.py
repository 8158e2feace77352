"""The rules about a gate's documents as a whole: present, readable, free of TBD / TODO."""

from __future__ import annotations

import pytest

from tests.specs.gate_samples import (
    GOOD_FDD,
    GOOD_PLAN,
    GOOD_REQUIREMENTS_YML,
    line_of,
    replace_once,
    write_pack,
)
from tests.specs.rules.cases import Failing, assert_failing, assert_passing, passing_cases, report_of
from torus_mcp.specs.gates import check_gates
from torus_mcp.specs.pack import load_pack

_FDD_TBD = replace_once(GOOD_FDD, "Nothing is cached.", "Caching: TBD after load tests.")

_PLAN_TODO = replace_once(
    GOOD_PLAN, "Goal: Ship behind the flag.", "Goal: Ship behind the flag. TODO: name it."
)

_FDD_LINK = replace_once(GOOD_FDD, "Nothing is cached.", "Nothing is cached ([slice](design/missing.md)).")
_FDD_GOOD_LINKS = replace_once(
    GOOD_FDD,
    "Nothing is cached.",
    "See [the PRD](prd.md#goals), [docs](https://example.org/x) and [here](#top); `[x](nowhere.md)`.",
)

_BROKEN_YAML = "version: 1\nrequirements: [\n  - id: FR-001\n    title: 'unclosed\n"

FAILING: dict[str, Failing] = {
    "PRD-DOC": Failing({"prd": None}, "prd.md", None, "prd.md does not exist"),
    "FDD-DOC": Failing({"fdd": None}, "fdd.md", None, "fdd.md does not exist"),
    "PLAN-DOC": Failing({"plan": None}, "plan.md", None, "plan.md does not exist"),
    "DOC-PARSE": Failing(
        {"requirements__yml": _BROKEN_YAML}, "requirements.yml", 3, "requirements.yml could not"
    ),
    "NO-TBD": Failing({"fdd": _FDD_TBD}, "fdd.md", line_of(GOOD_FDD, "Nothing is cached"), "unresolved TBD"),
    "DOC-LINK": Failing(
        {"fdd": _FDD_LINK, "mix__exs": ""},
        "fdd.md",
        line_of(GOOD_FDD, "Nothing is cached"),
        "links to design/missing.md",
    ),
    "NO-TODO": Failing(
        {"plan": _PLAN_TODO}, "plan.md", line_of(GOOD_PLAN, "Ship behind"), "TODO left in plan.md"
    ),
}

PASSING: dict[str, list[dict[str, str | None]]] = {
    "PRD-DOC": [{}],
    "FDD-DOC": [{}],
    "PLAN-DOC": [{}],
    "DOC-PARSE": [{"requirements__yml": GOOD_REQUIREMENTS_YML}],
    "NO-TBD": [
        {
            "fdd": replace_once(
                GOOD_FDD, "Nothing is cached.", "Nothing is cached; no `TBD` remains.\n\n```\nTBD\n```"
            )
        }
    ],
    # Outside a project (no mix.exs or .git above the pack) links are not judged.
    "DOC-LINK": [{}, {"fdd": _FDD_GOOD_LINKS, "mix__exs": ""}, {"fdd": _FDD_LINK}],
    "NO-TODO": [
        {"plan": replace_once(GOOD_PLAN, "Goal: Ship behind the flag.", "Goal: Ship the todo list.")}
    ],
}


@pytest.mark.parametrize("rule_id", list(FAILING))
def test_failing_sample(tmp_path, rule_id):
    assert_failing(tmp_path, rule_id, FAILING[rule_id])


@pytest.mark.parametrize(**passing_cases(PASSING))
def test_passing_sample(tmp_path, rule_id, docs):
    assert_passing(tmp_path, rule_id, docs)


def test_a_tbd_blocks_the_gate_of_its_own_document_only(tmp_path):
    report = report_of(tmp_path, {"fdd": _FDD_TBD})
    assert [(g.gate, g.passed) for g in report.gates] == [("prd", True), ("fdd", False), ("plan", True)]
    assert report.stage == "prd"


def test_a_missing_document_is_reported_once_not_rule_by_rule(tmp_path):
    report = report_of(tmp_path, {"fdd": None})
    assert [f.rule for f in report.findings] == ["FDD-DOC"]


def test_an_empty_document_counts_as_missing(tmp_path):
    report = report_of(tmp_path, {"plan": "  \n"})
    (finding,) = report.findings
    assert finding.rule == "PLAN-DOC"
    assert "plan.md is empty" in finding.message


def test_a_requirements_yaml_the_pack_cannot_read_at_all_blocks_the_prd_gate(tmp_path):
    # Not UTF-8: the file is in no text, only in the loader's finding, and still belongs to the prd gate.
    pack_dir = write_pack(tmp_path / "sample", requirements__yml=GOOD_REQUIREMENTS_YML)
    (pack_dir / "requirements.yml").write_bytes(b"requirements:\n- id: FR-001\n  title: caf\xe9\n")
    report = check_gates(load_pack(pack_dir, "sample"))
    [finding] = [f for f in report.findings if f.rule == "DOC-PARSE"]
    assert finding.document == "requirements.yml"
    assert "not valid UTF-8" in finding.message
    assert [(g.gate, g.passed) for g in report.gates] == [("prd", False), ("fdd", True), ("plan", True)]
