"""Required and expected sections of prd.md and fdd.md, matched tolerantly against the Torus skeletons.

The skeletons are the ones the Torus team's packs use (``shared/specpacks/SOURCE.md``). Real packs
number or do not number their headings, write "&" or "and", use bold lines instead of headings,
add suffixes such as "(Testable)" or "(Draft)", and rename sections between template eras
("Torus Context Summary" became "Repository Context Summary", "Data Model & APIs" became "Data,
Interfaces & Dependencies"). So a section is recognised by a pattern over its normalized title
(lower-case words, "&" read as "and", parentheticals dropped), at any heading level.

Which sections are *required* (an error blocks the gate) and which are only *expected* (a warning)
was judged against the six real packs and the example project: required are the ones the Torus
personas' own prompt names as the document's output, and every real pack has; the rest of the
skeleton is expected, because real, finished packs skip or rename them (docs_import's PRD stops at
section 14; its FDD has no References; newer PRDs have no Timeline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from torus_mcp.specs.rules.base import GateName, Hit, Rule, RuleSpec, is_requirements_doc
from torus_mcp.specs.rules.pack_view import PackView
from torus_mcp.specs.sections import Section, normalize_title


class Slot(NamedTuple):
    """One section of a skeleton: its name, the titles that satisfy it, and how to add it."""

    name: str
    pattern: re.Pattern[str]
    fix: str
    yaml: str | None = None
    """"FR" or "AC" when requirements.yml holding such ids satisfies the slot (newer PRDs)."""


def _slot(name: str, pattern: str, fix: str, yaml: str | None = None) -> Slot:
    return Slot(name, re.compile(pattern), fix, yaml)


PRD_REQUIRED = (
    _slot(
        "Overview",
        r"\b(?:overview|summary|introduction|background|problem)\b",
        "Add '## 1. Overview' saying what the feature is and for whom, in a few sentences.",
    ),
    _slot(
        "Goals & Non-Goals",
        r"(?<!non )\bgoals?\b|\bobjectives?\b",
        "Add '## 3. Goals & Non-Goals' with bullet lists of goals and of what is out of scope.",
    ),
    _slot(
        "Users & Use Cases",
        r"\b(?:users?|use cases?|personas?|stakeholders?|audiences?|actors?|roles?)\b",
        "Add '## 4. Users & Use Cases' naming the roles (author, instructor, student, admin) and their use cases.",
    ),
    _slot(
        "Functional Requirements",
        r"(?<!non )\bfunctional requirements?\b|^requirements$",
        "Add '## 6. Functional Requirements' with a table '| ID | Description | Priority | Owner |' "
        "and rows FR-001, FR-002 ... (or keep them in requirements.yml and say so in the section).",
        yaml="FR",
    ),
    _slot(
        "Acceptance Criteria",
        r"\bacceptance\b",
        "Add '## 7. Acceptance Criteria' with items such as 'AC-001 (FR-001) — Given …, when …, then …' "
        "(or keep them in requirements.yml and say so in the section).",
        yaml="AC",
    ),
    _slot(
        "Open Questions & Assumptions",
        r"\bquestions?\b|\bassumptions?\b",
        "Add '## 14. Open Questions & Assumptions' with the assumptions made and the questions still open "
        "('None' is an answer).",
    ),
)

PRD_EXPECTED = (
    _slot(
        "Background & Problem Statement",
        r"\b(?:background|problem|motivation|context)\b",
        "Add '## 2. Background & Problem Statement': what hurts today, for whom, and why now.",
    ),
    _slot(
        "UX / UI Requirements",
        r"\b(?:ux|ui|user experience|user interface|interaction|screens?|design)\b",
        "Add '## 5. UX / UI Requirements': screens, states, accessibility (WCAG 2.1 AA) — or 'No UI change'.",
    ),
    _slot(
        "Non-Functional Requirements",
        r"\bnon functional\b|\bnfrs?\b|\bquality attributes\b",
        "Add '## 8. Non-Functional Requirements': performance, reliability, security, privacy, compliance.",
    ),
    _slot(
        "Data Model & APIs",
        r"\bdata\b|\bapis?\b|\binterfaces?\b|\bschemas?\b",
        "Add '## 9. Data Model & APIs' (or 'Data, Interfaces & Dependencies'): schema changes and APIs.",
    ),
    _slot(
        "Integrations & Platform Considerations",
        r"\bintegrations?\b|\bplatform\b|\brepository\b|\bconsiderations\b|\bdependencies\b",
        "Add '## 10. Integrations & Platform Considerations': LTI, multi-tenancy, other systems touched.",
    ),
    _slot(
        "Feature Flagging, Rollout & Migration",
        r"\bflag\w*\b|\brollout\b|\bmigrations?\b|\brelease\b",
        "Add '## 11. Feature Flagging, Rollout & Migration': the flag, the rollout steps and the rollback.",
    ),
    _slot(
        "Analytics & Success Metrics",
        r"\banalytics\b|\btelemetry\b|\bmetrics\b|\bsuccess\b",
        "Add '## 12. Analytics & Success Metrics': how success is measured and which events are emitted.",
    ),
    _slot(
        "Risks & Mitigations",
        r"\brisks?\b",
        "Add '## 13. Risks & Mitigations': each risk with its mitigation.",
    ),
    _slot(
        "QA Plan",
        r"\bqa\b|\bquality\b|\btest\w*\b|\bverification\b",
        "Add '## 15. QA Plan': automated and manual checks, and who runs them.",
    ),
    _slot(
        "Definition of Done",
        r"\bdefinition of done\b|\bdod\b|\bdone\b|\bexit criteria\b",
        "Add '## 16. Definition of Done' as a checklist ('- [ ] Docs updated', '- [ ] Telemetry live' ...).",
    ),
)

FDD_REQUIRED = (
    _slot(
        "Executive Summary",
        r"\bexecutive summary\b|^summary$|^overview$|\bintroduction\b|\btl ?dr\b",
        "Add '## 1. Executive Summary': the design in one paragraph, its main risks and trade-offs.",
    ),
    _slot(
        "Requirements & Assumptions",
        r"\brequirements?\b|\bassumptions?\b",
        "Add '## 2. Requirements & Assumptions' restating the FR/NFR ids the design answers and its assumptions.",
    ),
    _slot(
        "Proposed Design",
        r"\bdesign\b|\barchitecture\b|\bapproach\b|\bsolution\b",
        "Add '## 4. Proposed Design': components and their roles, state and message flow, supervision.",
    ),
    _slot(
        "Interfaces",
        r"\binterfaces?\b|\bapis?\b|\bendpoints?\b|\bcontracts?\b",
        "Add '## 5. Interfaces': HTTP/JSON APIs, LiveView events and assigns, process messages.",
    ),
    _slot(
        "Data Model & Storage",
        r"\bdata model\b|\bstorage\b|\bschemas?\b|\bpersistence\b|\bdatabase\b|\bmigrations?\b",
        "Add '## 6. Data Model & Storage': Ecto schemas, migrations and indexes — or 'No schema change'.",
    ),
    _slot(
        "Observability",
        r"\bobservability\b|\btelemetry\b|\bmonitoring\b|\blogging\b|\bmetrics\b",
        "Add '## 11. Observability': telemetry events, AppSignal metrics, log levels.",
    ),
    _slot(
        "Security & Privacy",
        r"\bsecurity\b|\bprivacy\b|\bpermissions?\b|\bauthori[sz]ation\b|\baccess control\b",
        "Add '## 12. Security & Privacy': roles and permissions, tenant boundaries, PII handling.",
    ),
    _slot(
        "Testing Strategy",
        r"\btest\w*\b|\bqa\b|\bverification\b",
        "Add '## 13. Testing Strategy': which tests prove which acceptance criteria (unit, LiveView, integration).",
    ),
    _slot(
        "Risks & Mitigations",
        r"\brisks?\b",
        "Add '## 15. Risks & Mitigations': each design risk with its mitigation.",
    ),
)

FDD_EXPECTED = (
    _slot(
        "Torus Context Summary",
        r"\bcontext\b|\bcurrent state\b|\bexisting\b",
        "Add '## 3. Torus Context Summary' (or 'Repository Context Summary'): the modules and flows touched.",
    ),
    _slot(
        "Consistency & Transactions",
        r"\bconsistency\b|\btransactions?\b|\bconcurrency\b",
        "Add '## 7. Consistency & Transactions': transaction boundaries, idempotency, concurrent writers.",
    ),
    _slot(
        "Caching Strategy",
        r"\bcach\w*\b",
        "Add '## 8. Caching Strategy' — or say that nothing is cached and why.",
    ),
    _slot(
        "Performance and Scalability Plan",
        r"\bperformance\b|\bscalability\b|\bscaling\b",
        "Add '## 9. Performance and Scalability Plan': budgets, load tests, hotspots.",
    ),
    _slot(
        "Failure Modes & Resilience",
        r"\bfailures?\b|\bresilience\b|\berror handling\b|\bfailure modes\b",
        "Add '## 10. Failure Modes & Resilience': what fails, how it is detected, how it degrades.",
    ),
    _slot(
        "Open Questions & Follow-ups",
        r"\bquestions?\b|\bfollow ups?\b",
        "Add '## 16. Open Questions & Follow-ups' ('None' is an answer).",
    ),
    _slot(
        "References",
        r"\breferences?\b|\blinks\b|\bsources\b|\bsee also\b",
        "Add '## 17. References' linking the PRD, design docs and code the design builds on.",
    ),
)

_PARENTHETICAL = re.compile(r"\([^)]*\)")


def _section_keys(sections: list[Section]) -> list[str]:
    """Normalized titles to match, leaving out the document title (a lone first ``#`` heading)."""
    top_level = [s for s in sections if s.level == 1]
    keys = []
    for index, section in enumerate(sections):
        if index == 0 and section.level == 1 and len(top_level) == 1 and len(sections) > 1:
            continue
        keys.append(normalize_title(_PARENTHETICAL.sub(" ", section.title)))
    return keys


def missing_slots(sections: list[Section], slots: Iterable[Slot], yaml_ids: set[str]) -> list[Slot]:
    """The slots no section satisfies; ``yaml_ids`` holds "FR"/"AC" when requirements YAML provides them."""
    return _missing(_section_keys(sections), slots, yaml_ids)


def _missing(keys: list[str], slots: Iterable[Slot], yaml_ids: set[str]) -> list[Slot]:
    return [
        slot
        for slot in slots
        if not (slot.yaml and slot.yaml in yaml_ids) and not any(slot.pattern.search(k) for k in keys)
    ]


def _yaml_kinds(view: PackView) -> set[str]:
    kinds: set[str] = set()
    if any(
        r.kind == "FR" and any(map(is_requirements_doc, r.sources or [r.document])) for r in view.requirements
    ):
        kinds.add("FR")
    if any(any(map(is_requirements_doc, a.sources or [a.document])) for a in view.acceptance):
        kinds.add("AC")
    return kinds


def _keys(view: PackView, doc: str) -> list[str]:
    cache: dict[str, list[str]] = view.__dict__.setdefault("_section_keys", {})
    if doc not in cache:
        cache[doc] = _section_keys(view.pack.prd_sections if doc == "prd.md" else view.pack.fdd_sections)
    return cache[doc]


def _hits(doc: str, skeleton: str, missing: list[Slot], required: bool) -> Iterable[Hit]:
    for slot in missing:
        what = "required" if required else "expected"
        yield Hit(
            doc,
            None,
            f"{doc} has no '{slot.name}' section ({what} by the Torus {skeleton} skeleton).",
            slot.fix,
        )


def check_prd_sections(view: PackView, gate: GateName) -> Iterable[Hit]:
    missing = _missing(_keys(view, "prd.md"), PRD_REQUIRED, _yaml_kinds(view))
    return _hits("prd.md", "PRD", missing, required=True)


def check_prd_expected(view: PackView, gate: GateName) -> Iterable[Hit]:
    missing = _missing(_keys(view, "prd.md"), PRD_EXPECTED, set())
    return _hits("prd.md", "PRD", missing, required=False)


def check_fdd_sections(view: PackView, gate: GateName) -> Iterable[Hit]:
    missing = _missing(_keys(view, "fdd.md"), FDD_REQUIRED, set())
    return _hits("fdd.md", "FDD", missing, required=True)


def check_fdd_expected(view: PackView, gate: GateName) -> Iterable[Hit]:
    missing = _missing(_keys(view, "fdd.md"), FDD_EXPECTED, set())
    return _hits("fdd.md", "FDD", missing, required=False)


def _names(slots: Iterable[Slot]) -> str:
    return ", ".join(slot.name for slot in slots)


PRD_SECTION_RULES = (
    RuleSpec(
        Rule(
            id="PRD-SECTIONS",
            gate="prd",
            severity="error",
            title="prd.md has the required sections",
            description=(
                f"Required PRD sections: {_names(PRD_REQUIRED)} — what the analyze persona must produce "
                "(problem, goals, users, scope, FR ids, acceptance criteria, assumptions and open questions). "
                "Matched at any heading level or as a bold line, numbered or not, '&' or 'and', suffixes such "
                "as '(Testable)' ignored; 'Goals' alone satisfies 'Goals & Non-Goals'. Functional "
                "Requirements and Acceptance Criteria are also satisfied by a requirements.yml that holds FR "
                "and AC ids."
            ),
        ),
        check_prd_sections,
    ),
    RuleSpec(
        Rule(
            id="PRD-SECTIONS-EXPECTED",
            gate="prd",
            severity="warning",
            title="prd.md has the rest of the Torus PRD skeleton",
            description=(
                f"Expected PRD sections: {_names(PRD_EXPECTED)}. Real finished packs skip some of them, "
                "so a missing one is a warning. Timeline & Milestones is not expected (newer packs dropped it)."
            ),
        ),
        check_prd_expected,
    ),
)

FDD_SECTION_RULES = (
    RuleSpec(
        Rule(
            id="FDD-SECTIONS",
            gate="fdd",
            severity="error",
            title="fdd.md has the required sections",
            description=(
                f"Required FDD sections: {_names(FDD_REQUIRED)} — the architect's output (design, data "
                "model, APIs, permissions, observability) plus the summary, requirements, tests and risks "
                "every real pack has. Matched tolerantly, bold-line headings included."
            ),
        ),
        check_fdd_sections,
    ),
    RuleSpec(
        Rule(
            id="FDD-SECTIONS-EXPECTED",
            gate="fdd",
            severity="warning",
            title="fdd.md has the rest of the Torus FDD skeleton",
            description=(
                f"Expected FDD sections: {_names(FDD_EXPECTED)}. 'Repository Context Summary' and "
                "'Performance & Scalability Posture' (newer packs) count."
            ),
        ),
        check_fdd_expected,
    ),
)
