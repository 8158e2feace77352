"""Rules about a gate's documents as a whole: present, readable, and free of TBD / TODO markers.

``NO-TBD``, ``NO-TODO`` and ``DOC-PARSE`` run at every gate against that gate's own documents
(prd.md and requirements YAML for prd, fdd.md for fdd, plan.md for plan), so a TBD in plan.md blocks
the plan gate and not the prd gate.
"""

from __future__ import annotations

from collections.abc import Iterable

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.pack import PACK_RULE
from torus_mcp.specs.requirements.model import YAML_RULE
from torus_mcp.specs.rules.base import (
    GATE_DOCS,
    GATES,
    GateName,
    Hit,
    Rule,
    RuleSpec,
    is_requirements_doc,
    short,
)
from torus_mcp.specs.rules.pack_view import PackView, gate_documents

_WRITTEN_BY = {"prd": "analyze", "fdd": "architect", "plan": "plan"}


def check_document(view: PackView, gate: GateName) -> Iterable[Hit]:
    doc = GATE_DOCS[gate]
    if view.has_text(doc):
        return
    persona = _WRITTEN_BY[gate]
    if doc in view.texts:
        problem = f"{doc} is empty"
    elif doc in view.pack.docs:
        problem = f"{doc} could not be read"
    else:
        problem = f"{doc} does not exist in {view.pack.feature}"
    yield Hit(
        doc,
        None,
        f"{problem}, so the {gate} gate cannot pass.",
        f"Write {doc} (the {persona} persona produces it; start from torus://templates/{doc}).",
    )


# Parser findings that mean a document of the gate was not (fully) read: a requirements YAML that is
# not YAML, a file that is not UTF-8 or too large, a plan the parser gave up on.
_UNREADABLE_RULES = {YAML_RULE, PACK_RULE, "PARSE-PLAN"}


def blocks_gate(finding: Finding) -> bool:
    """True for a parser finding DOC-PARSE turns into a gate finding."""
    return finding.severity == "error" or finding.rule in _UNREADABLE_RULES


def _parse_documents(view: PackView, gate: GateName) -> set[str]:
    docs = set(gate_documents(view, gate))
    if gate == "prd":
        # A requirements YAML that could not be read at all is in no text, only in findings.
        docs |= {f.document for f in view.pack.findings if f.document and is_requirements_doc(f.document)}
    return docs


def check_parse_errors(view: PackView, gate: GateName) -> Iterable[Hit]:
    docs = _parse_documents(view, gate)
    findings = list(view.pack.findings) + list(view.pack.requirements.findings)
    seen: set[tuple[str | None, int | None, str]] = set()
    for finding in findings:
        if not blocks_gate(finding) or finding.document not in docs:
            continue
        key = (finding.document, finding.line, finding.message)
        if key in seen:
            continue
        seen.add(key)
        yield Hit(
            finding.document,
            finding.line,
            f"{finding.document} could not be fully read ({finding.rule}): {finding.message}",
            finding.fix or f"Fix the syntax of {finding.document} around line {finding.line or 1}.",
        )


def _markers(view: PackView, gate: GateName, kinds: set[str]) -> list:
    docs = set(gate_documents(view, gate))
    return [m for m in view.pack.markers if m.kind in kinds and m.document in docs]


def check_tbd(view: PackView, gate: GateName) -> Iterable[Hit]:
    for marker in _markers(view, gate, {"TBD"}):
        yield Hit(
            marker.document,
            marker.line,
            f"unresolved TBD in {marker.document} line {marker.line}: '{short(marker.text)}'.",
            "Decide it and write the decision in place; if it cannot be decided yet, turn it into an open "
            "question with an owner in 'Open Questions' and state the assumption the work proceeds on.",
        )


def check_todo(view: PackView, gate: GateName) -> Iterable[Hit]:
    for marker in _markers(view, gate, {"TODO", "FIXME"}):
        yield Hit(
            marker.document,
            marker.line,
            f"{marker.kind} left in {marker.document} line {marker.line}: '{short(marker.text)}'.",
            f"Do what the {marker.kind} asks and remove the marker, or turn it into a task or an open question.",
        )


def _document_rule(gate: GateName) -> RuleSpec:
    doc = GATE_DOCS[gate]
    return RuleSpec(
        Rule(
            id=f"{gate.upper()}-DOC",
            gate=gate,
            severity="error",
            title=f"{doc} exists",
            description=(
                f"The pack has a readable, non-empty {doc}. Cannot be disabled or downgraded: a gate cannot "
                "pass without its document."
            ),
            configurable=False,
        ),
        check_document,
    )


DOCUMENT_PRESENT: dict[GateName, RuleSpec] = {gate: _document_rule(gate) for gate in GATES}
"""PRD-DOC, FDD-DOC, PLAN-DOC by gate."""

DOCUMENT_CONTENT_RULES = (
    RuleSpec(
        Rule(
            id="DOC-PARSE",
            gate="all",
            severity="error",
            title="the gate's documents parse",
            description=(
                "Every document of the gate was read: a requirements.yml that is not valid YAML, a file that "
                "is not UTF-8 or too large, or any error-severity parser finding blocks the gate. Other "
                "parser warnings and notes are listed in the report under their own PARSE-* ids and never "
                "block."
            ),
        ),
        check_parse_errors,
    ),
    RuleSpec(
        Rule(
            id="NO-TBD",
            gate="all",
            severity="error",
            title="no unresolved TBD",
            description=(
                "No 'TBD' marker (outside code) in the gate's documents: a finalized document has no "
                "undecided parts. Runs at every gate on that gate's own documents."
            ),
        ),
        check_tbd,
    ),
    RuleSpec(
        Rule(
            id="NO-TODO",
            gate="all",
            severity="warning",
            title="no TODO or FIXME left",
            description="No 'TODO' or 'FIXME' marker (outside code) in the gate's documents.",
        ),
        check_todo,
    ),
)
