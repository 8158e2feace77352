"""REQ-SHAPE: a requirements.yml whose shape cannot be trusted, said once instead of as a cascade.

A requirements.yml that is not valid YAML (DOC-PARSE says so), or that was generated wrongly (one requirement holding
every acceptance criterion, Markdown table pipes inside titles, keys the Torus schema does not have
such as ``statement``), makes every id check downstream wrong. This rule reports the shape once, as an
error on the file with the line and the fix; the gate engine then leaves out the rules that would
only repeat it (``CASCADE_RULES``).
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from torus_mcp.specs.rules.base import GateName, Hit, Rule, RuleSpec
from torus_mcp.specs.rules.pack_view import PackView

DOC = "requirements.yml"
CASCADE_RULES = frozenset(
    {
        "PRD-AC-COVERS-FR",
        "PRD-AC-CITES-KNOWN-FR",
        "PRD-AC-LINKED",
        "PRD-AC-PRESENT",
        "PRD-FR-IDS",
        "FDD-CITES-KNOWN-ID",
        "FDD-TRACES-FR",
        "PLAN-COVERS-FR",
        "PLAN-CITES-KNOWN-ID",
    }
)
"""Rules whose findings a broken requirements.yml would only multiply."""

_REQUIREMENT_KEYS = {
    "id",
    "title",
    "status",
    "acceptance_criteria",
    "notes",
    "priority",
    "description",
    "owner",
    "source",
    "type",
}
_CRITERION_KEYS = {
    "id",
    "title",
    "status",
    "verification_method",
    "proofs",
    "notes",
    "priority",
    "description",
    "requirement",
    "requirements",
    "requirement_ids",
    "frs",
    "cites",
}
_MIN_CRITERIA = 3


def untrusted(view: PackView) -> bool:
    """True when the pack's requirements.yml is not valid YAML or has a suspicious shape."""
    known = view.__dict__.get("_requirements_untrusted")
    if known is None:
        known = view.__dict__["_requirements_untrusted"] = _untrusted(view)
    return known


def _untrusted(view: PackView) -> bool:
    for name in ("requirements.yml", "requirements.yaml"):
        if name in view.texts:
            try:
                yaml.safe_load(view.texts[name])
            except yaml.YAMLError:
                return True
    return shape_problem(view) is not None


def shape_problem(view: PackView) -> Hit | None:
    """The first thing wrong with the shape of the pack's requirements.yml (valid YAML), or None."""
    name = next((n for n in ("requirements.yml", "requirements.yaml") if n in view.texts), None)
    if name is None:
        return None
    text = view.texts[name]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None  # DOC-PARSE reports invalid YAML, with its line
    if not isinstance(data, dict):
        return None
    requirements = [r for r in data.get("requirements") or [] if isinstance(r, dict)]
    for requirement in requirements:
        unknown = sorted(set(map(str, requirement)) - _REQUIREMENT_KEYS)
        criteria = [c for c in requirement.get("acceptance_criteria") or [] if isinstance(c, dict)]
        unknown += sorted({str(k) for c in criteria for k in c} - _CRITERION_KEYS)
        if unknown:
            return Hit(
                name,
                _line_of(text, f"{unknown[0]}:"),
                f"{name} uses keys the requirements schema does not have ({', '.join(unknown)}), "
                "so what they hold is not read as a requirement.",
                "Rename them to the schema's keys (id, title, status, acceptance_criteria; an AC has id, "
                "title, status, verification_method, proofs).",
            )
        for item in (requirement, *criteria):
            title = str(item.get("title") or "")
            if title.lstrip().startswith("|") or " | " in title:
                return Hit(
                    name,
                    _line_of(text, title.split("|")[1].strip()[:30]) if "|" in title else None,
                    f"{name} has Markdown table pipes inside the title of {item.get('id', 'an entry')}: "
                    "it was generated from a table row, and its ids cannot be trusted.",
                    "Regenerate requirements.yml from prd.md, one entry per table row, titles without '|'.",
                )
    with_criteria = [r for r in requirements if r.get("acceptance_criteria")]
    defined_elsewhere = {r.id for r in view.requirements if r.document != name}
    if (
        len(with_criteria) == 1
        and len(with_criteria[0]["acceptance_criteria"]) >= _MIN_CRITERIA
        and len(defined_elsewhere) > 1
    ):
        holder = with_criteria[0].get("id", "one requirement")
        return Hit(
            name,
            _line_of(text, f"id: {holder}"),
            f"{name} puts every acceptance criterion under {holder} while the PRD defines "
            f"{len(defined_elsewhere)} requirements, so no other requirement has a criterion.",
            "Move each criterion under the requirement it verifies (or regenerate requirements.yml from prd.md).",
        )
    return None


def _line_of(text: str, needle: str) -> int | None:
    if not needle:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def check_shape(view: PackView, gate: GateName) -> Iterable[Hit]:
    problem = shape_problem(view)
    if problem is not None:
        yield problem


SHAPE_RULES = (
    RuleSpec(
        Rule(
            id="REQ-SHAPE",
            gate="prd",
            severity="error",
            title="requirements.yml has a shape the checks can trust",
            description=(
                "requirements.yml is valid YAML, uses the schema's keys, has no table pipes in titles and "
                "does not hold every acceptance criterion under one requirement. When it fails, the id "
                "rules that would only repeat it are left out."
            ),
        ),
        check_shape,
    ),
)
