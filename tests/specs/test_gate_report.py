"""The gate report: it passes when every evaluated gate passes and the asked-for stage is reached."""

from __future__ import annotations

import pytest

from torus_mcp.specs.gate_report import GateReport, GateResult


def report(stage: str, target: str | None, *passed: bool) -> GateReport:
    gates = [
        GateResult(gate=name, passed=ok, errors=0 if ok else 1, warnings=0)
        for name, ok in zip(("prd", "fdd", "plan"), passed, strict=False)
    ]
    return GateReport(
        feature="f",
        stage=stage,
        target=target,
        gates=gates,
        findings=[],
        tasks_done=0,
        tasks_total=0,
        next_phase=None,
    )


@pytest.mark.parametrize(
    ("stage", "target", "passed", "expected"),
    [
        ("developing", None, (True, True, True), True),
        ("none", None, (False, True, True), False),
        ("prd", "prd", (True,), True),
        ("plan", "developing", (True, True, True), False),
        ("developing", "developing", (True, True, True), True),
        ("done", "developing", (True, True, True), True),
        ("developing", "done", (True, True, True), False),
    ],
)
def test_passed(stage, target, passed, expected):
    result = report(stage, target, *passed)
    assert result.passed is expected
    assert result.model_dump()["passed"] is expected


def test_gate_lookup_by_name():
    result = report("prd", "fdd", True, False)
    assert result.gate("fdd").errors == 1
    assert result.gate("plan") is None
