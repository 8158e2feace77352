"""Where a plan stands: per phase, the tasks ticked, what the phase's execution record and
progress.md say, and a verdict with the evidence it rests on; the next phase is the first one that
is neither ticked nor recorded as done."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.records import ExecutionRecord, PackRecords

if TYPE_CHECKING:
    from torus_mcp.specs.plan.model import Phase, Plan

_HEADING_DONE_RE = re.compile(
    r"\b(?:complete|completed|done|finished|shipped|merged)\b|[✅✔☑✓]", re.IGNORECASE
)

Verdict = Literal["done", "in_progress", "not_started", "removed"]


class TaskStatus(BaseModel):
    index: int = Field(description="1-based number within the phase, as update_task takes it")
    text: str
    done: bool
    line: int
    checkbox: bool
    ids: list[str]


class PhaseStatus(BaseModel):
    number: int | None
    key: str | None = Field(
        default=None, description='The phase number as printed ("2", "1.5"); pass it as phase'
    )
    name: str
    heading: str
    line: int
    done: int
    total: int
    tasks: list[TaskStatus]
    record: ExecutionRecord | None = Field(default=None, description="The phase's execution record, if any")
    verdict: Verdict
    evidence: list[str] = Field(description="What the verdict rests on")


class PlanStatus(BaseModel):
    feature: str
    has_checkboxes: bool
    done: int
    total: int
    phases: list[PhaseStatus]
    next_phase: str | None = Field(
        description="The first phase neither ticked nor recorded as done, or null when all are done"
    )
    next_phase_number: int | None
    next_phase_key: str | None = None
    findings: list[Finding]


def phase_verdict(phase: Phase, records: PackRecords) -> tuple[Verdict, list[str]]:
    """The verdict on one phase and the evidence for it."""
    if phase.removed:
        return "removed", [f"heading marks it {phase.suffix}"]
    evidence: list[str] = []
    ticked = phase.total > 0 and phase.done == phase.total
    if phase.total:
        evidence.append(f"plan.md: {phase.done}/{phase.total} tasks ticked")
    record = records.record(phase.key)
    if record is not None:
        said = f", status {record.status!r}" if record.status else ""
        evidence.append(
            f"{record.document}: {record.checked}/{record.items} checklist items ticked{said}"
            + (", says the phase is complete" if record.done else "")
        )
    note = records.progress.get(phase.key) if phase.key is not None else None
    if note is not None:
        evidence.append(f"progress.md:{note.line}: {note.text}")
    headed_done = bool(phase.suffix and _HEADING_DONE_RE.search(phase.suffix))
    if headed_done:
        evidence.append(f"heading says {phase.suffix}")
    recorded_done = headed_done or (record is not None and record.done) or (note is not None and note.done)
    if ticked or recorded_done or (phase.total == 0 and record is None and note is None):
        return "done", evidence or ["no tasks"]
    if phase.done or record is not None or note is not None:
        return "in_progress", evidence
    return "not_started", evidence


def next_phase(plan: Plan, records: PackRecords) -> Phase | None:
    """The first phase that is neither ticked nor recorded as done (removed phases skipped)."""
    for phase in plan.phases:
        if phase_verdict(phase, records)[0] in ("in_progress", "not_started"):
            return phase
    return None


def plan_status(feature: str, plan: Plan, records: PackRecords | None = None) -> PlanStatus:
    records = records or PackRecords()
    phases = []
    for p in plan.phases:
        verdict, evidence = phase_verdict(p, records)
        phases.append(
            PhaseStatus(
                number=p.number,
                key=p.key,
                name=p.name,
                heading=p.heading,
                line=p.line,
                done=p.done,
                total=p.total,
                tasks=[
                    TaskStatus(
                        index=t.index, text=t.text, done=t.done, line=t.line, checkbox=t.checkbox, ids=t.ids
                    )
                    for t in p.tasks
                ],
                record=records.record(p.key),
                verdict=verdict,
                evidence=evidence,
            )
        )
    upcoming = next_phase(plan, records)
    return PlanStatus(
        feature=feature,
        has_checkboxes=plan.has_checkboxes,
        done=sum(p.done for p in phases),
        total=sum(p.total for p in phases),
        phases=phases,
        next_phase=upcoming.heading.lstrip("#").strip() if upcoming else None,
        next_phase_number=upcoming.number if upcoming else None,
        next_phase_key=upcoming.key if upcoming else None,
        findings=plan.findings,
    )
