"""FR / NFR / AC ids: the one normalized form they are matched by, and their kind."""

from __future__ import annotations

import pytest

from torus_mcp.specs.ids import id_kind, ids_in, normalize_id


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


def test_an_id_glued_to_a_word_by_an_underscore_is_not_an_id():
    assert ids_in("MY_FR-001 is a constant; FR-002 and NFR-3 are cited") == ["FR-002", "NFR-3"]
