"""Requirement, acceptance criterion, note and marker extraction, one small sample per written form."""

from __future__ import annotations

import textwrap

import pytest

from torus_mcp.specs.requirements.from_markdown import (
    CONFLICT_RULE,
    PARSE_RULE,
    YAML_RULE,
    RequirementSet,
    cited_requirement_ids,
    extract_notes,
    extract_requirements,
    find_ids,
    find_markers,
    id_kind,
    normalize_id,
)


def prd(text: str) -> RequirementSet:
    return extract_requirements(textwrap.dedent(text), {})


def yml(text: str, name: str = "requirements.yml", prd_text: str | None = None) -> RequirementSet:
    return extract_requirements(prd_text, {name: textwrap.dedent(text)})


def ids(result: RequirementSet) -> list[str]:
    return [r.id for r in result.requirements]


def criteria(result: RequirementSet) -> list[tuple[str | None, list[str], bool]]:
    return [(c.id, c.cites, c.given_when_then) for c in result.acceptance_criteria]


# ---------------------------------------------------------------------------------------------
# Ids


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("FR1", "FR-001"),
        ("FR-1", "FR-001"),
        ("FR-001", "FR-001"),
        ("fr-0001", "FR-001"),
        ("NFR-2", "NFR-002"),
        ("NFR002", "NFR-002"),
        ("AC-4b", "AC-004b"),
        ("AC-004B", "AC-004b"),
        ("FR-1234", "FR-1234"),
        (" US-7 ", "US-7"),
    ],
)
def test_normalize_id(raw, normal):
    assert normalize_id(raw) == normal


def test_id_kind():
    assert [id_kind(i) for i in ("FR1", "NFR-3", "AC-004b", "REQ-1")] == ["FR", "NFR", "AC", None]


def test_find_ids_keeps_spelling_order_and_expands_ranges():
    text = "covers FR-009–FR-011, then FR1 and NFR-2; AC-004b; also FR-009 again; not xFR-5 or FR-12345"
    assert find_ids(text) == ["FR-009", "FR-010", "FR-011", "FR1", "NFR-2", "AC-004b"]
    assert cited_requirement_ids("FR-1 to FR-3") == ["FR-1", "FR-2", "FR-3"]
    assert cited_requirement_ids("(#ac-001) [AC-001](#ac-001)") == []


# ---------------------------------------------------------------------------------------------
# Requirements in Markdown


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


def test_duplicate_definition_in_one_document_is_an_info_finding():
    result = prd("## Requirements\n- FR-001: one\n- FR-001: other\n- FR-001: One.\n")
    assert [(r.id, r.title) for r in result.requirements] == [("FR-001", "one")]
    duplicates = [f for f in result.findings if f.rule == PARSE_RULE]
    assert len(duplicates) == 1  # "One." reads the same as "one"
    assert duplicates[0].severity == "info" and duplicates[0].line == 3


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


# ---------------------------------------------------------------------------------------------
# Acceptance criteria in Markdown


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


def test_fdd_adds_only_requirements_defined_nowhere_else():
    fdd = "**Requirements**\n- FR1: Progress through stages.\n- NFR1: p95 under 5 ms.\n- AC-001: not read here\n"
    result = extract_requirements("## Requirements\n- FR1: Stages.\n", {}, fdd)
    assert [(r.id, r.kind, r.document, r.title) for r in result.requirements] == [
        ("FR1", "FR", "prd.md", "Stages."),
        ("NFR1", "NFR", "fdd.md", "p95 under 5 ms."),
    ]
    assert result.acceptance_criteria == []
    assert not [f for f in result.findings if f.rule == CONFLICT_RULE]


# ---------------------------------------------------------------------------------------------
# requirements.yml variants

NESTED = """\
version: 1
feature: demo
requirements:
- id: FR-001
  title: Render blocks in order.
  status: verified
  acceptance_criteria:
  - id: AC-001
    title: Given a page, when it renders, then blocks keep order.
    status: verified
    verification_method: automated
    proofs:
    - type: test
      ref: test/render_test.exs
    - test/other_test.exs
- id: FR-002
  title: Escape text.
  status: implemented
  acceptance_criteria:
  - id: AC-002
    title: Markup is escaped.
    status: pending
    verification_method: hybrid
    proofs: []
"""


def test_nested_yaml_with_proofs_and_statuses():
    result = yml(NESTED)
    assert [(r.id, r.status, r.line, r.acceptance) for r in result.requirements] == [
        ("FR-001", "verified", 4, ["AC-001"]),
        ("FR-002", "implemented", 16, ["AC-002"]),
    ]
    first, second = result.acceptance_criteria
    assert (first.id, first.cites, first.given_when_then, first.status, first.verification_method) == (
        "AC-001",
        ["FR-001"],
        True,
        "verified",
        "automated",
    )
    assert [(p.type, p.ref) for p in first.proofs] == [
        ("test", "test/render_test.exs"),
        (None, "test/other_test.exs"),
    ]
    assert (second.status, second.verification_method, second.proofs, second.line) == (
        "pending",
        "hybrid",
        [],
        20,
    )
    assert result.findings == []


def test_flat_yaml_with_id_last_and_cite_keys():
    result = yml(
        """
        work_item: demo
        requirements:
        - title: Torus shall fall back
            to the cookie path.
          id: FR-014
        - {id: NFR-1, title: Fast}
        acceptance_criteria:
        - title: Given no capability, when a user launches, then the cookie path is used.
          id: AC-010
          requirements: [FR-014]
        - id: AC-011
          title: Launch is fast.
          covers: NFR-1
          verification_method: manual
        - id: AC-012
          title: Unlinked.
        """
    )
    assert [(r.id, r.kind, r.title) for r in result.requirements] == [
        ("FR-014", "FR", "Torus shall fall back to the cookie path."),
        ("NFR-1", "NFR", "Fast"),
    ]
    assert criteria(result) == [
        ("AC-010", ["FR-014"], True),
        ("AC-011", ["NFR-1"], False),
        ("AC-012", [], False),
    ]


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


def test_yaml_keyed_by_id_and_criteria_listed_by_id():
    result = yml(
        """
        requirements:
          FR-001:
            title: Render
            acceptance_criteria: [AC-001, AC-404]
          FR-002: Escape
        acceptance_criteria:
          AC-001: {title: "Given a, when b, then c"}
        """
    )
    assert [(r.id, r.title) for r in result.requirements] == [("FR-001", "Render"), ("FR-002", "Escape")]
    assert criteria(result) == [("AC-001", ["FR-001"], True)]
    [finding] = result.findings
    assert "AC-404" in finding.message and finding.severity == "warning"


def test_yaml_given_when_then_keys():
    result = yml("acceptance_criteria:\n- id: AC-1\n  given: a page\n  when: it renders\n  then: it shows\n")
    assert result.acceptance_criteria[0].text == "Given a page When it renders Then it shows"
    assert result.acceptance_criteria[0].given_when_then


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("requirements:\n- id: FR-001\n  title: [unclosed\n", 4),
        ("requirements:\n  - id: FR-001\n   title: bad indent\n", 3),
        ("requirements:\n- id: FR-001\n  title: x\n\tstatus: tab\n", 4),
    ],
)
def test_malformed_yaml_is_a_finding_naming_file_and_line(text, line):
    result = yml(text, name="requirements_bulk.yml")
    assert result.requirements == []
    [finding] = result.findings
    assert (finding.rule, finding.document, finding.line) == (YAML_RULE, "requirements_bulk.yml", line)
    assert f"line {line}" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "just a string",
        "- 1\n- [2]\n- {id: 3}\n",
        "requirements: 5\n",
        "requirements:\n- id: REQ-1\n  title: wrong scheme\n- title: no id\n",
        "requirements:\n- id: FR-1\n  acceptance_criteria:\n  - [nested, list]\n  - id: AC-1\n    proofs: [{type: t}, 7]\n",
        "a: &a [1, 2]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nrequirements: [*c, *c, *c, *c, *c]\n",
        "requirements:\n" + "  - " * 200 + "x\n",
        "? [complex, key]\n: value\nrequirements: []\n",
    ],
)
def test_odd_yaml_never_raises(text):
    result = yml(text)
    assert all(f.rule in (PARSE_RULE, YAML_RULE) for f in result.findings)


def test_yaml_criterion_with_a_foreign_id_is_read_as_unnumbered():
    result = yml(
        "requirements:\n- id: FR-1\n  acceptance_criteria:\n  - id: SC-1\n    title: Works.\n"
        "    proofs:\n    - type: test\n"
    )
    assert criteria(result) == [(None, ["FR-1"], False)]
    lines = {f.line: f.message for f in result.findings}
    assert "'SC-1' is not an AC id" in lines[4]
    assert "no 'ref'" in lines[7]
    assert "has no title" in lines[2]


def test_duplicate_yaml_key_is_reported_and_last_wins():
    result = yml("requirements:\n- id: FR-001\n  title: first\n  title: second\n")
    assert result.requirements[0].title == "second"
    [finding] = result.findings
    assert finding.line == 4 and "twice" in finding.message


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


def test_lookup_by_any_spelling():
    result = yml(NESTED)
    assert result.requirement("FR1") is result.requirements[0]
    assert result.criterion("ac-2").id == "AC-002"
    assert result.requirement("FR-9") is None


# ---------------------------------------------------------------------------------------------
# Notes


def notes(text: str) -> list[tuple[str, str]]:
    return [(n.kind, n.text) for n in extract_notes(textwrap.dedent(text), "prd.md")]


def test_notes_as_labels_over_nested_bullets():
    assert notes(
        """
        ## 14. Open Questions & Assumptions
        - Assumptions:
          - Admins can read the docs.
          - Only two elements matter?
        - Open Questions:
          - Do we dedupe images?
        """
    ) == [
        ("assumption", "Admins can read the docs."),
        ("assumption", "Only two elements matter?"),
        ("open_question", "Do we dedupe images?"),
    ]


def test_notes_as_paragraph_labels_and_subheadings():
    assert notes(
        """
        ## 14. Open Questions & Assumptions
        Assumptions:
        - Breakers reset on restart.

        ### Open Questions
        - What pool sizes?
          Answer: eight, per environment.
          - a detail, not a question
        - N/A

        ### Assumptions
        We assume one cluster.
        """
    ) == [
        ("assumption", "Breakers reset on restart."),
        ("open_question", "What pool sizes? Answer: eight, per environment."),
        ("assumption", "We assume one cluster."),
    ]


def test_notes_in_mixed_section_without_labels_split_by_question_mark():
    assert notes("## Open Questions & Assumptions\n- Do we need X?\n- X is cached.\n") == [
        ("open_question", "Do we need X?"),
        ("assumption", "X is cached."),
    ]


def test_notes_only_under_labels_in_a_requirements_and_assumptions_section():
    assert notes(
        """
        **Requirements & Assumptions**
        Functional Requirements
        - FR1: not a note

        Explicit Assumptions
        - A1: fixed steps
        - **Explicit Assumptions**
          - nested assumption
        - What we know:
          - not a note
        - Unknowns to confirm:
          - the bucket name
        - Assumption: inline one

        **Open Questions & Follow-ups**
        - Q1: Should we?
        """
    ) == [
        ("assumption", "A1: fixed steps"),
        ("assumption", "nested assumption"),
        ("open_question", "the bucket name"),
        ("assumption", "inline one"),
        ("open_question", "Q1: Should we?"),
    ]


def test_plan_clarifications_are_assumptions():
    assert notes(
        "## Clarifications (defaults if not resolved)\n1. **Scope**: per config.\n## Phase 1: X\n- y\n"
    ) == [("assumption", "**Scope**: per config.")]


# ---------------------------------------------------------------------------------------------
# Markers


def test_markers_with_lines_outside_code():
    text = textwrap.dedent(
        """\
        # Plan
        - [ ] TODO: wire the flag
        Owner: TBD
        TBDs and todo and `TODO` and xTODO do not count.

        ```
        TODO in a fence
        ```

            FIXME in indented code
        <!-- FIXME: real one -->
        TBD, TBD
        """
    )
    found = [(m.kind, m.line) for m in find_markers(text, "plan.md")]
    assert found == [("TODO", 2), ("TBD", 3), ("FIXME", 11), ("TBD", 12), ("TBD", 12)]
    assert find_markers(text, "plan.md")[0].text == "- [ ] TODO: wire the flag"


def test_markers_in_yaml_are_read_line_by_line():
    text = "requirements:\n- id: FR-1\n  title: TBD  # TODO name it\n"
    assert [(m.kind, m.line) for m in find_markers(text, "requirements.yml")] == [("TBD", 3), ("TODO", 3)]
