"""The Torus workflow gates: where a feature stands, and why, judged from its documents.

The workflow is ``analyze -> prd.md``, ``architect -> fdd.md``, ``plan -> plan.md``, ``develop``.
Each of the three documents has a *gate*, a set of named rules (``RULES``). A gate passes when none
of its rules reports an error; warnings are advice and never block. A feature's **stage** is the
last gate passed, in order:

    none        the prd gate fails (or prd.md is missing)
    prd         prd.md passes; fdd.md does not
    fdd         fdd.md passes too; plan.md does not
    plan        plan.md passes too; no task is ticked yet
    developing  all three pass and at least one plan task is ticked
    done        all three pass and every plan task is ticked (``[N/A]`` counts as ticked)

A gate after a failing one is still evaluated and reported, but the stage stops at the first failure.

Configuration: the ``[gates]`` section of ``.torus-mcp.toml`` (README.md, "Configuration", is the
reference for the whole file)
-------------------------------------------------------------

All keys are optional; without the section every rule runs with its default severity::

    [gates]
    disabled = ["PLAN-COVERS-FR", "PRD-SECTIONS-EXPECTED"]   # rule ids that do not run at all

    [gates.severity]                                         # rule id -> "error" | "warning"
    "PRD-AC-GWT" = "error"                                   # make a warning block its gate
    "PLAN-DOD" = "warning"                                   # or stop an error from blocking

Rule ids are case-insensitive. An unknown key, an unknown rule id, a severity other than "error" or
"warning", or an attempt to disable or downgrade one of the ``*-DOC`` rules (a gate cannot pass
without its document) is a ``ConfigError`` that lists the known rule ids. The rules and their
defaults (``RULES`` holds the full descriptions):

    rule                    gate  default  checks
    PRD-DOC                 prd   error    prd.md exists, is readable and not empty (fixed)
    PRD-SECTIONS            prd   error    Overview, Goals, Users & Use Cases, Functional Requirements,
                                           Acceptance Criteria, Open Questions & Assumptions
    PRD-SECTIONS-EXPECTED   prd   warning  the rest of the Torus PRD skeleton
    PRD-FR-IDS              prd   error    at least one FR id (prd.md or requirements.yml)
    PRD-AC-PRESENT          prd   error    at least one acceptance criterion
    PRD-AC-GWT              prd   warning  acceptance criteria read Given / When / Then
    PRD-AC-CITES-KNOWN-FR   prd   error    an AC cites only defined FR/NFR ids
    PRD-AC-LINKED           prd   warning  each AC names the FR it verifies
    PRD-AC-COVERS-FR        prd   error    each FR has an acceptance criterion
    FDD-DOC                 fdd   error    fdd.md exists (fixed)
    FDD-SECTIONS            fdd   error    Executive Summary, Requirements & Assumptions, Proposed Design,
                                           Interfaces, Data Model & Storage, Observability,
                                           Security & Privacy, Testing Strategy, Risks & Mitigations
    FDD-SECTIONS-EXPECTED   fdd   warning  the rest of the Torus FDD skeleton
    FDD-TRACES-FR           fdd   warning  fdd.md cites each FR (or one of its ACs)
    FDD-CITES-KNOWN-ID      fdd   warning  fdd.md cites only defined ids
    PLAN-DOC                plan  error    plan.md exists (fixed)
    PLAN-PHASES             plan  error    at least one '## Phase N: Name'
    PLAN-TASKS              plan  error    every phase has tasks
    PLAN-CHECKBOXES         plan  warning  tasks are '- [ ]' checkboxes
    PLAN-DOD                plan  error    every phase has a definition of done (or gate criteria)
    PLAN-COVERS-FR          plan  warning  plan.md cites each FR (or one of its ACs)
    PLAN-CITES-KNOWN-ID     plan  warning  plan.md cites only defined ids
    DOC-PARSE               all   error    the parser reported no error for the gate's documents
    NO-TBD                  all   error    no unresolved TBD in the gate's documents
    NO-TODO                 all   warning  no TODO / FIXME in the gate's documents
    STALE-APPROVAL          all   warning  an approved document is unchanged since approve_doc
    STALE-UPSTREAM          all   warning  what an approved document was written against is unchanged
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from torus_mcp.config import ConfigError
from torus_mcp.history.approval_rules import APPROVAL_RULES, approved_docs, stale_notice
from torus_mcp.specs.findings import Finding
from torus_mcp.specs.gate_report import STAGES, GateReport, GateResult, Stage
from torus_mcp.specs.rules_base import GATE_DOCS, GATES, GateName, PackView, Rule, RuleSpec, gate_documents
from torus_mcp.specs.rules_docs import DOCUMENT_CONTENT_RULES, DOCUMENT_PRESENT, blocks_gate
from torus_mcp.specs.rules_plan import PLAN_RULES
from torus_mcp.specs.rules_prd import REQUIREMENT_RULES
from torus_mcp.specs.rules_sections import FDD_SECTION_RULES, PRD_SECTION_RULES
from torus_mcp.specs.rules_trace import FDD_TRACE_RULES, PLAN_TRACE_RULES

if TYPE_CHECKING:
    from torus_mcp.config import ProjectConfig
    from torus_mcp.specs.pack import SpecPack

__all__ = [
    "RULES",
    "STAGES",
    "GateReport",
    "GateResult",
    "GatesConfig",
    "Rule",
    "Stage",
    "StageError",
    "check_gates",
    "gates_config",
    "summarize_gate",
]

TARGETS: tuple[Stage, ...] = STAGES[1:]
"""Stages a check can be asked to reach (``none`` is reached by every feature)."""

_GATE_SPECS: dict[GateName, tuple[RuleSpec, ...]] = {
    "prd": (*PRD_SECTION_RULES, *REQUIREMENT_RULES),
    "fdd": (*FDD_SECTION_RULES, *FDD_TRACE_RULES),
    "plan": (*PLAN_RULES, *PLAN_TRACE_RULES),
}
"""Each gate's own rules. When a gate runs, its document rule (DOCUMENT_PRESENT) goes first and the
rules of every gate (DOCUMENT_CONTENT_RULES) last."""
_SPECS: tuple[RuleSpec, ...] = (
    *(spec for gate in GATES for spec in (DOCUMENT_PRESENT[gate], *_GATE_SPECS[gate])),
    *DOCUMENT_CONTENT_RULES,
    *APPROVAL_RULES,
)
RULES: dict[str, Rule] = {spec.rule.id: spec.rule for spec in _SPECS}
"""Every gate rule by id, in the order the gates evaluate them."""


class StageError(ValueError):
    """A stage name that does not exist; the message lists the ones that do."""


class GatesConfig(BaseModel):
    """The ``[gates]`` section of .torus-mcp.toml, validated (see this module's docstring)."""

    disabled: frozenset[str] = frozenset()
    severity: dict[str, Literal["error", "warning"]] = Field(default_factory=dict)

    def severity_of(self, rule: Rule) -> Literal["error", "warning"]:
        return self.severity.get(rule.id, rule.severity)

    def cache_key(self) -> tuple[Any, ...]:
        return (tuple(sorted(self.disabled)), tuple(sorted(self.severity.items())))


def gates_config(project_config: ProjectConfig | None) -> GatesConfig:
    """The validated ``[gates]`` settings of a project (defaults when it has no .torus-mcp.toml)."""
    if project_config is None:
        return GatesConfig()
    where = str(project_config.path) if project_config.path else ".torus-mcp.toml"
    return parse_gates_section(project_config.section("gates"), where)


def parse_gates_section(section: Mapping[str, Any], where: str = ".torus-mcp.toml") -> GatesConfig:
    """Validate a raw ``[gates]`` table; raises ConfigError naming the problem and the known rule ids."""
    unknown_keys = sorted(set(section) - {"disabled", "severity"})
    if unknown_keys:
        raise ConfigError(
            f"{where}: [gates] has unknown key(s) {', '.join(unknown_keys)}; the section takes "
            "'disabled = [rule ids]' and a '[gates.severity]' table of rule id = \"error\" | \"warning\"."
        )
    disabled_raw = section.get("disabled", [])
    if not isinstance(disabled_raw, list) or not all(isinstance(item, str) for item in disabled_raw):
        raise ConfigError(
            f'{where}: [gates] disabled must be a list of rule ids, e.g. disabled = ["PLAN-COVERS-FR"].'
        )
    severity_raw = section.get("severity", {})
    if not isinstance(severity_raw, dict):
        raise ConfigError(
            f'{where}: [gates.severity] must be a table of rule id = "error" | "warning", e.g. '
            '[gates.severity] followed by "PRD-AC-GWT" = "error".'
        )
    disabled = {_known_rule(item, where, "disabled") for item in disabled_raw}
    severity: dict[str, Literal["error", "warning"]] = {}
    for raw_id, value in severity_raw.items():
        rule_id = _known_rule(raw_id, where, "[gates.severity]")
        if value not in ("error", "warning"):
            raise ConfigError(
                f'{where}: [gates.severity] {raw_id} = {value!r}; a severity is "error" (blocks the gate) '
                'or "warning" (reported only).'
            )
        severity[rule_id] = value
    for rule_id in sorted(disabled | {r for r, v in severity.items() if v != "error"}):
        if not RULES[rule_id].configurable:
            raise ConfigError(
                f"{where}: {rule_id} cannot be disabled or made a warning: a gate cannot pass without its "
                "document. Remove it from [gates]."
            )
    return GatesConfig(disabled=frozenset(disabled), severity=severity)


def _known_rule(raw: object, where: str, key: str) -> str:
    rule_id = str(raw).strip().upper()
    if rule_id not in RULES:
        raise ConfigError(f"{where}: {key} names unknown rule {raw!r}. Known rules: {', '.join(RULES)}.")
    return rule_id


# ---------------------------------------------------------------------------------------------
# The report


# ---------------------------------------------------------------------------------------------
# Checking


_PARSE_DUPLICATES = {"PARSE-TASK", "PARSE-PHASE", "PARSE-CHECKBOX"}


def check_gates(pack: SpecPack, stage: str | None = None, config: GatesConfig | None = None) -> GateReport:
    """Evaluate the gates of ``pack`` up to ``stage`` (every gate when None) and report the stage reached.

    ``stage`` is one of prd, fdd, plan, developing, done; developing and done evaluate all three gates
    and the report passes only when the plan's ticked tasks reach that stage. Raises StageError for
    any other value. Results are cached by the documents' versions, so an unchanged pack is not
    checked twice.
    """
    target = _target(stage)
    config = config or GatesConfig()
    if not pack.docs or not set(pack.texts) <= set(pack.docs):
        # A pack not made by load_pack carries no versions to key a cache by.
        return _check(pack, target, config)
    key = (
        pack.feature,
        str(pack.path),
        tuple(sorted((name, doc.version) for name, doc in pack.docs.items())),
        target,
        config.cache_key(),
    )
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is None:
        cached = _check(pack, target, config)
        with _CACHE_LOCK:
            _CACHE[key] = cached
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return cached.model_copy(deep=True)


# Prompts, the status resource and the CLI ask about the same packs again and again. Keyed by the
# documents' versions; only reports are kept, never the packs themselves.
_CACHE: OrderedDict[tuple[Any, ...], GateReport] = OrderedDict()
_CACHE_SIZE = 512
_CACHE_LOCK = threading.Lock()


def _target(stage: str | None) -> Stage | None:
    if stage is None:
        return None
    wanted = stage.strip().lower()
    if wanted not in TARGETS:
        raise StageError(f"unknown stage {stage!r}; the stages are {', '.join(TARGETS)}.")
    return wanted  # type: ignore[return-value]


def _check(pack: SpecPack, target: Stage | None, config: GatesConfig) -> GateReport:
    view = PackView(pack)
    last = GATES.index(target) if target in GATES else len(GATES) - 1
    gates: list[GateResult] = []
    findings: list[Finding] = []
    for gate in GATES[: last + 1]:
        gate_findings = list(_run_gate(view, gate, config))
        errors = sum(1 for f in gate_findings if f.severity == "error")
        warnings = sum(1 for f in gate_findings if f.severity == "warning")
        gates.append(GateResult(gate=gate, passed=errors == 0, errors=errors, warnings=warnings))
        findings.extend(gate_findings)
    findings.extend(_parser_notes(view, gates, findings))

    plan = pack.plan
    tasks = [task for phase in plan.phases for task in phase.tasks] if plan is not None else []
    done = sum(1 for task in tasks if task.done)
    stage: Stage = "none"
    for result in gates:
        if not result.passed:
            break
        stage = result.gate  # type: ignore[assignment]
    if stage == "plan" and target in (None, "developing", "done") and done:
        stage = "done" if done == len(tasks) else "developing"
    next_phase = next((p for p in plan.phases if any(not t.done for t in p.tasks)), None) if plan else None
    return GateReport(
        feature=pack.feature,
        stage=stage,
        target=target,
        gates=gates,
        findings=findings,
        tasks_done=done,
        tasks_total=len(tasks),
        next_phase=next_phase.label if next_phase else None,
        approved=approved_docs(view),
    )


def _run_gate(view: PackView, gate: GateName, config: GatesConfig) -> Iterable[Finding]:
    document_rule = DOCUMENT_PRESENT[gate]
    document_hits = list(document_rule.check(view, gate))
    # Without its document every other rule of the gate would only repeat that it is missing.
    own = () if document_hits else _GATE_SPECS[gate]
    for spec in (document_rule, *own, *DOCUMENT_CONTENT_RULES, *APPROVAL_RULES):
        rule = spec.rule
        if rule.id in config.disabled:
            continue
        hits = document_hits if spec is document_rule else spec.check(view, gate)
        for hit in hits:
            yield Finding(
                rule=rule.id,
                severity=config.severity_of(rule),
                document=hit.document,
                line=hit.line,
                message=hit.message,
                fix=hit.fix,
            )


def _parser_notes(view: PackView, gates: list[GateResult], rule_findings: list[Finding]) -> list[Finding]:
    """The parser's own warnings and notes about the evaluated gates' documents, minus those a rule
    already reports (a phase without tasks is both PARSE-TASK and PLAN-TASKS)."""
    docs: set[str] = set()
    for result in gates:
        docs.update(gate_documents(view, result.gate))  # type: ignore[arg-type]
    reported = {(f.document, f.line) for f in rule_findings}
    notes: list[Finding] = []
    seen: set[tuple[str, str | None, int | None, str]] = set()
    for finding in [*view.pack.findings, *view.pack.requirements.findings]:
        if blocks_gate(finding) or finding.document not in docs:
            continue  # DOC-PARSE reports these already
        if finding.rule in _PARSE_DUPLICATES and (finding.document, finding.line) in reported:
            continue
        key = (finding.rule, finding.document, finding.line, finding.message)
        if key not in seen:
            seen.add(key)
            notes.append(finding)
    return notes


# ---------------------------------------------------------------------------------------------
# Summaries for the persona prompts

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


def rule_table() -> str:
    """The rules as plain-text lines ``ID (gate, default severity): title``, for --help and docs."""
    return "\n".join(f"{r.id} ({r.gate}, {r.severity}): {r.title}" for r in RULES.values())
