"""The requirement model of a spec pack: FR/NFR requirements, acceptance criteria, their proofs, and
the finding rules the requirement readers report under.

:mod:`torus_mcp.specs.requirements.extract` builds a :class:`RequirementSet` from a pack's documents.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import normalize_id

PARSE_RULE = "PARSE-REQUIREMENTS"
"""Something requirement-like that could not be placed (no id, malformed entry, duplicate ...)."""
YAML_RULE = "PARSE-YAML"
"""A requirements YAML file that is not valid YAML."""
CONFLICT_RULE = "REQ-CONFLICT"
"""The same id with a different title in two sources (info: the first source wins)."""


class Proof(BaseModel):
    """Evidence that an acceptance criterion holds, e.g. ``{type: test, ref: test/x_test.exs}``."""

    type: str | None = None
    ref: str


class Requirement(BaseModel):
    """One functional (FR) or non-functional (NFR) requirement."""

    id: str
    """As written in its first source: "FR-001", "FR1", "NFR-002"."""
    kind: Literal["FR", "NFR"]
    title: str
    """The description text."""
    status: str | None = None
    """requirements.yml status when present (proposed, verified_fdd, verified_plan, verified, ...)."""
    document: str
    """Where it is defined first: "requirements.yml", "prd.md", "fdd.md" ..."""
    line: int | None = None
    acceptance: list[str] = Field(default_factory=list)
    """Ids of the acceptance criteria attached to it (YAML nesting or ACs citing it)."""
    proofs: list[Proof] = Field(default_factory=list)
    """Requirement-level proofs from YAML (rare; most proofs sit on acceptance criteria)."""
    sources: list[str] = Field(default_factory=list)
    """Every document that defines it, ``document`` first."""


class AcceptanceCriterion(BaseModel):
    """One acceptance criterion."""

    id: str | None
    """"AC-001", "AC-004b"; None for an unnumbered Given/When/Then item or criteria list item."""
    text: str
    cites: list[str] = Field(default_factory=list)
    """FR/NFR ids it cites: from "(FR-001, FR-002)", from its text, or from the YAML/list/heading it
    is nested under."""
    given_when_then: bool = False
    """True when the text reads Given ... when ... then (one line or several)."""
    status: str | None = None
    verification_method: str | None = None
    proofs: list[Proof] = Field(default_factory=list)
    document: str
    line: int | None = None
    sources: list[str] = Field(default_factory=list)
    """Every document that defines it, ``document`` first."""


class RequirementSet(BaseModel):
    """Requirements and acceptance criteria of a pack, and what could not be placed."""

    requirements: list[Requirement] = Field(default_factory=list)
    acceptance_criteria: list[AcceptanceCriterion] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)

    def requirement(self, id: str) -> Requirement | None:
        """The requirement with this id in any spelling ("FR1" finds "FR-001")."""
        wanted = normalize_id(id)
        return next((r for r in self.requirements if normalize_id(r.id) == wanted), None)

    def criterion(self, id: str) -> AcceptanceCriterion | None:
        """The acceptance criterion with this id in any spelling ("AC-4b" finds "AC-004b")."""
        wanted = normalize_id(id)
        return next(
            (c for c in self.acceptance_criteria if c.id is not None and normalize_id(c.id) == wanted), None
        )


_GWT_RE = re.compile(r"\bgiven\b.*?\bwhen\b.*?\bthen\b", re.IGNORECASE | re.DOTALL)


def is_given_when_then(text: str) -> bool:
    """True when ``text`` reads Given ... when ... then, on one line or several."""
    return bool(_GWT_RE.search(text))
