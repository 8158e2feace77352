"""How a project configures the gates: the ``[gates]`` section of ``.torus-mcp.toml`` (README.md,
"Configuration", is the reference for the whole file).

All keys are optional; without the section every rule runs with its default severity::

    [gates]
    disabled = ["PLAN-COVERS-FR", "PRD-SECTIONS-EXPECTED"]   # rule ids that do not run at all

    [gates.severity]                                         # rule id -> "error" | "warning" | "info"
    "PRD-AC-GWT" = "error"                                   # make a warning block its gate
    "PLAN-DOD" = "warning"                                   # or stop an error from blocking

Rule ids are case-insensitive. An unknown key, an unknown rule id, a severity other than "error" or
"warning", or an attempt to disable or downgrade one of the ``*-DOC`` rules (a gate cannot pass
without its document) is a ``ConfigError`` that lists the known rule ids. The rules and their
defaults (``RULES`` in :mod:`torus_mcp.specs.rules.registry` holds the full descriptions):

    rule                    gate  default  checks
    PRD-DOC                 prd   error    prd.md exists, is readable and not empty (fixed)
    PRD-SECTIONS            prd   error    Overview, Goals, Users & Use Cases, Functional Requirements,
                                           Acceptance Criteria, Open Questions & Assumptions
    PRD-SECTIONS-EXPECTED   prd   warning  the rest of the Torus PRD skeleton
    REQ-SHAPE               prd   error    requirements.yml uses the schema, one FR per criterion group
    PRD-FR-IDS              prd   error    at least one FR id (prd.md or requirements.yml)
    PRD-AC-PRESENT          prd   error    at least one acceptance criterion
    PRD-AC-GWT              prd   info     acceptance criteria read Given / When / Then
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
    DOC-LINK                all   warning  relative links in the gate's documents lead to existing files
    STALE-APPROVAL          all   warning  an approved document is unchanged since approve_doc
    STALE-UPSTREAM          all   warning  what an approved document was written against is unchanged
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from torus_mcp.config import ConfigError
from torus_mcp.specs.rules.base import Rule
from torus_mcp.specs.rules.registry import RULES

if TYPE_CHECKING:
    from torus_mcp.config import ProjectConfig


class GatesConfig(BaseModel):
    """The ``[gates]`` section of .torus-mcp.toml, validated (see this module's docstring)."""

    disabled: frozenset[str] = frozenset()
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)

    def severity_of(self, rule: Rule) -> Literal["error", "warning", "info"]:
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
            f'{where}: [gates.severity] must be a table of rule id = "error" | "warning" | "info", e.g. '
            '[gates.severity] followed by "PRD-AC-GWT" = "error".'
        )
    disabled = {_known_rule(item, where, "disabled") for item in disabled_raw}
    severity: dict[str, Literal["error", "warning", "info"]] = {}
    for raw_id, value in severity_raw.items():
        rule_id = _known_rule(raw_id, where, "[gates.severity]")
        if value not in ("error", "warning", "info"):
            raise ConfigError(
                f'{where}: [gates.severity] {raw_id} = {value!r}; a severity is "error" (blocks the gate), '
                '"warning" or "info" (reported only).'
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
