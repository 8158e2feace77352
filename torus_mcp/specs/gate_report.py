"""The gate report model, apart from the rules so the server can publish its schema cheaply at start-up."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, computed_field

from torus_mcp.specs.findings import Finding

Stage = Literal["none", "prd", "fdd", "plan", "developing", "done"]
STAGES: tuple[Stage, ...] = ("none", "prd", "fdd", "plan", "developing", "done")


class GateResult(BaseModel):
    """One gate's outcome."""

    gate: str
    passed: bool
    errors: int
    warnings: int


class GateReport(BaseModel):
    """Where a feature stands and why."""

    feature: str
    stage: Stage
    """The last gate passed, in order (capped at ``target`` when one was asked for)."""
    target: Stage | None
    """The stage the check was asked to evaluate up to; None means every gate."""
    gates: list[GateResult]
    """The gates evaluated, in order prd, fdd, plan."""
    findings: list[Finding]
    """Findings of the evaluated gates' rules, in gate order, then the parser's own notes (PARSE-* ids,
    never blocking)."""
    tasks_done: int
    tasks_total: int
    next_phase: str | None
    """The first phase with an open task, e.g. "Phase 2: Preview Links"; None when there is none."""
    approved: list[str] = []
    """Documents approved with approve_doc whose content is still what was approved."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        """Every evaluated gate passes and, with a target of developing or done, that stage is reached."""
        if not all(gate.passed for gate in self.gates):
            return False
        return self.target is None or STAGES.index(self.stage) >= STAGES.index(self.target)

    def gate(self, name: str) -> GateResult | None:
        return next((g for g in self.gates if g.gate == name), None)
