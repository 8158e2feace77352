"""A Markdown document as entries: which lines start a statement, table cells, code lines, nesting."""

from __future__ import annotations

import pytest

from torus_mcp.specs.entries import HEADING, ITEM, LINE, TABLE, split_cells, starts_statement, view_of


@pytest.mark.parametrize(
    ("row", "cells"),
    [
        ("| a | b |", ["a", "b"]),
        ("a | b", ["a", "b"]),
        ("| a \\| b | c |", ["a | b", "c"]),
        ("| a | b \\|", ["a", "b |"]),
        ("|  |", [""]),
    ],
)
def test_table_cells(row, cells):
    assert split_cells(row) == cells


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("FR-001: Render", True),
        ("- [ ] AC-4b (FR-1) text", True),
        ("**Given** a user", True),
        ("given a user", True),
        ("Assumptions:", True),
        ("Open questions", True),
        ("Rollout and migration notes:", True),
        ("and then it renders", False),
        ("FR-0012345 is not an id", False),
        ("a sentence that goes on: and on", False),
    ],
)
def test_which_lines_start_a_statement(line, starts):
    assert starts_statement(line) is starts


def test_view_of_a_document():
    text = (
        "# Title\n\nFR-001: one\ncontinued\nFR-002: two\n\n- item\n  - nested\n\n"
        "```\nFR-003: in code\n```\n\n| ID | Text |\n|---|---|\n| FR-004 | four |\n"
    )
    view = view_of(text)
    assert [(e.kind, e.line, e.text, e.depth) for e in view.entries] == [
        (HEADING, 1, "Title", 0),
        (LINE, 3, "FR-001: one\ncontinued", 0),
        (LINE, 5, "FR-002: two", 0),
        (ITEM, 7, "item", 1),
        (ITEM, 8, "nested", 2),
        (TABLE, 14, "", 0),
    ]
    nested = view.entries[4]
    assert nested.parent is view.entries[3] and nested.descends_from(view.entries[3])
    assert view.entries[3].children == [nested]
    table = view.entries[5].table
    assert (table.header, table.rows) == (["ID", "Text"], [(16, ["FR-004", "four"])])
    assert view.code_lines == frozenset({10, 11, 12})
    assert view_of(text) is view  # cached: one parse per text
