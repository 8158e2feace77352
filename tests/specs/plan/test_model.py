"""The plan model: computed counts are part of what tools return."""

from __future__ import annotations


def test_done_and_total_are_serialized(plan):
    dumped = plan.model_dump()
    assert (dumped["phases"][0]["done"], dumped["phases"][0]["total"]) == (2, 2)
    assert "done" in plan.model_json_schema(mode="serialization")["$defs"]["Phase"]["properties"]
