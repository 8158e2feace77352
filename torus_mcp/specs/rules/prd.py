"""Rules of the prd gate about requirements: FR ids, acceptance criteria, and how they tie together.

Requirements and acceptance criteria come from prd.md and from requirements.yml (all schema
variants); an id defined in either counts. Ids are matched in normalized form (``FR1`` == ``FR-001``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from torus_mcp.specs.ids import normalize_id
from torus_mcp.specs.rules.base import GateName, Hit, Rule, RuleSpec, short
from torus_mcp.specs.rules.pack_view import PackView

_FR_SECTION = re.compile(r"(?<!non )\bfunctional requirements?\b|^requirements$")
_AC_SECTION = re.compile(r"\bacceptance\b")


def check_fr_ids(view: PackView, gate: GateName) -> Iterable[Hit]:
    if view.frs:
        return
    elsewhere = ""
    if view.design_only_frs:
        ids = ", ".join(r.id for r in view.design_only_frs[:8])
        elsewhere = f" (fdd.md defines {ids}, but requirements belong to the PRD)"
    yield Hit(
        "prd.md",
        view.section_line("prd.md", _FR_SECTION),
        "no functional requirement ids (FR-001 ...) in prd.md or requirements.yml, so nothing can be "
        f"traced to the design, the plan or the tests{elsewhere}.",
        "Number each functional requirement: a table '| ID | Description | Priority | Owner |' with rows "
        "'| FR-001 | ... |' in the Functional Requirements section, or entries '- id: FR-001' under "
        "'requirements:' in requirements.yml.",
    )


def check_ac_present(view: PackView, gate: GateName) -> Iterable[Hit]:
    if view.acceptance:
        return
    yield Hit(
        "prd.md",
        view.section_line("prd.md", _AC_SECTION),
        "no acceptance criteria found in prd.md or requirements.yml.",
        "List testable criteria in the Acceptance Criteria section, one per item: "
        "'- AC-001 (FR-001) — Given …, when …, then …' (or under 'acceptance_criteria:' in requirements.yml).",
    )


def _distinct_acceptance(view: PackView) -> dict[str, list]:
    """Acceptance criteria grouped by normalized id (unnumbered ones alone): copies of one AC in several
    places (prd.md, nested and flat YAML) are judged together."""
    groups: dict[str, list] = {}
    for index, ac in enumerate(view.acceptance):
        key = normalize_id(ac.id) if ac.id else f"#unnumbered-{index}"
        groups.setdefault(key, []).append(ac)
    return groups


def _label(ac) -> str:
    return ac.id or f"the criterion '{short(ac.text, 60)}'"


def check_ac_gwt(view: PackView, gate: GateName) -> Iterable[Hit]:
    for copies in _distinct_acceptance(view).values():
        if any(ac.given_when_then for ac in copies):
            continue
        ac = copies[0]
        yield Hit(
            ac.document,
            ac.line,
            f"{_label(ac)} is not written as Given / When / Then: '{short(ac.text)}'.",
            "Rewrite it as 'Given <context>, when <action>, then <observable outcome>' so a test can prove it.",
        )


def check_ac_known_fr(view: PackView, gate: GateName) -> Iterable[Hit]:
    if not view.requirements:
        return  # PRD-FR-IDS reports the root cause; every citation would be "unknown" otherwise
    known = view.requirement_ids
    for ac in view.acceptance:
        for cited in ac.cites:
            if normalize_id(cited) in known:
                continue
            defined = ", ".join(r.id for r in view.requirements[:12])
            more = " ..." if len(view.requirements) > 12 else ""
            yield Hit(
                ac.document,
                ac.line,
                f"{_label(ac)} cites {cited}, which no requirement defines (defined: {defined}{more}).",
                f"Correct the cited id, or add {cited} to the Functional Requirements (prd.md table or "
                "requirements.yml).",
            )


def check_ac_linked(view: PackView, gate: GateName) -> Iterable[Hit]:
    linked = view.linked_acceptance
    unlinked = [
        copies[0]
        for key, copies in _distinct_acceptance(view).items()
        if key not in linked and not any(ac.cites for ac in copies)
    ]
    fix = (
        "Cite the FR each criterion verifies: 'AC-001 (FR-001) — Given …' in prd.md, or nest it under its "
        "FR's 'acceptance_criteria:' in requirements.yml."
    )
    if unlinked and not view.has_links:
        # A flat list (no criterion tied to any FR) is one problem, not one per criterion.
        first = unlinked[0]
        docs = sorted({ac.document for ac in unlinked})
        yield Hit(
            first.document,
            first.line,
            f"none of the {len(unlinked)} acceptance criteria ({', '.join(docs)}) names the requirement it "
            "verifies, so whether every FR has a criterion (PRD-AC-COVERS-FR) cannot be checked.",
            fix,
        )
        return
    for ac in unlinked:
        yield Hit(
            ac.document,
            ac.line,
            f"{_label(ac)} names no requirement it verifies.",
            fix,
        )


def check_ac_covers_fr(view: PackView, gate: GateName) -> Iterable[Hit]:
    if not view.has_links:
        return  # no criterion is tied to any FR (flat requirements.yml): PRD-AC-LINKED says so instead
    for key, req in view.frs.items():
        if view.acceptance_by_fr.get(key):
            continue
        yield Hit(
            req.document,
            req.line,
            f"{req.id} ('{short(req.title, 60)}') has no acceptance criterion, so nothing says when it is met.",
            f"Add a criterion citing it, e.g. '- AC-0NN ({req.id}) — Given …, when …, then …', or nest one "
            f"under {req.id} in requirements.yml; drop {req.id} if it is not a requirement.",
        )


REQUIREMENT_RULES = (
    RuleSpec(
        Rule(
            id="PRD-FR-IDS",
            gate="prd",
            severity="error",
            title="functional requirements carry ids",
            description=(
                "At least one functional requirement id (FR-001, FR-1, FR1) is defined in prd.md (table or "
                "list) or in requirements.yml. Without ids nothing can be traced to design, plan and tests."
            ),
        ),
        check_fr_ids,
    ),
    RuleSpec(
        Rule(
            id="PRD-AC-PRESENT",
            gate="prd",
            severity="error",
            title="the PRD has acceptance criteria",
            description="At least one acceptance criterion, in prd.md or requirements.yml.",
        ),
        check_ac_present,
    ),
    RuleSpec(
        Rule(
            id="PRD-AC-GWT",
            gate="prd",
            severity="info",
            title="acceptance criteria are Given / When / Then",
            description=(
                "Each acceptance criterion reads 'Given …, when …, then …' (one line or a multi-line block). "
                "Information by default: the Torus templates do not require Given/When/Then and "
                "requirements.yml acceptance criteria in real packs are short titles. "
                "An AC written both ways (prd.md and YAML) passes when one copy is Given/When/Then."
            ),
        ),
        check_ac_gwt,
    ),
    RuleSpec(
        Rule(
            id="PRD-AC-CITES-KNOWN-FR",
            gate="prd",
            severity="error",
            title="acceptance criteria cite only defined requirements",
            description=(
                "Every FR/NFR id an acceptance criterion cites is defined in prd.md or requirements.yml "
                "(FR1 and FR-001 are the same id). A citation of an undefined id is a typo or a lost requirement."
            ),
        ),
        check_ac_known_fr,
    ),
    RuleSpec(
        Rule(
            id="PRD-AC-LINKED",
            gate="prd",
            severity="warning",
            title="acceptance criteria name the requirement they verify",
            description=(
                "Each acceptance criterion cites an FR ('AC-001 (FR-001) — …') or is nested under one in "
                "requirements.yml. A warning by default: flat requirements.yml files list ACs apart from FRs."
            ),
        ),
        check_ac_linked,
    ),
    RuleSpec(
        Rule(
            id="PRD-AC-COVERS-FR",
            gate="prd",
            severity="error",
            title="every functional requirement has an acceptance criterion",
            description=(
                "Each FR is cited by, or has nested under it, at least one acceptance criterion. Not evaluated "
                "when no criterion in the pack is tied to any FR (then coverage is unknown and PRD-AC-LINKED "
                "reports the unlinked criteria). NFRs are not required to have one."
            ),
        ),
        check_ac_covers_fr,
    ),
)
