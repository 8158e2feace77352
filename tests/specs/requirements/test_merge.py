"""One id in several places is one requirement: the first source wins, copies add their document."""

from __future__ import annotations

import textwrap

from tests.specs.requirements.samples import NESTED, criteria, prd, yml
from torus_mcp.specs.requirements.model import CONFLICT_RULE, PARSE_RULE


def test_duplicate_definition_in_one_document_is_an_info_finding():
    result = prd("## Requirements\n- FR-001: one\n- FR-001: other\n- FR-001: One.\n")
    assert [(r.id, r.title) for r in result.requirements] == [("FR-001", "one")]
    duplicates = [f for f in result.findings if f.rule == PARSE_RULE]
    assert len(duplicates) == 1  # "One." reads the same as "one"
    assert duplicates[0].severity == "info" and duplicates[0].line == 3


def test_nested_and_flat_repeat_merge_into_one_criterion():
    result = yml(
        """
        requirements:
        - title: Admin can configure overrides
          acceptance_criteria:
          - id: AC-001
            title: An admin can set a level.
          id: FR-001
        acceptance_criteria:
        - id: AC-001
          title: An admin can set a level.
          status: proposed
        """
    )
    assert criteria(result) == [("AC-001", ["FR-001"], False)]
    assert result.acceptance_criteria[0].status == "proposed"
    assert result.findings == []


def test_yaml_is_primary_and_prd_only_ids_still_count():
    prd_text = textwrap.dedent(
        """
        ## 6. Functional Requirements
        | ID | Description |
        |---|---|
        | FR-001 | Render blocks in order (default 24 hours). |
        | FR-003 | Only in the PRD. |
        ## 7. Acceptance Criteria
        - AC-001 (FR-001, FR-003) — Given a page, when it renders, then blocks keep order.
        - AC-003 (FR-003) — Given x, when y, then z.
        """
    )
    result = yml(NESTED, prd_text=prd_text)
    assert [(r.id, r.document, r.sources) for r in result.requirements] == [
        ("FR-001", "requirements.yml", ["requirements.yml", "prd.md"]),
        ("FR-002", "requirements.yml", ["requirements.yml"]),
        ("FR-003", "prd.md", ["prd.md"]),
    ]
    assert result.requirements[0].title == "Render blocks in order."
    assert criteria(result) == [
        ("AC-001", ["FR-001", "FR-003"], True),
        ("AC-002", ["FR-002"], False),
        ("AC-003", ["FR-003"], True),
    ]
    assert result.acceptance_criteria[0].sources == ["requirements.yml", "prd.md"]
    [conflict] = result.findings
    assert (conflict.rule, conflict.severity, conflict.document, conflict.line) == (
        CONFLICT_RULE,
        "info",
        "prd.md",
        5,
    )
    assert "requirements.yml line 4" in conflict.message
