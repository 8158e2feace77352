"""Requirements and acceptance criteria written in Markdown, one small sample per written form."""

from __future__ import annotations

import pytest

from tests.specs.requirements.samples import criteria, ids, prd
from torus_mcp.specs.requirements.model import PARSE_RULE


def test_fr_table_with_id_column():
    result = prd(
        """
        ## 6. Functional Requirements
        | ID | Description | Priority | Status |
        |---|---|---|---|
        | FR-001 | Import a document. | P0 | draft |
        | **FR-002** | Report *warnings* \\| errors. | P1 | |
        | n/a | not a requirement | | |
        """
    )
    assert ids(result) == ["FR-001", "FR-002"]
    first, second = result.requirements
    assert (first.title, first.status, first.line, first.document) == (
        "Import a document.",
        "draft",
        5,
        "prd.md",
    )
    assert second.title == "Report *warnings* | errors."
    assert second.status is None


def test_table_without_id_header_found_by_content():
    result = prd(
        """
        | Requirement | What |
        |---|---|
        | NFR-1 | p95 under 200 ms |
        | FR-2 | Render blocks |
        """
    )
    assert [(r.id, r.kind, r.title) for r in result.requirements] == [
        ("NFR-1", "NFR", "p95 under 200 ms"),
        ("FR-2", "FR", "Render blocks"),
    ]


def test_acceptance_criteria_table_cites_the_other_cells():
    result = prd(
        """
        ## Acceptance Criteria
        | ID | Covers | Criterion |
        |----|--------|-----------|
        | AC-001 | FR-001, FR-002 | Given a page, when it renders, then blocks keep order. |
        """
    )
    assert criteria(result) == [("AC-001", ["FR-001", "FR-002"], True)]
    assert result.acceptance_criteria[0].text == "Given a page, when it renders, then blocks keep order."


@pytest.mark.parametrize(
    "line",
    [
        "- FR1: Render blocks.",
        "- **FR1** Render blocks.",
        "- **FR1:** Render blocks.",
        "- **FR1**: Render blocks.",
        "- `FR1` — Render blocks.",
        "1. FR1 - Render blocks.",
        "FR1. Render blocks.",
        "* [FR1] Render blocks.",
    ],
)
def test_requirement_list_forms(line):
    result = prd(f"## Requirements\n\n{line}\n")
    assert [(r.id, r.title) for r in result.requirements] == [("FR1", "Render blocks.")]


def test_requirement_headings_take_title_or_following_paragraph():
    result = prd(
        """
        ## Functional Requirements
        ### FR-001: Render blocks
        Body text.
        ### FR-002
        Escape author text.
        """
    )
    assert [(r.id, r.title, r.line) for r in result.requirements] == [
        ("FR-001", "Render blocks", 3),
        ("FR-002", "Escape author text.", 5),
    ]


def test_prose_mentioning_ids_is_not_a_definition():
    result = prd(
        """
        ## Overview
        FR-001 and FR-002 are the core of this work.
        FR-003 is covered elsewhere.
        ## Functional Requirements
        FR-004 Render blocks plainly.
        """
    )
    # Outside a requirements section a bare id followed by prose is a mention, not a definition.
    assert ids(result) == ["FR-004"]


def test_paragraph_lines_each_define_one():
    result = prd("## Requirements\nFR-001: one\nFR-002: two\n  wrapped\n")
    assert [(r.id, r.title, r.line) for r in result.requirements] == [
        ("FR-001", "one", 2),
        ("FR-002", "two wrapped", 3),
    ]


def test_ids_in_fenced_code_are_ignored():
    result = prd("## Requirements\n```\n- FR-001: in code\n```\n    - FR-002: indented code\n")
    assert ids(result) == []


def test_one_line_criteria_with_cites():
    result = prd(
        """
        ## 6. Functional Requirements
        - FR-001: a
        - FR-002: b
        ## 7. Acceptance Criteria
        - AC-001 (FR-001, FR-002) — Given an admin, when they click, then a modal appears.
        - AC-004b (FR-002) — Given X, When Y, Then Z.
        - AC-005: The page covers FR-001 but has no scenario.
        - AC-006 — Given a, when b, then c.
        """
    )
    assert criteria(result) == [
        ("AC-001", ["FR-001", "FR-002"], True),
        ("AC-004b", ["FR-002"], True),
        ("AC-005", ["FR-001"], False),
        ("AC-006", [], True),
    ]
    first = result.acceptance_criteria[0]
    assert first.text == "Given an admin, when they click, then a modal appears."
    assert first.line == 6
    assert [r.acceptance for r in result.requirements] == [["AC-001", "AC-005"], ["AC-001", "AC-004b"]]


def test_multi_line_given_when_then_as_nested_bold_bullets():
    result = prd(
        """
        ## Acceptance Criteria
        - **AC-001** (FR-001)
          - **Given** a user
          - **When** they log in
          - **Then** they see the dashboard
        - **AC-002** (FR-002)
          - **Given** a guest
          - **Then** nothing happens
        """
    )
    assert criteria(result) == [("AC-001", ["FR-001"], True), ("AC-002", ["FR-002"], False)]
    assert result.acceptance_criteria[0].text.splitlines() == [
        "**Given** a user",
        "**When** they log in",
        "**Then** they see the dashboard",
    ]


def test_multi_line_given_when_then_as_paragraph_lines():
    result = prd(
        """
        ## Acceptance Criteria
        **AC-001** (FR-001)
        Given a user
        When they log in
        Then they see the dashboard

        **AC-002** (FR-003) Login fails
        Given a locked account
        When they log in
        Then they see an error
        """
    )
    assert criteria(result) == [("AC-001", ["FR-001"], True), ("AC-002", ["FR-003"], True)]
    assert result.acceptance_criteria[1].text.splitlines()[0] == "Login fails"


def test_multi_line_given_when_then_as_sibling_items_and_paragraphs():
    result = prd(
        """
        ## Acceptance Criteria
        - AC-001 (FR-001): Login works
        - Given a user
        - When they log in
        - Then they see the dashboard

        AC-002 (FR-001)

        **Given** a user

        **When** they log out

        **Then** the session ends
        """
    )
    assert criteria(result) == [("AC-001", ["FR-001"], True), ("AC-002", ["FR-001"], True)]
    assert result.acceptance_criteria[1].text.splitlines() == [
        "**Given** a user",
        "**When** they log out",
        "**Then** the session ends",
    ]


def test_criteria_under_headings():
    result = prd(
        """
        ## Acceptance Criteria
        ### AC-001: Login (FR-001)
        Given a user
        When they log in
        Then they see the dashboard
        ### Notes
        When in doubt, ask.
        """
    )
    assert criteria(result) == [("AC-001", ["FR-001"], True)]


def test_unnumbered_given_when_then_items_and_blocks():
    result = prd(
        """
        ## 6. Functional Requirements
        - FR-001: log in
        ## 7. Acceptance Criteria
        - Given a user, when they log in, then they see the dashboard (FR-001).
        - Given a user
          When they log out
          Then the session ends

        Given a guest
        When they open the page
        Then they are asked to log in
        """
    )
    assert criteria(result) == [(None, ["FR-001"], True), (None, [], True), (None, [], True)]
    assert [c.line for c in result.acceptance_criteria] == [5, 6, 10]
    assert result.requirements[0].acceptance == []  # unnumbered criteria have no id to list


def test_unnumbered_plain_items_count_when_no_criterion_has_an_id():
    result = prd(
        """
        ## Acceptance Criteria
        1. A canary feature can be promoted through the stages.
        2. Exemptions override stage decisions.
           - details that belong to item 2
        3. N/A
        """
    )
    assert criteria(result) == [(None, [], False), (None, [], False)]
    assert result.acceptance_criteria[1].text.splitlines() == [
        "Exemptions override stage decisions.",
        "details that belong to item 2",
    ]


def test_label_items_over_plain_criteria_are_not_criteria_themselves():
    result = prd(
        """
        ## Acceptance Criteria
        - Functional:
          - Users can import.
          - Users can export.
        - **Performance:**
          - Imports finish in a minute.
        """
    )
    assert [c.text for c in result.acceptance_criteria] == [
        "Users can import.",
        "Users can export.",
        "Imports finish in a minute.",
    ]


def test_fr_headings_grouping_criteria_do_not_redefine_the_fr():
    result = prd(
        """
        ## Functional Requirements
        - FR-001: Log in
        ## Acceptance Criteria
        ### FR-001
        - AC-001: Given a user, when they log in, then they see the dashboard.
        ### FR-002 Log out
        - AC-002: Given a session, when it ends, then the user is logged out.
        """
    )
    assert [(r.id, r.title, r.line) for r in result.requirements] == [
        ("FR-001", "Log in", 3),
        ("FR-002", "Log out", 7),
    ]
    assert criteria(result) == [("AC-001", ["FR-001"], True), ("AC-002", ["FR-002"], True)]
    assert result.findings == []


def test_plain_items_beside_numbered_criteria_are_reported_not_counted():
    result = prd(
        """
        ## 7. Acceptance Criteria
        - Note: routing ignores stream type.
        - AC-001 (FR-001) — Given a, when b, then c.
        - Performance is fine.
        """
    )
    assert criteria(result) == [("AC-001", ["FR-001"], True)]
    [finding] = [f for f in result.findings if f.line == 5]
    assert (finding.rule, finding.severity) == (PARSE_RULE, "info")
    assert "7. Acceptance Criteria" in finding.message


def test_criteria_nested_under_a_requirement_cite_it():
    result = prd(
        """
        ## Functional Requirements
        - FR-001: Log in
          - AC-001: Given a user, when they log in, then they see the dashboard.
          - Given a guest, when they log in, then they are refused.
        ### FR-002: Log out
        Acceptance:
        - Given a session, when the user logs out, then it ends.
        """
    )
    assert criteria(result) == [
        ("AC-001", ["FR-001"], True),
        (None, ["FR-001"], True),
        (None, ["FR-002"], True),
    ]
    assert result.requirements[0].acceptance == ["AC-001"]


def test_prose_mentioning_ids_inside_a_requirements_section_is_not_a_definition():
    result = prd(
        """
        ## Functional Requirements
        FR-001 and FR-002 are described in the table below.
        FR-003, FR-004: reserved for later.
        | ID | Description |
        |---|---|
        | FR-001 | Render blocks. |
        | FR-002 | Escape text. |
        """
    )
    assert [(r.id, r.title) for r in result.requirements] == [
        ("FR-001", "Render blocks."),
        ("FR-002", "Escape text."),
    ]


def test_a_table_row_without_a_closing_pipe_keeps_an_escaped_pipe_at_its_end():
    result = prd("## Requirements\n| ID | Description |\n|---|---|\n| FR-001 | Read a \\| b \\|\n")
    assert [(r.id, r.title) for r in result.requirements] == [("FR-001", "Read a | b |")]
