"""What several gate rules need from one pack, computed once per check: its FRs and acceptance
criteria by normalized id, how they link, and the ids each document cites."""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from torus_mcp.specs.ids import normalize_id
from torus_mcp.specs.requirements.citations import find_ids
from torus_mcp.specs.rules.base import GATE_DOCS, GateName, is_requirements_doc

if TYPE_CHECKING:
    from torus_mcp.specs.pack import SpecPack
    from torus_mcp.specs.requirements.model import AcceptanceCriterion, Requirement


def _is_prd_source(document: str) -> bool:
    return document == "prd.md" or is_requirements_doc(document)


def gate_documents(view: PackView, gate: GateName) -> list[str]:
    """The documents a gate is judged on: its Markdown document, plus requirements YAML for the prd gate."""
    docs = [GATE_DOCS[gate]]
    if gate == "prd":
        docs += view.requirement_docs
    return docs


# An id as a document cites it (FR-001, FR1, NFR-2, AC-004b); unlike ids.ID_PATTERN, any number of digits.
ID_PATTERN = re.compile(r"(?<![A-Za-z0-9])(?:NFR|FR|AC)-?\d+[a-z]?(?![A-Za-z0-9])")


# Two ids joined as a range (FR-009–FR-011, FR-1..FR-3, FR-1 to FR-3): every id in between is cited.
_RANGE_RE = re.compile(
    r"((?:NFR|FR|AC)-?\d+)\s*(?:–|—|-|\.\.\.?|\bto\b|\bthrough\b)\s*((?:NFR|FR|AC)-?\d+)(?![A-Za-z0-9])"
)


class Citation(NamedTuple):
    raw: str
    line: int


def id_citations(text: str) -> dict[str, Citation]:
    """Normalized FR/NFR/AC id -> the id as first written and its 1-based line, for every id in ``text``."""
    found: dict[str, Citation] = {}
    keys: dict[str, str] = {}
    if "\r" in text:
        # \r\n and a lone \r count as one line break each, as the Markdown parser counts them.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    line, position = 1, 0
    for match in ID_PATTERN.finditer(text):
        raw = match.group(0)
        key = keys.get(raw)
        if key is None:
            key = keys[raw] = normalize_id(raw)
        if key in found:
            continue
        line += text.count("\n", position, match.start())
        position = match.start()
        found[key] = Citation(raw, line)
    for match in _RANGE_RE.finditer(text):
        line_of_range = text.count("\n", 0, match.start()) + 1
        for ident in find_ids(match.group(0)):
            found.setdefault(normalize_id(ident), Citation(ident, line_of_range))
    return found


class PackView:
    """What several rules need from one pack, computed once per check."""

    def __init__(self, pack: SpecPack) -> None:
        self.pack = pack
        self.texts: dict[str, str] = pack.texts

    def has_text(self, doc: str) -> bool:
        """True when ``doc`` was read and holds more than whitespace."""
        return bool(self.texts.get(doc, "").strip())

    @cached_property
    def requirement_docs(self) -> list[str]:
        return sorted(name for name in self.texts if is_requirements_doc(name))

    @cached_property
    def requirements(self) -> list[Requirement]:
        return list(self.pack.requirements.requirements)

    @cached_property
    def acceptance(self) -> list[AcceptanceCriterion]:
        return list(self.pack.requirements.acceptance_criteria)

    @cached_property
    def frs(self) -> dict[str, Requirement]:
        """The PRD's functional requirements by normalized id: those defined in prd.md or requirements
        YAML. Older packs define FRs in fdd.md alone; those are the design's, not the PRD's."""
        return {
            normalize_id(req.id): req
            for req in self.requirements
            if req.kind == "FR" and any(_is_prd_source(src) for src in (req.sources or [req.document]))
        }

    @cached_property
    def design_only_frs(self) -> list[Requirement]:
        """FRs defined in fdd.md and nowhere in the PRD or requirements YAML."""
        return [r for r in self.requirements if r.kind == "FR" and normalize_id(r.id) not in self.frs]

    @cached_property
    def defined_ids(self) -> set[str]:
        """Every FR, NFR and AC id the pack defines (prd.md and requirements YAML), normalized."""
        ids = {normalize_id(r.id) for r in self.requirements}
        ids |= {normalize_id(a.id) for a in self.acceptance if a.id}
        return ids

    @cached_property
    def requirement_ids(self) -> set[str]:
        return {normalize_id(r.id) for r in self.requirements}

    @cached_property
    def acceptance_by_fr(self) -> dict[str, set[str]]:
        """Normalized FR/NFR id -> the AC ids attached to it (YAML nesting) or citing it."""
        links: dict[str, set[str]] = {}
        for req in self.requirements:
            links.setdefault(normalize_id(req.id), set()).update(normalize_id(a) for a in req.acceptance)
        for index, ac in enumerate(self.acceptance):
            key = normalize_id(ac.id) if ac.id else f"#unnumbered-{index}"
            for cited in ac.cites:
                links.setdefault(normalize_id(cited), set()).add(key)
        return links

    @cached_property
    def linked_acceptance(self) -> set[str]:
        """Normalized AC ids that some requirement lists or that cite a requirement."""
        return {ac for acs in self.acceptance_by_fr.values() for ac in acs}

    @cached_property
    def has_links(self) -> bool:
        """False when no acceptance criterion is tied to any requirement (flat requirements.yml)."""
        return bool(self.linked_acceptance)

    def citations(self, doc: str) -> dict[str, Citation]:
        cache: dict[str, dict[str, Citation]] = self.__dict__.setdefault("_citations", {})
        if doc not in cache:
            cache[doc] = id_citations(self.texts.get(doc, ""))
        return cache[doc]

    def cites_requirement(self, doc: str, fr_key: str) -> bool:
        """True when ``doc`` cites the requirement or one of its acceptance criteria."""
        cited = self.citations(doc)
        return fr_key in cited or any(ac in cited for ac in self.acceptance_by_fr.get(fr_key, ()))

    def section_line(self, doc: str, pattern: re.Pattern[str]) -> int | None:
        """Line of the first section of ``doc`` whose normalized title matches ``pattern``."""
        from torus_mcp.specs.sections import normalize_title

        sections = {
            "prd.md": self.pack.prd_sections,
            "fdd.md": self.pack.fdd_sections,
            "plan.md": self.pack.plan_sections,
        }.get(doc, [])
        for section in sections:
            if pattern.search(normalize_title(section.title)):
                return section.line
        return None
