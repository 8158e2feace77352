"""Ids cited in a text: spelling kept, order of first appearance, ranges expanded."""

from __future__ import annotations

from torus_mcp.specs.requirements.citations import cited_requirement_ids, find_ids


def test_find_ids_keeps_spelling_order_and_expands_ranges():
    text = "covers FR-009–FR-011, then FR1 and NFR-2; AC-004b; also FR-009 again; not xFR-5 or FR-12345"
    assert find_ids(text) == ["FR-009", "FR-010", "FR-011", "FR1", "NFR-2", "AC-004b"]
    assert cited_requirement_ids("FR-1 to FR-3") == ["FR-1", "FR-2", "FR-3"]
    assert cited_requirement_ids("(#ac-001) [AC-001](#ac-001)") == []


def test_a_range_expands_to_at_most_fifty_ids_past_its_first():
    assert len(cited_requirement_ids("FR-1–FR-51")) == 51
    assert cited_requirement_ids("FR-1–FR-52") == ["FR-1", "FR-52"]  # too wide to be a range
    assert cited_requirement_ids("FR-3–FR-2") == ["FR-3", "FR-2"]  # backwards is no range either
