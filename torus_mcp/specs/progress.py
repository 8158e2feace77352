"""Where a plan stands: tasks done per phase and the next phase with an open task."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from torus_mcp.specs.findings import Finding

if TYPE_CHECKING:
    from torus_mcp.specs.plan.model import Plan


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


class PlanStatus(BaseModel):
    feature: str
    has_checkboxes: bool
    done: int
    total: int
    phases: list[PhaseStatus]
    next_phase: str | None = Field(description="The first phase with an open task, or null when all are done")
    next_phase_number: int | None
    next_phase_key: str | None = None
    findings: list[Finding]


def plan_status(feature: str, plan: Plan) -> PlanStatus:
    from torus_mcp.specs.plan.lookup import next_open_phase

    phases = [
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
        )
        for p in plan.phases
    ]
    upcoming = next_open_phase(plan)
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
