"""The Markdown section model: headings, numbers, line ranges, pseudo-headings and exact text."""

from __future__ import annotations

from textwrap import dedent

import pytest
from pydantic import ValidationError

from tests.specs.section_samples import FDD_BOLD, PRD
from torus_mcp.specs.section_lookup import find_section
from torus_mcp.specs.sections import parse_sections, section_span, section_text


def titles(sections):
    return [(s.level, s.number, s.title) for s in sections]


def test_numbered_and_unnumbered_headings_in_document_order():
    sections = parse_sections(PRD)
    assert titles(sections) == [
        (1, None, "Feature — PRD"),
        (2, "1", "Overview"),
        (2, "2", "Goals & Non-Goals"),
        (3, None, "Goals"),
        (3, None, "Non-Goals"),
        (2, "3", "Functional Requirements"),
        (3, "3.1", "Routing"),
        (3, "3.2", "Budgets"),
        (2, "7", "Acceptance Criteria (Testable)"),
        # A year is not a section number: a lone number needs a dot after it.
        (2, None, "2026 Roadmap"),
    ]
    assert sections[1].heading == "## 1. Overview"
    assert all(not s.pseudo for s in sections)


def test_end_line_includes_subsections_and_trailing_blank_lines():
    sections = {s.title: s for s in parse_sections(PRD)}
    lines = PRD.split("\n")
    goals = sections["Goals & Non-Goals"]
    assert (goals.line, goals.end_line) == (6, 11)
    assert lines[goals.end_line - 1] == ""  # the blank line before "## 3." belongs to section 2
    assert sections["Goals"].end_line == 8  # ends before "### Non-Goals" (same level)
    assert sections["Functional Requirements"].end_line == 17  # 3.1 and 3.2 included
    assert sections["Feature — PRD"].end_line == len(PRD.splitlines())
    assert sections["2026 Roadmap"].end_line == len(PRD.splitlines())  # last section runs to the end


def test_section_text_is_the_exact_lines():
    section = find_section(parse_sections(PRD), "3")
    assert section_text(PRD, section) == (
        "## 3. Functional Requirements\n### 3.1 Routing\ntext\n### 3.2 Budgets\ntext\n\n"
    )
    start, end = section_span(PRD, section)
    assert PRD[start:end] == section_text(PRD, section)


def test_sections_of_one_level_tile_the_document():
    sections = [s for s in parse_sections(PRD) if s.level == 2]
    preamble_end = sections[0].line - 1
    rebuilt = "".join(PRD.splitlines(keepends=True)[:preamble_end]) + "".join(
        section_text(PRD, s) for s in sections
    )
    assert rebuilt == PRD


def test_bold_lines_are_pseudo_headings():
    sections = parse_sections(FDD_BOLD)
    assert [(s.title, s.line, s.end_line, s.pseudo, s.level) for s in sections] == [
        ("Executive Summary", 1, 3, True, 7),
        ("Requirements & Assumptions", 4, 10, True, 7),
        ("Proposed Design", 11, 14, True, 7),
    ]
    assert sections[1].heading == "**Requirements & Assumptions:**"
    assert find_section(sections, "proposed design").line == 11


def test_real_heading_ends_a_pseudo_section_but_not_the_reverse():
    text = "## 1. Design\n**Part A**\na\n\n**Part B**\nb\n## 2. Next\nc\n"
    sections = {s.title: s for s in parse_sections(text)}
    assert sections["Design"].end_line == 6  # pseudo-headings are its subsections
    assert (sections["Part A"].line, sections["Part A"].end_line) == (2, 4)
    assert sections["Part B"].end_line == 6
    assert sections["Next"].number == "2"


def test_fenced_and_indented_code_never_produce_headings():
    text = dedent(
        """\
        ## 1. Overview
        ```markdown
        # Not a heading
        ## 2. Not a section
        **Not bold heading**
        ```
        ~~~
        ## also not
        ~~~

            ## indented code, not a heading

        ## 2. Real
        """
    )
    sections = parse_sections(text)
    assert [s.title for s in sections] == ["Overview", "Real"]
    assert sections[0].end_line == 12


def test_crlf_and_lf_give_the_same_sections_and_exact_text():
    crlf = PRD.replace("\n", "\r\n")
    assert [s.model_dump() for s in parse_sections(crlf)] == [s.model_dump() for s in parse_sections(PRD)]
    section = find_section(parse_sections(crlf), "2")
    assert section_text(crlf, section) == section_text(PRD, section).replace("\n", "\r\n")


def test_setext_headings_and_closing_hashes():
    text = "Title\n=====\n\nPart\n----\nbody\n\n## 3. Closed ##\n"
    sections = parse_sections(text)
    assert [(s.level, s.title, s.line, s.heading) for s in sections] == [
        (1, "Title", 1, "Title"),
        (2, "Part", 4, "Part"),
        (2, "Closed", 8, "## 3. Closed ##"),
    ]
    assert sections[1].end_line == 7


def test_text_without_final_newline():
    text = "# A\nx\n## B\ny"
    sections = parse_sections(text)
    assert [(s.line, s.end_line) for s in sections] == [(1, 4), (3, 4)]
    assert section_text(text, sections[1]) == "## B\ny"


@pytest.mark.parametrize("text", ["", "#", "**", "****\n", "# \n", "\r\n\r\n", "- [ ]\n#\n**x", "\x00#\x00"])
def test_odd_input_never_raises(text):
    for section in parse_sections(text):
        assert 1 <= section.line <= section.end_line


def test_headings_in_block_quotes_and_list_items_are_not_sections():
    text = "## 1. Real\n> ## Quoted\n- ## In a list\n\n## 2. Next\n"
    assert [s.title for s in parse_sections(text)] == ["Real", "Next"]


def test_cached_sections_cannot_be_changed_by_a_caller():
    first = parse_sections(PRD)
    with pytest.raises(ValidationError):
        first[0].title = "changed"
    first.pop()
    assert parse_sections(PRD)[0].title == "Feature — PRD"
    assert len(parse_sections(PRD)) == len(first) + 1


def test_a_lone_number_without_a_dot_is_part_of_the_title():
    sections = parse_sections("## 10 Things to Check\n## 7. Overview\n## 3.2 Budgets\n## 12) Risks\n")
    assert [(s.number, s.title) for s in sections] == [
        (None, "10 Things to Check"),
        ("7", "Overview"),
        ("3.2", "Budgets"),
        ("12", "Risks"),
    ]
