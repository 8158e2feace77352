"""Finding a section by its printed number or heading text; what is said when none or several match."""

from __future__ import annotations

import pytest

from tests.specs.section_samples import PRD
from torus_mcp.specs.section_lookup import SectionLookupError, find_section
from torus_mcp.specs.sections import parse_sections


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("7", "Acceptance Criteria (Testable)"),
        ("7.", "Acceptance Criteria (Testable)"),
        ("Section 7", "Acceptance Criteria (Testable)"),
        ("section 3.2", "Budgets"),
        ("3.2", "Budgets"),
        ("Acceptance Criteria", "Acceptance Criteria (Testable)"),  # parenthetical suffix ignored
        ("acceptance criteria (testable)", "Acceptance Criteria (Testable)"),
        ("7. Acceptance Criteria", "Acceptance Criteria (Testable)"),
        ("## 1. Overview", "Overview"),
        ("OVERVIEW", "Overview"),
        ("goals and non-goals", "Goals & Non-Goals"),  # "&" == "and"
        ("Goals", "Goals"),  # exact title wins over the prefix of "Goals & Non-Goals"
        ("goals and", "Goals & Non-Goals"),  # unique prefix
        ("functional", "Functional Requirements"),
        ("requirements functional", "Functional Requirements"),  # word set
        ("2026 roadmap", "2026 Roadmap"),
    ],
)
def test_find_section(query, title):
    assert find_section(parse_sections(PRD), query).title == title


def test_unknown_section_lists_the_sections():
    with pytest.raises(SectionLookupError) as caught:
        find_section(parse_sections(PRD), "Glossary")
    message = str(caught.value)
    assert message.startswith(
        "no section 'Glossary' in this document; sections: Feature — PRD, 1. Overview, 2. Goals & Non-Goals"
    )
    assert "3.2 Budgets" in message
    assert not caught.value.ambiguous
    assert len(caught.value.candidates) == 10


def test_unknown_number_is_not_found():
    with pytest.raises(SectionLookupError, match="no section '12'"):
        find_section(parse_sections(PRD), "12")


def test_ambiguous_number_lists_candidates_with_lines():
    text = "## 17. Follow-On Design\nx\n\n## 17. References\ny\n"
    sections = parse_sections(text)
    with pytest.raises(SectionLookupError) as caught:
        find_section(sections, "17")
    assert caught.value.ambiguous
    assert [s.line for s in caught.value.candidates] == [1, 4]
    assert "17. Follow-On Design (line 1)" in str(caught.value)
    assert "17. References (line 4)" in str(caught.value)
    assert find_section(sections, "References").line == 4
    assert find_section(sections, "17. References").line == 4


def test_ambiguous_prefix_lists_candidates():
    sections = parse_sections("## Risks & Mitigations\n\n## Risk Register\n")
    with pytest.raises(SectionLookupError, match="ambiguous") as caught:
        find_section(sections, "risk")
    assert len(caught.value.candidates) == 2


def test_lookup_in_a_document_without_headings():
    with pytest.raises(SectionLookupError, match="no headings"):
        find_section(parse_sections("just text\n"), "Overview")


@pytest.mark.parametrize(
    "query", ["Section 7: Acceptance Criteria", "7: acceptance criteria", "7) Acceptance"]
)
def test_number_and_text_together(query):
    assert find_section(parse_sections(PRD), query).number == "7"


def test_number_and_text_that_disagree_are_not_found():
    with pytest.raises(SectionLookupError, match=r"no section '7\. Overview'"):
        find_section(parse_sections(PRD), "7. Overview")


def test_a_leading_number_no_section_has_stays_part_of_the_title():
    sections = parse_sections("## Roadmap\nlater\n\n## 2026 Roadmap\nthis year\n")
    assert find_section(sections, "2026 Roadmap").line == 4
