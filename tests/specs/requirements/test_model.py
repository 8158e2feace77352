"""The requirement set answers lookups by any spelling of an id."""

from __future__ import annotations

from tests.specs.requirements.samples import NESTED, yml


def test_lookup_by_any_spelling():
    result = yml(NESTED)
    assert result.requirement("FR1") is result.requirements[0]
    assert result.criterion("ac-2").id == "AC-002"
    assert result.requirement("FR-9") is None
