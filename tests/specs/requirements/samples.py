"""Short ways for the requirement tests to read a text, and a nested requirements.yml sample."""

from __future__ import annotations

import textwrap

from torus_mcp.specs.requirements.extract import extract_requirements
from torus_mcp.specs.requirements.model import RequirementSet


def prd(text: str) -> RequirementSet:
    return extract_requirements(textwrap.dedent(text), {})


def yml(text: str, name: str = "requirements.yml", prd_text: str | None = None) -> RequirementSet:
    return extract_requirements(prd_text, {name: textwrap.dedent(text)})


def ids(result: RequirementSet) -> list[str]:
    return [r.id for r in result.requirements]


def criteria(result: RequirementSet) -> list[tuple[str | None, list[str], bool]]:
    return [(c.id, c.cites, c.given_when_then) for c in result.acceptance_criteria]


NESTED = """\
version: 1
feature: demo
requirements:
- id: FR-001
  title: Render blocks in order.
  status: verified
  acceptance_criteria:
  - id: AC-001
    title: Given a page, when it renders, then blocks keep order.
    status: verified
    verification_method: automated
    proofs:
    - type: test
      ref: test/render_test.exs
    - test/other_test.exs
- id: FR-002
  title: Escape text.
  status: implemented
  acceptance_criteria:
  - id: AC-002
    title: Markup is escaped.
    status: pending
    verification_method: hybrid
    proofs: []
"""
