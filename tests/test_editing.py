"""Replacing one section of a Markdown document: the rest of the bytes stay as they were."""

from __future__ import annotations

from torus_mcp.editing import replace_section
from torus_mcp.specs.section_lookup import find_section
from torus_mcp.specs.sections import parse_sections


def test_a_new_body_in_a_crlf_document_gets_crlf_line_endings() -> None:
    text = "# Doc\r\n\r\n## A\r\nold\r\n\r\n## B\r\nkept\r\n"
    section = find_section(parse_sections(text), "A")
    assert replace_section(text, section, "new one\nnew two\n") == (
        "# Doc\r\n\r\n## A\r\n\r\nnew one\r\nnew two\r\n\r\n## B\r\nkept\r\n"
    )


def test_replacing_the_last_section_of_a_document_without_a_final_newline_adds_none() -> None:
    text = "# Doc\n\n## A\nold"
    section = find_section(parse_sections(text), "A")
    assert replace_section(text, section, "new\n") == "# Doc\n\n## A\n\nnew"


def test_content_opening_with_blank_lines_then_a_heading_replaces_the_heading() -> None:
    text = "# Doc\n\n## A\nold\n\n## B\nkept\n"
    section = find_section(parse_sections(text), "A")
    replaced = replace_section(text, section, "\n\n## A, renamed\nnew\n")
    assert (
        "## A\n" not in replaced and "## A, renamed\nnew\n" in replaced and replaced.endswith("## B\nkept\n")
    )
