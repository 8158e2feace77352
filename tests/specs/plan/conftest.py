"""The parsed sample plan shared by the plan tests."""

from __future__ import annotations

import pytest

from tests.specs.plan.samples import PLAN
from torus_mcp.specs.plan.model import Plan
from torus_mcp.specs.plan.parse import parse_plan


@pytest.fixture
def plan() -> Plan:
    return parse_plan(PLAN)
