"""The prd gate's requirement rules: FR ids, acceptance criteria, and how they tie together."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.specs.gate_samples import (
    GOOD_FDD,
    GOOD_PRD,
    GOOD_REQUIREMENTS_YML,
    YAML_ERA_PRD,
    YAML_ONLY,
    line_of,
    replace_once,
)
from tests.specs.rules.cases import Failing, assert_failing, assert_passing, passing_cases, report_of
from torus_mcp.specs.pack import SpecPack
from torus_mcp.specs.requirements.model import AcceptanceCriterion, RequirementSet
from torus_mcp.specs.rules.pack_view import PackView
from torus_mcp.specs.rules.prd import check_ac_gwt

_PRD_NO_IDS = replace_once(
    GOOD_PRD,
    "| ID | Description | Priority | Owner |\n|---|---|---|---|\n"
    "| FR-001 | Render the page's blocks in order. | P0 | Authoring |\n"
    "| FR-002 | Escape author text. | P0 | Authoring |\n",
    "- Render the page's blocks in order.\n- Escape author text.\n",
)

_PRD_NO_AC = replace_once(
    GOOD_PRD,
    GOOD_PRD[GOOD_PRD.index("- AC-001") : GOOD_PRD.index("## 8.")],
    "To be written with the reviewers.\n\n",
)

_PRD_NOT_GWT = replace_once(
    GOOD_PRD,
    "Given a paragraph with a script tag, when the preview renders, then the tag is shown as text.",
    "Script tags are shown as text.",
)

_PRD_UNKNOWN_FR = replace_once(GOOD_PRD, "- AC-002 (FR-002)", "- AC-002 (FR-002, FR-007)")

_PRD_UNLINKED_AC = replace_once(
    GOOD_PRD,
    "\n## 8. Non-Functional",
    "- AC-003 — Given an empty page, when the author previews it, then a notice says it is empty.\n"
    "\n## 8. Non-Functional",
)

_PRD_FR_WITHOUT_AC = replace_once(
    GOOD_PRD,
    "| FR-002 | Escape author text. | P0 | Authoring |\n",
    "| FR-002 | Escape author text. | P0 | Authoring |\n| FR-003 | Log each render. | P1 | Observability |\n",
)

_FR1_PRD = (
    replace_once(
        GOOD_PRD,
        "| ID | Description | Priority | Owner |\n|---|---|---|---|\n"
        "| FR-001 | Render the page's blocks in order. | P0 | Authoring |\n"
        "| FR-002 | Escape author text. | P0 | Authoring |\n",
        "- FR1: Render the page's blocks in order.\n- FR2: Escape author text.\n",
    )
    .replace("(FR-001)", "(FR1)")
    .replace("(FR-002)", "(FR2)")
)

_MULTILINE_GWT_PRD = replace_once(
    GOOD_PRD,
    "- AC-002 (FR-002) — Given a paragraph with a script tag, when the preview renders, then the tag is shown as text.",
    "- AC-002 (FR-002)\n  - Given a paragraph with a script tag\n  - When the preview renders\n"
    "  - Then the tag is shown as text",
)

_FLAT_YML = """\
version: 1
requirements:
- id: FR-001
  title: Render the page's blocks in order.
- id: FR-002
  title: Escape author text.
acceptance_criteria:
- id: AC-001
  title: Given a page with two blocks, when the author opens the preview, then both render in order.
- id: AC-002
  title: Given a paragraph with a script tag, when the preview renders, then the tag is shown as text.
"""

_YML_WITH_STATEMENT = replace_once(
    GOOD_REQUIREMENTS_YML, "  title: Escape author text.", "  statement: Escape author text."
)

FAILING: dict[str, Failing] = {
    "REQ-SHAPE": Failing(
        {"prd": YAML_ERA_PRD, "requirements__yml": _YML_WITH_STATEMENT},
        "requirements.yml",
        line_of(_YML_WITH_STATEMENT, "statement:"),
        "keys the requirements schema does not have (statement)",
    ),
    "PRD-FR-IDS": Failing(
        {"prd": _PRD_NO_IDS}, "prd.md", line_of(GOOD_PRD, "## 6. Functional"), "no functional requirement ids"
    ),
    "PRD-AC-PRESENT": Failing(
        {"prd": _PRD_NO_AC}, "prd.md", line_of(GOOD_PRD, "## 7. Acceptance"), "no acceptance criteria"
    ),
    "PRD-AC-GWT": Failing(
        {"prd": _PRD_NOT_GWT}, "prd.md", line_of(GOOD_PRD, "- AC-002"), "AC-002 is not written"
    ),
    "PRD-AC-CITES-KNOWN-FR": Failing(
        {"prd": _PRD_UNKNOWN_FR}, "prd.md", line_of(GOOD_PRD, "- AC-002"), "AC-002 cites FR-007"
    ),
    "PRD-AC-LINKED": Failing(
        {"prd": _PRD_UNLINKED_AC},
        "prd.md",
        line_of(_PRD_UNLINKED_AC, "- AC-003"),
        "AC-003 names no requirement",
    ),
    "PRD-AC-COVERS-FR": Failing(
        {"prd": _PRD_FR_WITHOUT_AC},
        "prd.md",
        line_of(_PRD_FR_WITHOUT_AC, "| FR-003"),
        "FR-003 ('Log each render.') has no acceptance criterion",
    ),
}

PASSING: dict[str, list[dict[str, str | None]]] = {
    "REQ-SHAPE": [{}, YAML_ONLY],
    "PRD-FR-IDS": [{"prd": _FR1_PRD}, YAML_ONLY],
    "PRD-AC-PRESENT": [{}, YAML_ONLY],
    "PRD-AC-GWT": [{}, {"prd": _MULTILINE_GWT_PRD}],
    "PRD-AC-CITES-KNOWN-FR": [{"prd": replace_once(GOOD_PRD, "- AC-002 (FR-002)", "- AC-002 (FR2)")}],
    # Nested under its FR in requirements.yml, an AC needs no "(FR-001)" in its text.
    "PRD-AC-LINKED": [{}, YAML_ONLY],
    "PRD-AC-COVERS-FR": [{}, YAML_ONLY, {"prd": YAML_ERA_PRD, "requirements__yml": _FLAT_YML}],
}


@pytest.mark.parametrize("rule_id", list(FAILING))
def test_failing_sample(tmp_path, rule_id):
    assert_failing(tmp_path, rule_id, FAILING[rule_id])


@pytest.mark.parametrize(**passing_cases(PASSING))
def test_passing_sample(tmp_path, rule_id, docs):
    assert_passing(tmp_path, rule_id, docs)


def test_a_flat_requirements_yml_reports_one_unlinked_finding_not_one_per_criterion(tmp_path):
    report = report_of(tmp_path, {"prd": YAML_ERA_PRD, "requirements__yml": _FLAT_YML})
    linked = [f for f in report.findings if f.rule == "PRD-AC-LINKED"]
    assert len(linked) == 1
    assert "none of the 2 acceptance criteria" in linked[0].message
    assert linked[0].document == "requirements.yml"
    assert report.gate("prd").passed  # coverage unknown is a warning, not an error


def test_frs_defined_only_in_the_fdd_do_not_satisfy_the_prd(tmp_path):
    fdd = replace_once(
        GOOD_FDD,
        "- Render in order (FR-001) and escape text (FR-002).",
        "- FR1: Render in order.\n- FR2: Escape text.",
    )
    report = report_of(tmp_path, {"prd": _PRD_NO_IDS, "fdd": fdd})
    (finding,) = [f for f in report.findings if f.rule == "PRD-FR-IDS"]
    assert "fdd.md defines FR1, FR2" in finding.message


_SHORT_AC_002_YML = replace_once(
    GOOD_REQUIREMENTS_YML,
    "title: Given a paragraph with a script tag, when the preview renders, then the tag is shown as text.",
    "title: Script tags are shown as text.",
)


def _gwt_findings(tmp_path, docs: dict[str, str | None]) -> list[str]:
    return [f.message for f in report_of(tmp_path, docs).findings if f.rule == "PRD-AC-GWT"]


def test_an_ac_written_twice_passes_gwt_when_only_its_prd_copy_is_given_when_then(tmp_path):
    # requirements.yml is read first and words AC-002 briefly; prd.md writes it as Given/When/Then.
    assert _gwt_findings(tmp_path, {"requirements__yml": _SHORT_AC_002_YML}) == []


def test_an_ac_written_twice_passes_gwt_when_only_its_yaml_copy_is_given_when_then(tmp_path):
    assert _gwt_findings(tmp_path, {"prd": _PRD_NOT_GWT, "requirements__yml": GOOD_REQUIREMENTS_YML}) == []


def test_an_ac_written_twice_fails_gwt_once_when_no_copy_is_given_when_then(tmp_path):
    found = _gwt_findings(tmp_path, {"prd": _PRD_NOT_GWT, "requirements__yml": _SHORT_AC_002_YML})
    assert found == ["AC-002 is not written as Given / When / Then: 'Script tags are shown as text.'."]


def _copies(*given_when_then: bool) -> PackView:
    criteria = [
        AcceptanceCriterion(id=ident, text=f"copy {n}", given_when_then=gwt, document="prd.md", line=n)
        for n, (ident, gwt) in enumerate(zip(("AC-002", "ac-2", "AC2"), given_when_then, strict=False), 1)
    ]
    return PackView(
        SpecPack(feature="f", path=Path("f"), requirements=RequirementSet(acceptance_criteria=criteria))
    )


def test_gwt_judges_copies_of_one_id_together_whichever_copy_reads_given_when_then():
    # Copies that reach the rule unmerged (any spelling of the id) count as one criterion.
    assert list(check_ac_gwt(_copies(False, True), "prd")) == []
    assert list(check_ac_gwt(_copies(True, False, False), "prd")) == []
    [hit] = check_ac_gwt(_copies(False, False), "prd")
    assert (hit.line, hit.message) == (1, "AC-002 is not written as Given / When / Then: 'copy 1'.")


def test_with_no_requirement_defined_citations_are_not_each_reported_unknown(tmp_path):
    # PRD-FR-IDS names the cause once; AC-001 (FR-001) and AC-002 (FR-002) are not two more errors.
    rules = [f.rule for f in report_of(tmp_path, {"prd": _PRD_NO_IDS}).findings if f.severity == "error"]
    assert rules == ["PRD-FR-IDS"]
