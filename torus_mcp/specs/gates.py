"""The Torus workflow gates: where a feature stands, and why, judged from its documents.

The workflow is ``analyze -> prd.md``, ``architect -> fdd.md``, ``plan -> plan.md``, ``develop``.
Each of the three documents has a *gate*, a set of named rules (``RULES``). A gate passes when none
of its rules reports an error; warnings are advice and never block. A feature's **stage** is the
last gate passed, in order:

    none        the prd gate fails (or prd.md is missing)
    prd         prd.md passes; fdd.md does not
    fdd         fdd.md passes too; plan.md does not
    plan        plan.md passes too; no task is ticked yet
    developing  all three pass and work has started: a task is ticked or a phase has an execution record
    done        all three pass and every phase is done: its tasks ticked (``[N/A]`` counts as ticked) or
                its execution record (or progress.md) says it is complete; ``(Removed)`` phases aside

A gate after a failing one is still evaluated and reported, but the stage stops at the first failure.

How a project configures the gates (rules disabled, severities changed) is described in
:mod:`torus_mcp.specs.gate_config`; the rules themselves are listed in :mod:`torus_mcp.specs.rules.registry`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.gate_config import GatesConfig
from torus_mcp.specs.gate_report import STAGES, GateReport, GateResult, Stage
from torus_mcp.specs.progress import next_phase, phase_verdict
from torus_mcp.specs.rules.approvals import APPROVAL_RULES, approved_docs
from torus_mcp.specs.rules.base import GATES, GateName
from torus_mcp.specs.rules.doc_links import LINK_RULES
from torus_mcp.specs.rules.docs import DOCUMENT_CONTENT_RULES, DOCUMENT_PRESENT, blocks_gate
from torus_mcp.specs.rules.pack_view import PackView, gate_documents
from torus_mcp.specs.rules.registry import GATE_SPECS
from torus_mcp.specs.rules.requirements_shape import CASCADE_RULES, untrusted

if TYPE_CHECKING:
    from torus_mcp.specs.pack import SpecPack

TARGETS: tuple[Stage, ...] = STAGES[1:]
"""Stages a check can be asked to reach (``none`` is reached by every feature)."""


class StageError(ValueError):
    """A stage name that does not exist; the message lists the ones that do."""


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
    verdicts = [phase_verdict(p, pack.records)[0] for p in plan.phases] if plan is not None else []
    live = [v for v in verdicts if v != "removed"]
    started = bool(done or pack.records.records or pack.records.progress)
    if stage == "plan" and target in (None, "developing", "done") and started:
        stage = "done" if live and all(v == "done" for v in live) else "developing"
    upcoming = next_phase(plan, pack.records) if plan is not None else None
    return GateReport(
        feature=pack.feature,
        stage=stage,
        target=target,
        gates=gates,
        findings=findings,
        tasks_done=done,
        tasks_total=len(tasks),
        next_phase=upcoming.label if upcoming else None,
        approved=approved_docs(view),
    )


def _run_gate(view: PackView, gate: GateName, config: GatesConfig) -> Iterable[Finding]:
    document_rule = DOCUMENT_PRESENT[gate]
    document_hits = list(document_rule.check(view, gate))
    # Without its document every other rule of the gate would only repeat that it is missing.
    own = () if document_hits else GATE_SPECS[gate]
    cascade = CASCADE_RULES if untrusted(view) else frozenset()
    for spec in (document_rule, *own, *DOCUMENT_CONTENT_RULES, *LINK_RULES, *APPROVAL_RULES):
        rule = spec.rule
        if rule.id in config.disabled or rule.id in cascade:
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
