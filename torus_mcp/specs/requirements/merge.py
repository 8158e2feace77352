"""Merging the requirements and criteria of several sources into one set: the first source of an id
wins, later ones add their document to ``sources``, and a different wording is an info finding."""

from __future__ import annotations

import re

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import normalize_id
from torus_mcp.specs.requirements.model import (
    CONFLICT_RULE,
    PARSE_RULE,
    AcceptanceCriterion,
    Proof,
    Requirement,
    RequirementSet,
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def comparable(text: str) -> str:
    """Titles compared for conflicts: case, emphasis, code marks, spacing and final dot ignored."""
    return _one_line(re.sub(r"[*_`]", "", text)).lower().rstrip(". ")


class Registry:
    """Requirements and criteria from all sources, keyed by normalized id; the first source wins."""

    def __init__(self) -> None:
        self.requirements: dict[str, Requirement] = {}
        self.criteria: list[AcceptanceCriterion] = []
        self.criteria_by_id: dict[str, AcceptanceCriterion] = {}
        self.findings: list[Finding] = []

    def add_requirement(self, requirement: Requirement, only_new: bool = False) -> None:
        key = normalize_id(requirement.id)
        existing = self.requirements.get(key)
        if existing is None:
            requirement.sources = [requirement.document]
            self.requirements[key] = requirement
            return
        if only_new:
            return
        self._conflict(existing.id, existing.title, existing, requirement.title, requirement)
        if requirement.document not in existing.sources:
            existing.sources.append(requirement.document)
        existing.title = existing.title or requirement.title
        existing.status = existing.status or requirement.status
        _merge_proofs(existing.proofs, requirement.proofs)

    def add_criterion(self, criterion: AcceptanceCriterion) -> None:
        if criterion.id is None:
            criterion.sources = [criterion.document]
            self.criteria.append(criterion)
            return
        key = normalize_id(criterion.id)
        existing = self.criteria_by_id.get(key)
        if existing is None:
            criterion.sources = [criterion.document]
            self.criteria.append(criterion)
            self.criteria_by_id[key] = criterion
            return
        self._conflict(existing.id or "", existing.text, existing, criterion.text, criterion)
        if criterion.document not in existing.sources:
            existing.sources.append(criterion.document)
        known = {normalize_id(c) for c in existing.cites}
        existing.cites.extend(c for c in criterion.cites if normalize_id(c) not in known)
        existing.text = existing.text or criterion.text
        existing.given_when_then = existing.given_when_then or criterion.given_when_then
        existing.status = existing.status or criterion.status
        existing.verification_method = existing.verification_method or criterion.verification_method
        _merge_proofs(existing.proofs, criterion.proofs)

    def _conflict(
        self,
        ident: str,
        first_text: str,
        first: Requirement | AcceptanceCriterion,
        second_text: str,
        second: Requirement | AcceptanceCriterion,
    ) -> None:
        if not first_text or not second_text or comparable(first_text) == comparable(second_text):
            return
        where_first = f"{first.document}" + (f" line {first.line}" if first.line else "")
        where_second = f"{second.document}" + (f" line {second.line}" if second.line else "")
        same_document = first.document == second.document
        self.findings.append(
            Finding(
                rule=PARSE_RULE if same_document else CONFLICT_RULE,
                severity="info",
                document=second.document,
                line=second.line,
                message=(
                    f"{ident} is {'defined twice' if same_document else 'worded differently'}: "
                    f"{where_first} says '{short_text(first_text)}', {where_second} says "
                    f"'{short_text(second_text)}'; the first is used."
                ),
                fix=(
                    f"Keep one definition of {ident}."
                    if same_document
                    else f"Make {ident} read the same in {first.document} and {second.document}, or "
                    f"refer to {first.document} instead of restating it."
                ),
            )
        )

    def link(self, criterion_id: str, requirement_id: str, document: str, line: int | None) -> None:
        """``acceptance_criteria: [AC-001]`` under a requirement: the AC cites that requirement."""
        criterion = self.criteria_by_id.get(normalize_id(criterion_id))
        if criterion is None:
            self.findings.append(
                Finding(
                    rule=PARSE_RULE,
                    severity="warning",
                    document=document,
                    line=line,
                    message=f"{requirement_id} lists {criterion_id}, which is defined nowhere in the pack.",
                    fix=f"Define {criterion_id} (id and title) or remove it from {requirement_id}.",
                )
            )
            return
        if normalize_id(requirement_id) not in {normalize_id(c) for c in criterion.cites}:
            criterion.cites.append(requirement_id)

    def result(self) -> RequirementSet:
        requirements = list(self.requirements.values())
        for requirement in requirements:
            requirement.acceptance = []
        by_key = {normalize_id(r.id): r for r in requirements}
        for criterion in self.criteria:
            if criterion.id is None:
                continue
            for cited in criterion.cites:
                owner = by_key.get(normalize_id(cited))
                if owner is not None and criterion.id not in owner.acceptance:
                    owner.acceptance.append(criterion.id)
        return RequirementSet(
            requirements=requirements, acceptance_criteria=list(self.criteria), findings=self.findings
        )


def _merge_proofs(into: list[Proof], more: list[Proof]) -> None:
    known = {(p.type, p.ref) for p in into}
    for proof in more:
        if (proof.type, proof.ref) not in known:
            into.append(proof)
            known.add((proof.type, proof.ref))


def short_text(text: str, limit: int = 80) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
