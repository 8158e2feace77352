"""Findings: what a parser or gate could not accept, with where it is and how to fix it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Finding(BaseModel):
    """One observation about a spec document, precise enough for a model or a person to act on."""

    rule: str
    """Stable identifier of the rule, e.g. ``PARSE-PHASE`` or a gate id such as ``PRD-SECTIONS``."""
    severity: Literal["error", "warning", "info"]
    document: str | None = None
    """File name of the document the finding is about, e.g. ``plan.md``."""
    line: int | None = None
    """1-based line the finding points at, when it points at one."""
    message: str
    fix: str | None = None
    """What to change so the finding goes away."""
