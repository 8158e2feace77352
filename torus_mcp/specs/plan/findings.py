"""What the plan parser reports about a plan: no phases, phases without tasks or numbered twice,
"(Complete)" phases with open tasks, plain-bullet tasks, skipped tasks, checkboxes outside every phase."""

from __future__ import annotations

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.plan.headings import COMPLETE_RE
from torus_mcp.specs.plan.model import DOCUMENT, Phase
from torus_mcp.specs.plan.phase_body import CHECKBOX_RE


def plan_findings(phases: list[Phase], tokens: list) -> list[Finding]:
    """Every finding about ``phases`` (parsed from ``tokens``), in a stable order."""
    findings = _phase_findings(phases)
    plain_phases = [phase for phase in phases if phase.tasks and not phase.tasks[0].checkbox]
    if plain_phases:
        names = ", ".join(p.label for p in plain_phases)
        findings.append(
            Finding(
                rule="PARSE-CHECKBOX",
                severity="info",
                document=DOCUMENT,
                line=plain_phases[0].tasks[0].line,
                message=(
                    f"plan has no checkboxes in {names}: its tasks are plain bullets under a 'Tasks:' "
                    "label and count as open until written as checkboxes."
                ),
                fix="Write each task as '- [ ] text' (and '- [x] text' once done) so progress can be ticked.",
            )
        )
    skipped = [task for p in phases for task in p.tasks if task.skipped]
    if skipped:
        findings.append(
            Finding(
                rule="PARSE-TASK",
                severity="info",
                document=DOCUMENT,
                line=skipped[0].line,
                message=(
                    f"{len(skipped)} task(s) are marked not applicable (e.g. '[N/A]', line "
                    f"{skipped[0].line}); they count as done."
                ),
                fix="Keep '[N/A]' only for work that was dropped; use '- [ ]' for work still to do.",
            )
        )
    findings.extend(_outside_findings(tokens, phases))
    return findings


def _outside_findings(tokens: list, phases: list[Phase]) -> list[Finding]:
    """An info finding when checkbox items sit outside every phase (they count nowhere)."""
    if not phases:
        return []
    outside: list[int] = []
    for index, token in enumerate(tokens[:-2]):
        if token.type != "list_item_open" or token.map is None:
            continue
        paragraph, inline = tokens[index + 1], tokens[index + 2]
        if paragraph.type != "paragraph_open" or not CHECKBOX_RE.match(inline.content):
            continue
        line = token.map[0] + 1
        if not any(p.line < line <= p.end_line for p in phases):
            outside.append(line)
    if not outside:
        return []
    where = ", ".join(str(line) for line in outside[:10]) + (" ..." if len(outside) > 10 else "")
    return [
        Finding(
            rule="PARSE-TASK",
            severity="info",
            document=DOCUMENT,
            line=outside[0],
            message=(
                f"{len(outside)} checkbox item(s) lie outside every phase (lines {where}) and count "
                "towards no phase."
            ),
            fix="Move tasks under a '## Phase N: Name' heading, or write them as plain bullets.",
        )
    ]


def _phase_findings(phases: list[Phase]) -> list[Finding]:
    findings: list[Finding] = []
    if not phases:
        findings.append(
            Finding(
                rule="PARSE-PHASE",
                severity="warning",
                document=DOCUMENT,
                message="plan.md has no phase headings, so no phase can be developed or ticked.",
                fix="Give each phase a heading such as '## Phase 1: Name' with its tasks as '- [ ] text'.",
            )
        )
        return findings
    seen: dict[int, Phase] = {}
    for phase in phases:
        if phase.key is not None and phase.key in seen:
            first = seen[phase.key]
            findings.append(
                Finding(
                    rule="PARSE-PHASE",
                    severity="warning",
                    document=DOCUMENT,
                    line=phase.line,
                    message=(
                        f"phase number {phase.key} is used twice (line {first.line} and line "
                        f"{phase.line}); 'Phase {phase.key}' picks the first one."
                    ),
                    fix="Renumber the phases so each number appears once.",
                )
            )
        elif phase.key is not None:
            seen[phase.key] = phase
        if not phase.tasks and not phase.removed:
            findings.append(
                Finding(
                    rule="PARSE-TASK",
                    severity="warning",
                    document=DOCUMENT,
                    line=phase.line,
                    message=f"{phase.label} has no tasks (no '- [ ]' items and no bullets under 'Tasks:').",
                    fix="List the phase's work as '- [ ] task' items under a 'Tasks:' label.",
                )
            )
        if phase.suffix and COMPLETE_RE.search(phase.suffix) and phase.done < phase.total:
            findings.append(
                Finding(
                    rule="PARSE-PHASE-STATUS",
                    severity="info",
                    document=DOCUMENT,
                    line=phase.line,
                    message=(
                        f"{phase.label} is marked {phase.suffix} but {phase.total - phase.done} of "
                        f"{phase.total} tasks are unticked."
                    ),
                    fix="Tick the finished tasks or remove the completion marker from the heading.",
                )
            )
    numbers = [float(p.key) for p in phases if p.key is not None]
    if numbers != sorted(numbers):
        findings.append(
            Finding(
                rule="PARSE-PHASE",
                severity="info",
                document=DOCUMENT,
                line=phases[0].line,
                message=f"phases are not in numeric order ({', '.join(p.key for p in phases if p.key)}).",
                fix="Order the phase headings by number, or renumber them.",
            )
        )
    return findings
