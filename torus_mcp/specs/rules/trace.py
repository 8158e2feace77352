"""Rules about how fdd.md and plan.md trace back to the PRD's requirements.

A requirement counts as traced by a document when the document cites its id or the id of one of its
acceptance criteria, anywhere (a task, a definition of done, a design section). Real plans cite ids
in their phase gates rather than in tasks, and 4 of the 6 shared plans cite none at all, so the
coverage rules are warnings by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from torus_mcp.specs.rules.base import GateName, Hit, Rule, RuleSpec, short
from torus_mcp.specs.rules.pack_view import PackView

_FDD_REQUIREMENTS = re.compile(r"\brequirements?\b")


def _untraced(view: PackView, doc: str) -> Iterable[Hit]:
    if not view.frs or not view.has_text(doc):
        return
    cited = view.citations(doc)
    line = view.section_line(doc, _FDD_REQUIREMENTS) if doc == "fdd.md" else None
    missing = [(key, req) for key, req in view.frs.items() if not view.cites_requirement(doc, key)]
    if not missing:
        return
    if not cited:
        ids = ", ".join(req.id for _, req in missing[:10]) + (" ..." if len(missing) > 10 else "")
        yield Hit(
            doc,
            line,
            f"{doc} cites no FR or AC id, so none of the {len(missing)} requirements ({ids}) is traced to it.",
            _trace_fix(doc, "each FR or AC"),
        )
        return
    for _, req in missing:
        yield Hit(
            doc,
            line,
            f"{req.id} ('{short(req.title, 60)}') is cited in {doc} neither directly nor through its "
            "acceptance criteria.",
            _trace_fix(doc, req.id),
        )


def _trace_fix(doc: str, what: str) -> str:
    if doc == "fdd.md":
        return (
            f"Cite {what} where the design answers it, e.g. in Requirements & Assumptions: "
            "'- Preview links expire (FR-004): see 5. Interfaces'."
        )
    return f"Cite {what} in the task that delivers it or in the phase's gate, e.g. '- [ ] Add link signing (FR-004, AC-004)'."


def _unknown_citations(view: PackView, doc: str) -> Iterable[Hit]:
    if not view.defined_ids or not view.has_text(doc):
        return  # PRD-FR-IDS reports the missing ids; every citation would be unknown otherwise
    for key, citation in view.citations(doc).items():
        if key in view.defined_ids:
            continue
        yield Hit(
            doc,
            citation.line,
            f"{doc} cites {citation.raw}, which neither prd.md nor requirements.yml defines.",
            f"Correct the id, or define {citation.raw} in the PRD (or requirements.yml) first.",
        )


def check_fdd_traces(view: PackView, gate: GateName) -> Iterable[Hit]:
    return _untraced(view, "fdd.md")


def check_fdd_known(view: PackView, gate: GateName) -> Iterable[Hit]:
    return _unknown_citations(view, "fdd.md")


def check_plan_covers(view: PackView, gate: GateName) -> Iterable[Hit]:
    return _untraced(view, "plan.md")


def check_plan_known(view: PackView, gate: GateName) -> Iterable[Hit]:
    return _unknown_citations(view, "plan.md")


FDD_TRACE_RULES = (
    RuleSpec(
        Rule(
            id="FDD-TRACES-FR",
            gate="fdd",
            severity="warning",
            title="the design cites every functional requirement",
            description=(
                "Each FR is cited in fdd.md, directly or through one of its acceptance criteria. A warning "
                "by default: real FDDs restate most requirements but rarely all."
            ),
        ),
        check_fdd_traces,
    ),
    RuleSpec(
        Rule(
            id="FDD-CITES-KNOWN-ID",
            gate="fdd",
            severity="warning",
            title="the design cites only defined requirement ids",
            description=(
                "Every FR/NFR/AC id fdd.md mentions is defined by prd.md or requirements.yml; an unknown one "
                "usually means the FDD numbered requirements its own way or the PRD lost one."
            ),
        ),
        check_fdd_known,
    ),
)

PLAN_TRACE_RULES = (
    RuleSpec(
        Rule(
            id="PLAN-COVERS-FR",
            gate="plan",
            severity="warning",
            title="the plan cites every functional requirement",
            description=(
                "Each FR is cited in plan.md (a task, a definition of done or a gate), directly or through one "
                "of its acceptance criteria. A warning by default: 4 of the 6 real plans cite no ids."
            ),
        ),
        check_plan_covers,
    ),
    RuleSpec(
        Rule(
            id="PLAN-CITES-KNOWN-ID",
            gate="plan",
            severity="warning",
            title="the plan cites only defined requirement ids",
            description="Every FR/NFR/AC id plan.md mentions is defined by prd.md or requirements.yml.",
        ),
        check_plan_known,
    ),
)
