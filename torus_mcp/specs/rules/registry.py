"""Every gate rule, in the order the gates evaluate them, and which gate each belongs to.

A gate's own rules come from the rule modules of this package; when a gate runs, its document rule
(``*-DOC``) goes first and the rules every gate runs (``DOC-PARSE``, ``NO-TBD``, ``NO-TODO``) last.
"""

from __future__ import annotations

from torus_mcp.specs.rules.approvals import APPROVAL_RULES
from torus_mcp.specs.rules.base import GATES, GateName, Rule, RuleSpec
from torus_mcp.specs.rules.doc_links import LINK_RULES
from torus_mcp.specs.rules.docs import DOCUMENT_CONTENT_RULES, DOCUMENT_PRESENT
from torus_mcp.specs.rules.plan import PLAN_RULES
from torus_mcp.specs.rules.prd import REQUIREMENT_RULES
from torus_mcp.specs.rules.requirements_shape import SHAPE_RULES
from torus_mcp.specs.rules.sections import FDD_SECTION_RULES, PRD_SECTION_RULES
from torus_mcp.specs.rules.trace import FDD_TRACE_RULES, PLAN_TRACE_RULES

GATE_SPECS: dict[GateName, tuple[RuleSpec, ...]] = {
    "prd": (*PRD_SECTION_RULES, *SHAPE_RULES, *REQUIREMENT_RULES),
    "fdd": (*FDD_SECTION_RULES, *FDD_TRACE_RULES),
    "plan": (*PLAN_RULES, *PLAN_TRACE_RULES),
}
"""Each gate's own rules. When a gate runs, its document rule (DOCUMENT_PRESENT) goes first and the
rules of every gate (DOCUMENT_CONTENT_RULES) last."""
_SPECS: tuple[RuleSpec, ...] = (
    *(spec for gate in GATES for spec in (DOCUMENT_PRESENT[gate], *GATE_SPECS[gate])),
    *DOCUMENT_CONTENT_RULES,
    *LINK_RULES,
    *APPROVAL_RULES,
)
RULES: dict[str, Rule] = {spec.rule.id: spec.rule for spec in _SPECS}
"""Every gate rule by id, in the order the gates evaluate them."""
