"""Every gate rule against a failing and a passing sample written for it.

Each sample is a real pack on disk (the good sample of ``gate_samples`` with one thing changed),
loaded with ``load_pack`` and checked with ``check_gates``, so the rules are tested on what the
parsers actually make of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.specs.gate_samples import (
    GOOD_FDD,
    GOOD_PLAN,
    GOOD_PRD,
    GOOD_REQUIREMENTS_YML,
    YAML_ERA_PRD,
    line_of,
    replace_once,
    write_pack,
)
from torus_mcp.specs.gates import RULES, GateReport, check_gates
from torus_mcp.specs.pack import load_pack


@dataclass
class Failing:
    docs: dict[str, str | None]
    document: str
    line: int | None
    says: str
    """A fragment the first finding's message must contain."""
    count: int = 1


def _remove(text: str, fragment: str) -> str:
    return replace_once(text, fragment, "")


_PRD_NO_USERS = _remove(GOOD_PRD, "## 4. Users & Use Cases\n\n- Author previews a page.\n\n")
_PRD_NO_QA = _remove(GOOD_PRD, "## 15. QA Plan\n\n- ExUnit tests per acceptance criterion.\n\n")
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
_FDD_NO_SECURITY = _remove(GOOD_FDD, "## 12. Security & Privacy\n\nAuthors of the project only.\n\n")
_FDD_NO_REFERENCES = _remove(GOOD_FDD, "## 16. References\n\n- prd.md\n")
_FDD_UNTRACED = replace_once(
    replace_once(GOOD_FDD, "and escape text (FR-002).", "and escape text."),
    "Unit tests for AC-001 and AC-002.",
    "Unit tests for AC-001.",
)
_FDD_UNKNOWN_ID = replace_once(GOOD_FDD, "Nothing is cached.", "Nothing is cached (see FR-009).")
_FDD_TBD = replace_once(GOOD_FDD, "Nothing is cached.", "Caching: TBD after load tests.")
_PLAN_NO_PHASES = "# Plan\n\nWe will build it.\n\n- [ ] Do everything\n"
_PLAN_PHASE_WITHOUT_TASKS = _remove(GOOD_PLAN, "Tasks:\n- [ ] Gate the button behind the `preview` flag\n\n")
_PLAN_PLAIN_BULLETS = replace_once(
    GOOD_PLAN,
    "- [ ] Gate the button behind the `preview` flag",
    "- Gate the button behind the `preview` flag",
)
_PLAN_NO_DOD = _remove(GOOD_PLAN, "\nDefinition of Done:\n- The flag turns the button on and off.\n")
_PLAN_UNCOVERED = replace_once(
    replace_once(GOOD_PLAN, "- [ ] Escape author text (FR-002)", "- [ ] Escape author text"),
    "- Tests for AC-001 and AC-002 pass.",
    "- Tests for AC-001 pass.",
)
_PLAN_UNKNOWN_ID = replace_once(GOOD_PLAN, "the `preview` flag\n", "the `preview` flag (AC-009)\n")
_PLAN_TODO = replace_once(
    GOOD_PLAN, "Goal: Ship behind the flag.", "Goal: Ship behind the flag. TODO: name it."
)
_BROKEN_YAML = "version: 1\nrequirements: [\n  - id: FR-001\n    title: 'unclosed\n"


def _approved(doc: str, text: str, upstream: dict[str, str] | None = None) -> str:
    """approvals.yml with ``doc`` approved at ``text``, written against ``upstream`` (name -> text)."""
    from torus_mcp.documents import version_of
    from torus_mcp.history.approvals import Approval, ApprovalFile, pin, render_approvals

    def pinned(name: str, body: str):
        return pin(name, body, version_of(body.encode()), None)

    approval = Approval(
        **pinned(doc, text).model_dump(),
        approved_at="2026-03-02T10:00:00Z",
        approver="Ada Lovelace <ada@example.com>",
        upstream=[pinned(name, body) for name, body in (upstream or {}).items()],
    )
    return render_approvals(ApprovalFile(approvals=[approval]))


_FDD_APPROVED = _approved("fdd.md", GOOD_FDD, {"prd.md": GOOD_PRD})
_PLAN_APPROVED = _approved("plan.md", GOOD_PLAN, {"prd.md": GOOD_PRD, "fdd.md": GOOD_FDD})
_FDD_EDITED = replace_once(GOOD_FDD, "Nothing is cached.", "Rendered pages are cached per revision.")
_PRD_EDITED = replace_once(GOOD_PRD, "- Preview a page in under a second.", "- Preview a page instantly.")

FAILING: dict[str, Failing] = {
    "PRD-DOC": Failing({"prd": None}, "prd.md", None, "prd.md does not exist"),
    "PRD-SECTIONS": Failing({"prd": _PRD_NO_USERS}, "prd.md", None, "'Users & Use Cases'"),
    "PRD-SECTIONS-EXPECTED": Failing({"prd": _PRD_NO_QA}, "prd.md", None, "'QA Plan'"),
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
    "FDD-DOC": Failing({"fdd": None}, "fdd.md", None, "fdd.md does not exist"),
    "FDD-SECTIONS": Failing({"fdd": _FDD_NO_SECURITY}, "fdd.md", None, "'Security & Privacy'"),
    "FDD-SECTIONS-EXPECTED": Failing({"fdd": _FDD_NO_REFERENCES}, "fdd.md", None, "'References'"),
    "FDD-TRACES-FR": Failing(
        {"fdd": _FDD_UNTRACED},
        "fdd.md",
        line_of(GOOD_FDD, "## 2. Requirements"),
        "FR-002 ('Escape author text.')",
    ),
    "FDD-CITES-KNOWN-ID": Failing(
        {"fdd": _FDD_UNKNOWN_ID}, "fdd.md", line_of(GOOD_FDD, "Nothing is cached"), "fdd.md cites FR-009"
    ),
    "PLAN-DOC": Failing({"plan": None}, "plan.md", None, "plan.md does not exist"),
    "PLAN-PHASES": Failing({"plan": _PLAN_NO_PHASES}, "plan.md", None, "no phase headings"),
    "PLAN-TASKS": Failing(
        {"plan": _PLAN_PHASE_WITHOUT_TASKS},
        "plan.md",
        line_of(GOOD_PLAN, "## Phase 2"),
        "Phase 2: Rollout has no tasks",
    ),
    "PLAN-CHECKBOXES": Failing(
        {"plan": _PLAN_PLAIN_BULLETS},
        "plan.md",
        line_of(GOOD_PLAN, "Gate the button"),
        "Phase 2: Rollout are plain",
    ),
    "PLAN-DOD": Failing(
        {"plan": _PLAN_NO_DOD},
        "plan.md",
        line_of(GOOD_PLAN, "## Phase 2"),
        "Phase 2: Rollout has no definition",
    ),
    "PLAN-COVERS-FR": Failing({"plan": _PLAN_UNCOVERED}, "plan.md", None, "FR-002 ('Escape author text.')"),
    "PLAN-CITES-KNOWN-ID": Failing(
        {"plan": _PLAN_UNKNOWN_ID}, "plan.md", line_of(GOOD_PLAN, "Gate the button"), "plan.md cites AC-009"
    ),
    "DOC-PARSE": Failing(
        {"requirements__yml": _BROKEN_YAML}, "requirements.yml", 3, "requirements.yml could not"
    ),
    "NO-TBD": Failing({"fdd": _FDD_TBD}, "fdd.md", line_of(GOOD_FDD, "Nothing is cached"), "unresolved TBD"),
    "NO-TODO": Failing(
        {"plan": _PLAN_TODO}, "plan.md", line_of(GOOD_PLAN, "Ship behind"), "TODO left in plan.md"
    ),
    "STALE-APPROVAL": Failing(
        {"fdd": _FDD_EDITED, "approvals__yml": _FDD_APPROVED},
        "fdd.md",
        line_of(GOOD_FDD, "## 8. Caching Strategy"),
        "fdd.md: changed Caching Strategy",
    ),
    "STALE-UPSTREAM": Failing(
        {"prd": _PRD_EDITED, "approvals__yml": _FDD_APPROVED},
        "fdd.md",
        None,
        "approved against an earlier prd.md, which has since changed: changed Goals & Non-Goals",
    ),
}


def _tolerant_prd() -> str:
    """The good PRD with headings as real packs vary them: bold lines, no numbers, "and" for "&", suffixes."""
    out = []
    headings = 0
    for line in GOOD_PRD.splitlines():
        match = re.match(r"^## \d+\. (.*)$", line)
        if not match:
            out.append(line)
            continue
        headings += 1
        title = (
            match.group(1)
            .replace("&", "and")
            .replace("Acceptance Criteria", "Acceptance Criteria (Testable)")
        )
        out.append(f"**{title}**" if headings % 2 else f"### {title}")
    return "\n".join(out) + "\n"


def _bold_line_fdd() -> str:
    """The good FDD as the canary pack writes it: no '#' headings at all, bold lines instead, newer titles."""
    text = re.sub(r"^## \d+\. (.*)$", r"**\1**", GOOD_FDD.split("\n", 2)[2], flags=re.MULTILINE)
    text = text.replace("Torus Context Summary", "Repository Context Summary")
    return text.replace("Performance and Scalability Plan", "Performance & Scalability Posture")


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
_YAML_ONLY = {"prd": YAML_ERA_PRD, "requirements__yml": GOOD_REQUIREMENTS_YML}

PASSING: dict[str, list[dict[str, str | None]]] = {
    "PRD-DOC": [{}],
    "PRD-SECTIONS": [
        {"prd": _tolerant_prd()},
        _YAML_ONLY,
        # No FR / AC headings at all: requirements.yml holds them.
        {
            "prd": _remove(
                _remove(
                    YAML_ERA_PRD,
                    "## 6. Functional Requirements\n\nRequirements are found in requirements.yml\n\n",
                ),
                "## 7. Acceptance Criteria (Testable)\n\nRequirements are found in requirements.yml\n\n",
            ),
            "requirements__yml": GOOD_REQUIREMENTS_YML,
        },
    ],
    "PRD-SECTIONS-EXPECTED": [{"prd": _tolerant_prd()}],
    "PRD-FR-IDS": [{"prd": _FR1_PRD}, _YAML_ONLY],
    "PRD-AC-PRESENT": [{}, _YAML_ONLY],
    "PRD-AC-GWT": [{}, {"prd": _MULTILINE_GWT_PRD}],
    "PRD-AC-CITES-KNOWN-FR": [{"prd": replace_once(GOOD_PRD, "- AC-002 (FR-002)", "- AC-002 (FR2)")}],
    # Nested under its FR in requirements.yml, an AC needs no "(FR-001)" in its text.
    "PRD-AC-LINKED": [{}, _YAML_ONLY],
    "PRD-AC-COVERS-FR": [{}, _YAML_ONLY, {"prd": YAML_ERA_PRD, "requirements__yml": _FLAT_YML}],
    "FDD-DOC": [{}],
    "FDD-SECTIONS": [{"fdd": _bold_line_fdd()}],
    "FDD-SECTIONS-EXPECTED": [{"fdd": _bold_line_fdd()}],
    # FR-002 is traced through AC-002 alone.
    "FDD-TRACES-FR": [{"fdd": replace_once(GOOD_FDD, "and escape text (FR-002).", "and escape text.")}],
    "FDD-CITES-KNOWN-ID": [{"fdd": replace_once(GOOD_FDD, "(FR-001)", "(FR1)")}],
    "PLAN-DOC": [{}],
    "PLAN-PHASES": [
        {"plan": GOOD_PLAN.replace("## Phase 1: Rendering", "### Phase 0 — Rendering (Complete)")},
    ],
    "PLAN-TASKS": [{}],
    "PLAN-CHECKBOXES": [{}],
    "PLAN-DOD": [
        {
            "plan": replace_once(
                GOOD_PLAN,
                "Definition of Done:\n- The flag turns the button on and off.",
                "Gate:\n- The flag turns the button on and off.",
            )
        }
    ],
    # FR-002 is cited only through AC-002 in the definition of done.
    "PLAN-COVERS-FR": [
        {"plan": replace_once(GOOD_PLAN, "- [ ] Escape author text (FR-002)", "- [ ] Escape text")}
    ],
    "PLAN-CITES-KNOWN-ID": [{}],
    "DOC-PARSE": [{"requirements__yml": GOOD_REQUIREMENTS_YML}],
    "NO-TBD": [
        {
            "fdd": replace_once(
                GOOD_FDD, "Nothing is cached.", "Nothing is cached; no `TBD` remains.\n\n```\nTBD\n```"
            )
        }
    ],
    "NO-TODO": [
        {"plan": replace_once(GOOD_PLAN, "Goal: Ship behind the flag.", "Goal: Ship the todo list.")}
    ],
    # Ticking a task, renumbering sections and blank lines are not changes of the approved content.
    "STALE-APPROVAL": [
        {"approvals__yml": _FDD_APPROVED},
        {
            "plan": replace_once(GOOD_PLAN, "- [ ] Escape author text", "- [x] Escape author text"),
            "approvals__yml": _PLAN_APPROVED,
        },
        {
            "fdd": GOOD_FDD.replace("## 8. Caching", "## 8.1 Caching").replace("\n\n", "\n\n\n"),
            "approvals__yml": _FDD_APPROVED,
        },
    ],
    "STALE-UPSTREAM": [
        {"approvals__yml": _PLAN_APPROVED},
        {"fdd": _FDD_EDITED, "approvals__yml": _approved("fdd.md", _FDD_EDITED, {"prd.md": GOOD_PRD})},
    ],
}


def _report(tmp_path: Path, docs: dict[str, str | None]) -> GateReport:
    pack_dir = write_pack(tmp_path / "sample", **docs)
    return check_gates(load_pack(pack_dir, "sample"))


def test_every_rule_has_a_failing_and_a_passing_sample():
    assert set(FAILING) == set(RULES)
    assert set(PASSING) == set(RULES)


@pytest.mark.parametrize("rule_id", list(FAILING))
def test_failing_sample(tmp_path, rule_id):
    case = FAILING[rule_id]
    rule = RULES[rule_id]
    report = _report(tmp_path, case.docs)
    found = [f for f in report.findings if f.rule == rule_id]
    assert len(found) == case.count, [f.message for f in report.findings]
    finding = found[0]
    assert finding.severity == rule.severity
    assert finding.document == case.document
    assert finding.line == case.line
    assert case.says in finding.message
    assert finding.fix and len(finding.fix) > 20
    # Only errors block: the finding's gate fails exactly when the rule is an error.
    gate = rule.gate if rule.gate != "all" else {"fdd.md": "fdd", "plan.md": "plan"}.get(case.document, "prd")
    result = report.gate(gate)
    assert result is not None
    assert result.passed is (rule.severity == "warning")


@pytest.mark.parametrize(
    ("rule_id", "docs"),
    [(rule_id, docs) for rule_id, variants in PASSING.items() for docs in variants],
    ids=[f"{rule_id}-{n}" for rule_id, variants in PASSING.items() for n in range(len(variants))],
)
def test_passing_sample(tmp_path, rule_id, docs):
    report = _report(tmp_path, docs)
    assert [f.message for f in report.findings if f.rule == rule_id] == []


def test_the_good_sample_has_no_findings_at_all(tmp_path):
    report = _report(tmp_path, {})
    assert report.findings == []
    assert report.stage == "developing"


def test_a_flat_requirements_yml_reports_one_unlinked_finding_not_one_per_criterion(tmp_path):
    report = _report(tmp_path, {"prd": YAML_ERA_PRD, "requirements__yml": _FLAT_YML})
    linked = [f for f in report.findings if f.rule == "PRD-AC-LINKED"]
    assert len(linked) == 1
    assert "none of the 2 acceptance criteria" in linked[0].message
    assert linked[0].document == "requirements.yml"
    assert report.gate("prd").passed  # coverage unknown is a warning, not an error


def test_a_plan_citing_no_ids_gets_one_coverage_finding(tmp_path):
    plan = re.sub(r" ?\((?:FR|AC)-\d+\)", "", GOOD_PLAN).replace(
        "Tests for AC-001 and AC-002 pass.", "Tests pass."
    )
    report = _report(tmp_path, {"plan": plan})
    covers = [f for f in report.findings if f.rule == "PLAN-COVERS-FR"]
    assert [f.message for f in covers] == [
        "plan.md cites no FR or AC id, so none of the 2 requirements (FR-001, FR-002) is traced to it."
    ]


def test_frs_defined_only_in_the_fdd_do_not_satisfy_the_prd(tmp_path):
    fdd = replace_once(
        GOOD_FDD,
        "- Render in order (FR-001) and escape text (FR-002).",
        "- FR1: Render in order.\n- FR2: Escape text.",
    )
    report = _report(tmp_path, {"prd": _PRD_NO_IDS, "fdd": fdd})
    (finding,) = [f for f in report.findings if f.rule == "PRD-FR-IDS"]
    assert "fdd.md defines FR1, FR2" in finding.message


def test_a_tbd_blocks_the_gate_of_its_own_document_only(tmp_path):
    report = _report(tmp_path, {"fdd": _FDD_TBD})
    assert [(g.gate, g.passed) for g in report.gates] == [("prd", True), ("fdd", False), ("plan", True)]
    assert report.stage == "prd"


def test_a_missing_document_is_reported_once_not_rule_by_rule(tmp_path):
    report = _report(tmp_path, {"fdd": None})
    assert [f.rule for f in report.findings] == ["FDD-DOC"]


def test_an_empty_document_counts_as_missing(tmp_path):
    report = _report(tmp_path, {"plan": "  \n"})
    (finding,) = report.findings
    assert finding.rule == "PLAN-DOC"
    assert "plan.md is empty" in finding.message
