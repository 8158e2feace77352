"""A pack's requirements from all its sources: which source adds what, and what is reported after merging."""

from __future__ import annotations

import textwrap

from tests.specs.requirements.samples import criteria, ids, prd
from torus_mcp.specs.requirements.extract import extract_requirements
from torus_mcp.specs.requirements.model import CONFLICT_RULE, PARSE_RULE


def test_fdd_adds_only_requirements_defined_nowhere_else():
    fdd = "**Requirements**\n- FR1: Progress through stages.\n- NFR1: p95 under 5 ms.\n- AC-001: not read here\n"
    result = extract_requirements("## Requirements\n- FR1: Stages.\n", {}, fdd)
    assert [(r.id, r.kind, r.document, r.title) for r in result.requirements] == [
        ("FR1", "FR", "prd.md", "Stages."),
        ("NFR1", "NFR", "fdd.md", "p95 under 5 ms."),
    ]
    assert result.acceptance_criteria == []
    assert not [f for f in result.findings if f.rule == CONFLICT_RULE]


def test_bulk_file_without_ids_matches_requirements_by_title():
    main = "requirements:\n- id: FR-001\n  title: Admin can configure overrides\n"
    bulk = textwrap.dedent(
        """
        requirements:
          - title: Admin can configure overrides.
            acceptance_criteria:
              - id: AC-001
                title: An admin can set a level.
          - title: Something nobody defined
            acceptance_criteria:
              - id: AC-009
                title: Orphan.
        """
    )
    result = extract_requirements(None, {"requirements_bulk.yml": bulk, "requirements.yml": main})
    [requirement] = result.requirements
    assert requirement.sources == ["requirements.yml", "requirements_bulk.yml"]
    assert criteria(result) == [("AC-001", ["FR-001"], False), ("AC-009", [], False)]
    [finding] = result.findings
    assert (finding.rule, finding.severity, finding.document, finding.line) == (
        PARSE_RULE,
        "warning",
        "requirements_bulk.yml",
        7,
    )


def test_id_mentioned_in_requirements_section_but_never_defined():
    result = prd("## 6. Functional Requirements\nSee the table of FR-007 in the appendix.\n")
    assert ids(result) == []
    [finding] = result.findings
    assert (finding.rule, finding.severity, finding.line) == (PARSE_RULE, "info", 2)
    assert "FR-007" in finding.message


def test_prd_pointing_at_a_missing_requirements_yml():
    result = prd("## 6. Functional Requirements\n\nRequirements are found in requirements.yml\n")
    [finding] = result.findings
    assert finding.severity == "warning" and finding.line == 3 and "requirements.yml" in finding.message


def test_requirements_yml_is_read_before_every_other_requirements_file():
    # "requirements-a.yml" sorts before "requirements.yml"; the primary file still wins.
    first = "requirements:\n- id: FR-001\n  title: From the extra file.\n"
    primary = "requirements:\n- id: FR-001\n  title: From the primary file.\n"
    result = extract_requirements(None, {"requirements-a.yml": first, "requirements.yml": primary})
    [requirement] = result.requirements
    assert (requirement.title, requirement.document) == ("From the primary file.", "requirements.yml")
    assert requirement.sources == ["requirements.yml", "requirements-a.yml"]
    [conflict] = result.findings
    assert (conflict.rule, conflict.document) == (CONFLICT_RULE, "requirements-a.yml")
