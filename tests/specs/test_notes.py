"""Assumptions and open questions: headings, labels and inline forms."""

from __future__ import annotations

import textwrap

from torus_mcp.specs.notes import extract_notes


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
