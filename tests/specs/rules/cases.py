"""How the rule tests run a sample: write it as a real pack, load it, check its gates, and look at one rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.specs.gate_samples import replace_once, write_pack
from torus_mcp.specs.gate_report import GateReport
from torus_mcp.specs.gates import check_gates
from torus_mcp.specs.pack import load_pack
from torus_mcp.specs.rules.registry import RULES


@dataclass
class Failing:
    """A sample that breaks one rule, and the first finding it must produce."""

    docs: dict[str, str | None]
    document: str
    line: int | None
    says: str
    """A fragment the first finding's message must contain."""
    count: int = 1


def remove(text: str, fragment: str) -> str:
    return replace_once(text, fragment, "")


def report_of(tmp_path: Path, docs: dict[str, str | None]) -> GateReport:
    pack_dir = write_pack(tmp_path / "sample", **docs)
    return check_gates(load_pack(pack_dir, "sample"))


def assert_failing(tmp_path: Path, rule_id: str, case: Failing) -> None:
    """The sample makes ``rule_id`` report what ``case`` says, and blocks its gate exactly when it is an error."""
    rule = RULES[rule_id]
    report = report_of(tmp_path, case.docs)
    found = [f for f in report.findings if f.rule == rule_id]
    assert len(found) == case.count, [f.message for f in report.findings]
    finding = found[0]
    assert finding.severity == rule.severity
    assert finding.document == case.document
    assert finding.line == case.line
    assert case.says in finding.message
    assert finding.fix and len(finding.fix) > 20
    # Only errors block: the finding's gate fails exactly when the rule is an error.
    gate = rule.gate if rule.gate != "all" else {"fdd.md": "fdd", "plan.md": "plan"}.get(case.document, "prd")
    result = report.gate(gate)
    assert result is not None
    assert result.passed is (rule.severity != "error")


def assert_passing(tmp_path: Path, rule_id: str, docs: dict[str, str | None]) -> None:
    """The sample gives ``rule_id`` nothing to report."""
    report = report_of(tmp_path, docs)
    assert [f.message for f in report.findings if f.rule == rule_id] == []


def passing_cases(passing: dict[str, list[dict[str, str | None]]]) -> dict[str, object]:
    """``pytest.mark.parametrize`` arguments for every passing sample of a table, with readable ids."""
    return {
        "argnames": ("rule_id", "docs"),
        "argvalues": [(rule_id, docs) for rule_id, variants in passing.items() for docs in variants],
        "ids": [f"{rule_id}-{n}" for rule_id, variants in passing.items() for n in range(len(variants))],
    }
