"""The plan model: phases of plan.md with their goal, tasks, definition of done and gate criteria.

Real plans vary: ``## Phase N: Name``, ``## Phase N. Name``, ``### Phase N — Name``, numbering from
0 or 1, status suffixes such as ``(Complete)``, labels written as ``Tasks:``, ``- Tasks:`` or
``- **Tasks**``, and trailing sections (Phase Gate Summary, Risks) that are not phases, sometimes
followed by one more phase. Tasks are checkbox items (``- [ ]`` / ``- [x]``); plans without any
checkbox list them as plain bullets under a ``Tasks:`` label, and those count as open tasks.
:mod:`torus_mcp.specs.plan.parse` reads them from the text.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, computed_field

from torus_mcp.specs.findings import Finding

DOCUMENT = "plan.md"

_REMOVED_RE = re.compile(r"\b(?:removed|dropped|cancell?ed|superseded)\b", re.IGNORECASE)


class Task(BaseModel):
    """One task of a phase."""

    index: int
    """1-based position within its phase, in document order."""
    text: str
    """Task text without the checkbox or bullet marker."""
    done: bool
    line: int
    """1-based line of the task's list item."""
    checkbox: bool
    """False when the plan lists tasks as plain bullets under a "Tasks:" label (never done)."""
    skipped: bool = False
    """Marked not applicable (``[N/A]``, ``[-]``, ``[~]``): counts as done, nothing left to do."""
    ids: list[str]
    """FR/NFR/AC ids cited in the text (FR-001, FR1, NFR-2, AC-004b ...), in order, unique."""


class Phase(BaseModel):
    """One ``Phase N`` heading of plan.md and everything under it."""

    number: int | None
    """The number as printed (phases start at 0 or 1); None for an inserted phase such as "1.5"."""
    key: str | None = None
    """The number exactly as printed: "2", or "1.5" for an inserted phase. How tools name a phase."""
    name: str
    """Title without "Phase N", separators and status suffixes, e.g. "Core Routing"."""
    heading: str
    """The heading line as printed."""
    line: int
    end_line: int
    """Last line of the phase: before the next phase heading or a non-phase heading of the same or a
    higher level; trailing blank lines included."""
    goal: str | None
    tasks: list[Task]
    definition_of_done: list[str]
    gate_criteria: list[str]
    suffix: str | None = None
    """What was stripped from the end of the title, e.g. "(Complete)" or an italic parallelism note."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def done(self) -> int:
        """Number of ticked tasks."""
        return sum(1 for task in self.tasks if task.done)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        """Number of tasks."""
        return len(self.tasks)

    @property
    def removed(self) -> bool:
        """The heading takes the phase out of the plan ("(Removed)", "(Dropped)"): nothing in it is checked."""
        return bool(self.suffix and _REMOVED_RE.search(self.suffix))

    @property
    def label(self) -> str:
        """How the phase is named in messages: ``Phase 2: Core Routing``."""
        printed = self.key if self.key is not None else self.number
        prefix = f"Phase {printed}" if printed is not None else "Phase"
        return f"{prefix}: {self.name}" if self.name else prefix


class Plan(BaseModel):
    """The phases of a plan and what the parser could not accept."""

    phases: list[Phase]
    has_checkboxes: bool
    """False when some phase lists its tasks as plain bullets, so progress cannot be ticked."""
    findings: list[Finding]
