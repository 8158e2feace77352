"""The gate summary a persona's prompt opens with: the stage, and first of all any gate it builds on that fails."""

from __future__ import annotations

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.gate_report import GateReport
from torus_mcp.specs.rules.approvals import stale_notice
from torus_mcp.specs.rules.base import GATE_DOCS, GateName
from torus_mcp.specs.rules.registry import RULES

PERSONA_GATES: dict[str, tuple[GateName | None, tuple[GateName, ...]]] = {
    "analyze": ("prd", ()),
    "architect": ("fdd", ("prd",)),
    "plan": ("plan", ("prd", "fdd")),
    "develop": (None, ("prd", "fdd", "plan")),
}
"""persona -> (the gate of the document it finalizes, the gates that must pass before it starts)."""

_LISTED_ERRORS = 8
_MARK = {True: "passes", False: "fails"}


def summarize_gate(report: GateReport, for_persona: str) -> str:
    """A short Markdown gate summary to open a persona's prompt with.

    When a gate the persona builds on fails (architect needs prd, plan needs prd and fdd, develop
    needs all three), the summary says so first and lists the blocking findings with their fixes,
    so the persona does not silently build on an unfinished document.
    """
    persona = for_persona.strip().lower()
    own, prerequisites = PERSONA_GATES.get(persona, ("plan", ()))
    lines = stale_notice(report, [GATE_DOCS[g] for g in prerequisites], GATE_DOCS[own] if own else None)
    failing = [g for g in prerequisites if (r := report.gate(g)) is not None and not r.passed]
    unchecked = [g for g in prerequisites if report.gate(g) is None]
    if failing:
        names = " and ".join(f"the {g} gate" for g in failing)
        docs = ", ".join(GATE_DOCS[g] for g in failing)
        lines.append(
            f"**Stop: {names} of `{report.feature}` {'fail' if len(failing) > 1 else 'fails'}.** "
            f"The {persona} persona builds on a finalized {docs}. Before going on, fix these errors (or ask "
            "the user whether to proceed anyway):"
        )
        lines.append("")
        blocking = [f for f in report.findings if f.severity == "error" and _gate_of(f) in failing]
        lines.extend(_finding_line(f) for f in blocking[:_LISTED_ERRORS])
        if len(blocking) > _LISTED_ERRORS:
            lines.append(
                f"- … and {len(blocking) - _LISTED_ERRORS} more: call `check_gates` for the full list."
            )
        lines.append("")
    status = ", ".join(f"{g.gate} {_MARK[g.passed]}" for g in report.gates) or "no gate evaluated"
    progress = f"; {report.tasks_done}/{report.tasks_total} plan tasks ticked" if report.tasks_total else ""
    nxt = f"; next open phase: {report.next_phase}" if report.next_phase and persona == "develop" else ""
    lines.append(f"**Gate status of `{report.feature}`:** stage `{report.stage}` ({status}){progress}{nxt}.")
    if unchecked:
        lines.append(f"Not checked: the {', '.join(unchecked)} gate(s).")
    own_result = report.gate(own) if own else None
    if own and own_result is not None and own not in failing:
        own_findings = [
            f for f in report.findings if _gate_of(f) == own and f.severity in ("error", "warning")
        ]
        doc = GATE_DOCS[own]
        if not own_findings:
            lines.append(f"Your document's gate ({own}, {doc}) passes with no findings.")
        elif own_result.passed:
            lines.append(
                f"Your document's gate ({own}, {doc}) passes with {own_result.warnings} warning(s), advice "
                f"only: {_rule_counts(own_findings)}. Call `check_gates` for lines and fixes."
            )
        else:
            lines.append(
                f"Your document's gate ({own}, {doc}) fails: {own_result.errors} error(s), "
                f"{own_result.warnings} warning(s): {_rule_counts(own_findings)}. Finalizing {doc} means "
                "fixing the errors; call `check_gates` for lines and fixes."
            )
    return "\n".join(lines) + "\n"


def _gate_of(finding: Finding) -> str | None:
    rule = RULES.get(finding.rule)
    if rule is None:
        return None
    if rule.gate != "all":
        return rule.gate
    if finding.document == "fdd.md":
        return "fdd"
    if finding.document == "plan.md":
        return "plan"
    return "prd"


def _finding_line(finding: Finding) -> str:
    where = finding.document or ""
    if finding.line:
        where += f" line {finding.line}"
    fix = f" Fix: {finding.fix}" if finding.fix else ""
    return f"- `{finding.rule}` ({where}): {finding.message}{fix}"


def _rule_counts(findings: list[Finding]) -> str:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    return ", ".join(f"{rule} ×{n}" if n > 1 else rule for rule, n in counts.items())
