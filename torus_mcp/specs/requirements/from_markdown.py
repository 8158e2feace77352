"""The requirement model of a spec pack: FR/NFR requirements and acceptance criteria.

Sources, in order of authority:

1. ``requirements.yml`` (and ``requirements_*.yml`` such as ``requirements_bulk.yml``) in every
   schema variant the Torus packs use; see :mod:`torus_mcp.specs.requirements.yaml_reader`.
2. ``prd.md``: FR tables with an ID column, ``- FR1: ...`` / ``**FR-001** ...`` lists, ``### FR-001``
   headings; acceptance criteria as ``AC-001 (FR-001, FR-002) — Given … when … then …`` one-liners,
   multi-line Given/When/Then blocks, and unnumbered items under an "Acceptance Criteria" heading.
3. ``fdd.md``: only ``- FR1: ...`` definitions of ids defined nowhere else (older packs such as
   ``canary`` define their FRs in the FDD alone).

An id found in several sources is one requirement: the first source wins, later ones add their
document to ``sources``, and a different title is reported as an info finding. Ids keep the
spelling of their first source; :func:`normalize_id` gives the form used for matching.
Nothing here raises on odd input: what cannot be placed becomes a :class:`Finding`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from torus_mcp.specs.entries import HEADING, ITEM, LINE, TABLE, Entry, MarkdownView, view_of
from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import ID_PATTERN, ID_RE, id_kind, normalize_id
from torus_mcp.specs.markers import Marker, Note, extract_notes, find_markers
from torus_mcp.specs.sections import Section, normalize_title

__all__ = [
    "CONFLICT_RULE",
    "PARSE_RULE",
    "YAML_RULE",
    "AcceptanceCriterion",
    "Marker",
    "Note",
    "Proof",
    "Requirement",
    "RequirementSet",
    "cited_requirement_ids",
    "extract_notes",
    "extract_requirements",
    "find_ids",
    "find_markers",
    "id_kind",
    "normalize_id",
]

PARSE_RULE = "PARSE-REQUIREMENTS"
"""Something requirement-like that could not be placed (no id, malformed entry, duplicate ...)."""
YAML_RULE = "PARSE-YAML"
"""A requirements YAML file that is not valid YAML."""
CONFLICT_RULE = "REQ-CONFLICT"
"""The same id with a different title in two sources (info: the first source wins)."""


class Proof(BaseModel):
    """Evidence that an acceptance criterion holds, e.g. ``{type: test, ref: test/x_test.exs}``."""

    type: str | None = None
    ref: str


class Requirement(BaseModel):
    """One functional (FR) or non-functional (NFR) requirement."""

    id: str
    """As written in its first source: "FR-001", "FR1", "NFR-002"."""
    kind: Literal["FR", "NFR"]
    title: str
    """The description text."""
    status: str | None = None
    """requirements.yml status when present (proposed, verified_fdd, verified_plan, verified, ...)."""
    document: str
    """Where it is defined first: "requirements.yml", "prd.md", "fdd.md" ..."""
    line: int | None = None
    acceptance: list[str] = Field(default_factory=list)
    """Ids of the acceptance criteria attached to it (YAML nesting or ACs citing it)."""
    proofs: list[Proof] = Field(default_factory=list)
    """Requirement-level proofs from YAML (rare; most proofs sit on acceptance criteria)."""
    sources: list[str] = Field(default_factory=list)
    """Every document that defines it, ``document`` first."""


class AcceptanceCriterion(BaseModel):
    """One acceptance criterion."""

    id: str | None
    """"AC-001", "AC-004b"; None for an unnumbered Given/When/Then item or criteria list item."""
    text: str
    cites: list[str] = Field(default_factory=list)
    """FR/NFR ids it cites: from "(FR-001, FR-002)", from its text, or from the YAML/list/heading it
    is nested under."""
    given_when_then: bool = False
    """True when the text reads Given ... when ... then (one line or several)."""
    status: str | None = None
    verification_method: str | None = None
    proofs: list[Proof] = Field(default_factory=list)
    document: str
    line: int | None = None
    sources: list[str] = Field(default_factory=list)
    """Every document that defines it, ``document`` first."""


class RequirementSet(BaseModel):
    """Requirements and acceptance criteria of a pack, and what could not be placed."""

    requirements: list[Requirement] = Field(default_factory=list)
    acceptance_criteria: list[AcceptanceCriterion] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)

    def requirement(self, id: str) -> Requirement | None:
        """The requirement with this id in any spelling ("FR1" finds "FR-001")."""
        wanted = normalize_id(id)
        return next((r for r in self.requirements if normalize_id(r.id) == wanted), None)

    def criterion(self, id: str) -> AcceptanceCriterion | None:
        """The acceptance criterion with this id in any spelling ("AC-4b" finds "AC-004b")."""
        wanted = normalize_id(id)
        return next(
            (c for c in self.acceptance_criteria if c.id is not None and normalize_id(c.id) == wanted), None
        )


# ---------------------------------------------------------------------------------------------
# Ids

_RANGE_RE = re.compile(ID_PATTERN + r"\s*(?:–|—|-|\.\.\.?|to|through)\s*" + ID_PATTERN)
_MAX_RANGE = 50


def find_ids(text: str, kinds: tuple[str, ...] = ("FR", "NFR", "AC")) -> list[str]:
    """Ids of ``kinds`` in ``text`` as written, in order, each once (by normalized form).

    Ranges such as ``FR-009–FR-011`` or ``FR-1 to FR-3`` stand for every id in between.
    """
    found: list[tuple[int, int, str]] = []
    for match in _RANGE_RE.finditer(text):
        prefix, first, first_suffix, prefix_end, last, last_suffix = match.groups()
        if prefix not in kinds or prefix != prefix_end or first_suffix or last_suffix:
            continue
        start, end = int(first), int(last)
        if start < end <= start + _MAX_RANGE:
            dash = "-" if match.group(0)[len(prefix)] == "-" else ""
            width = len(first)
            found.extend(
                # Sorted right after the range's first id, before its last.
                (match.start(), offset, f"{prefix}{dash}{number:0{width}d}")
                for offset, number in enumerate(range(start + 1, end), start=1)
            )
    for match in ID_RE.finditer(text):
        if match.group(1) in kinds:
            found.append((match.start(), 0, match.group(0)))
    found.sort(key=lambda item: item[:2])
    seen: dict[str, str] = {}
    for _, _, ident in found:
        seen.setdefault(normalize_id(ident), ident)
    return list(seen.values())


def cited_requirement_ids(text: str) -> list[str]:
    """FR/NFR ids cited in ``text`` (ranges expanded), as written, each once."""
    return find_ids(text, ("FR", "NFR"))


# ---------------------------------------------------------------------------------------------
# Text helpers

_GWT_RE = re.compile(r"\bgiven\b.*?\bwhen\b.*?\bthen\b", re.IGNORECASE | re.DOTALL)
_GIVEN_RE = re.compile(r"\bgiven\b", re.IGNORECASE)
_KEYWORD_RE = re.compile(r"^[\s>*_`]*(given|when|then|and|but)\b[*_`:]*", re.IGNORECASE)
_PLACEHOLDER_RE = re.compile(r"^(?:n/?a|none|nothing|tbd|tba|-+|—|–)\.?$", re.IGNORECASE)
_NOTE_RE = re.compile(r"^[*_\s]*(?:note|notes|nb|n\.b\.)[*_\s]*:", re.IGNORECASE)
_SEPARATORS = ":-–—|.)"


def is_given_when_then(text: str) -> bool:
    """True when ``text`` reads Given ... when ... then, on one line or several."""
    return bool(_GWT_RE.search(text))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clean(text: str) -> str:
    """One line without leading/trailing emphasis markers left over from ``**FR-001:** text``."""
    return _one_line(text).strip("*_ ").strip()


def _comparable(text: str) -> str:
    """Titles compared for conflicts: case, emphasis, code marks, spacing and final dot ignored."""
    return _one_line(re.sub(r"[*_`]", "", text)).lower().rstrip(". ")


def _keyword(text: str) -> str | None:
    match = _KEYWORD_RE.match(text)
    return match.group(1).lower() if match else None


# ---------------------------------------------------------------------------------------------
# Markdown: entries that start with an id

_LEAD_RE = re.compile(
    r"^(?:[-*+]\s+|\d{1,3}[.)]\s+)?(?:\[[ xX]\]\s+)?(?P<open>[*_`\[]{0,3})\s*"
    r"(?P<id>(?:NFR|FR|AC)-?\d{1,4}[a-z]?)(?![A-Za-z0-9_])(?P<close>[*_`\]]{0,3})"
    r"(?:\(#[^)\s]*\))?(?P<rest>.*)$",
    re.DOTALL,
)
_PROSE_AFTER_ID_RE = re.compile(
    r"^(?:[,;&/+]|(?:and|or|to|through|is|are|was|were|in|of|for|from|with|covers?|requires?)\b)",
    re.IGNORECASE,
)


def _parse_lead(text: str, definitional: Callable[[], bool]) -> tuple[str, list[str], str] | None:
    """``(id, cited ids, rest)`` when ``text`` starts with an id that it defines.

    ``FR-001: x``, ``**FR-001** x``, ``AC-001 (FR-001) — x`` and a bare ``FR-001`` define it;
    ``FR-001 and FR-002 are ...`` is prose that mentions it. A plain id followed by text without
    a separator counts only where ``definitional()`` (inside a requirements section).
    """
    match = _LEAD_RE.match(text.strip())
    if not match:
        return None
    ident = match.group("id")
    decorated = bool(match.group("open") or match.group("close"))
    rest = match.group("rest").lstrip()
    cites: list[str] = []
    if rest[:1] in ("(", "["):
        end = rest.find(")" if rest[0] == "(" else "]")
        if end > 0:
            inner = cited_requirement_ids(rest[1:end])
            if inner:
                cites = inner
                rest = rest[end + 1 :].lstrip()
    rest = rest.lstrip("*_`").lstrip()
    separated = bool(cites)
    if rest[:1] and rest[0] in _SEPARATORS:
        separated = True
        rest = rest.lstrip(_SEPARATORS + " \t").lstrip("*_`").strip()
    if rest and not separated and (_PROSE_AFTER_ID_RE.match(rest) or not (decorated or definitional())):
        return None
    return ident, cites, rest


# ---------------------------------------------------------------------------------------------
# Markdown extraction

_AC_SECTION_RE = re.compile(r"\bacceptance (?:criteria|criterion|tests?|scenarios?)\b|^acceptance$")
_REQ_SECTION_RE = re.compile(r"\brequirements?\b")
_ID_HEADERS = {"id", "ids", "req id", "requirement id", "fr id", "ac id", "nfr id", "key", "ref", "no"}
_DESC_HEADER_RE = re.compile(
    r"^(?:description|title|requirements?|name|summary|statement|criterion|criteria|"
    r"acceptance criteri(?:a|on)|text|details?|scenario|behaviou?r|given when then)$"
)


class _Draft:
    """An acceptance criterion being assembled from one or more entries."""

    def __init__(self, ident: str | None, line: int, cites: list[str], part: str):
        self.ident = ident
        self.line = line
        self.cites = list(cites)
        self.parts = [part] if part.strip() else []

    def add(self, text: str) -> None:
        if text.strip():
            self.parts.append(text)

    @property
    def text(self) -> str:
        return "\n".join(line.strip() for part in self.parts for line in part.split("\n") if line.strip())


class _MarkdownSource:
    """Requirements and acceptance criteria of one Markdown document."""

    def __init__(self, text: str, document: str, criteria: bool):
        self.view: MarkdownView = view_of(text)
        self.document = document
        self.criteria = criteria
        self.requirements: list[Requirement] = []
        self.criteria_found: list[AcceptanceCriterion] = []
        self.findings: list[Finding] = []
        self.mentions: list[tuple[str, int]] = []
        """(id, line) of ids mentioned in requirement/AC sections, to report ids never defined."""
        self._fr_of_entry: dict[int, str] = {}
        self._fr_of_heading_line: dict[int, str] = {}
        self._consumed: set[int] = set()
        self._open: _Draft | None = None
        self._defined_ids: set[str] = set()
        self._label_items: set[int] = set()
        self._leads: dict[int, tuple[str, list[str], str] | None] = {}
        # Per heading line: (an "Acceptance Criteria" section, a section where ids are defined).
        self._kinds: dict[int, tuple[bool, bool]] = {}
        for section in self.view.sections:
            title = normalize_title(section.title)
            criteria_section = bool(_AC_SECTION_RE.search(title))
            self._kinds[section.line] = (
                criteria_section,
                criteria_section or bool(_REQ_SECTION_RE.search(title)),
            )

    # Section context -------------------------------------------------------------------------

    def _sections(self, entry: Entry) -> list[Section]:
        return self.view.enclosing_sections(entry.line)

    def _ac_section(self, entry: Entry) -> Section | None:
        """The outermost enclosing "Acceptance Criteria" section."""
        matches = [s for s in self._sections(entry) if self._kinds[s.line][0]]
        return matches[-1] if matches else None

    def _definitional(self, entry: Entry) -> bool:
        return any(self._kinds[s.line][1] for s in self._sections(entry))

    def _fr_context(self, entry: Entry) -> str | None:
        """The FR an entry is nested under: an FR list item above it or an FR heading over it."""
        node = entry.parent
        while node is not None:
            if node.index in self._fr_of_entry:
                return self._fr_of_entry[node.index]
            node = node.parent
        for section in self._sections(entry):
            if section.line in self._fr_of_heading_line and section.line != entry.line:
                return self._fr_of_heading_line[section.line]
        return None

    def _lead(self, entry: Entry) -> tuple[str, list[str], str] | None:
        if entry.index not in self._leads:
            self._leads[entry.index] = (
                _parse_lead(entry.text, lambda: self._definitional(entry)) if entry.kind != TABLE else None
            )
        return self._leads[entry.index]

    # The walk --------------------------------------------------------------------------------

    def run(self) -> None:
        entries = self.view.entries
        with_ids = {
            section.line
            for entry in entries
            if (lead := self._lead(entry))
            and id_kind(lead[0]) == "AC"
            and (section := self._ac_section(entry)) is not None
        }
        for entry in entries:
            if entry.index in self._consumed:
                continue
            self._note_mentions(entry)
            if entry.kind == TABLE:
                self._close()
                self._table(entry)
                continue
            lead = self._lead(entry)
            if lead is not None and self._defined(entry, lead):
                continue
            if self.criteria and self._given_when_then(entry):
                continue
            self._close()
            if self.criteria and entry.kind == ITEM:
                self._plain_criterion(entry, with_ids)
        self._close()

    def _note_mentions(self, entry: Entry) -> None:
        sections = self._sections(entry)
        if not sections or entry.kind == TABLE:
            return
        criteria_section, definitions = self._kinds[sections[0].line]
        if criteria_section:
            kinds: tuple[str, ...] = ("AC",)
        elif definitions:
            kinds = ("FR", "NFR")
        else:
            return
        self.mentions.extend((ident, entry.line) for ident in find_ids(entry.text, kinds))

    def _defined(self, entry: Entry, lead: tuple[str, list[str], str]) -> bool:
        ident, cites, rest = lead
        kind = id_kind(ident)
        if kind in ("FR", "NFR"):
            self._close()
            title = _clean(rest)
            if not title:
                title = self._following_text(entry)
            grouping = self._ac_section(entry) is not None and normalize_id(ident) in self._defined_ids
            if not grouping:
                # "### FR-001" inside the Acceptance Criteria section groups the criteria of an FR
                # defined above; only a first mention there defines it.
                self._defined_ids.add(normalize_id(ident))
                self.requirements.append(
                    Requirement(id=ident, kind=kind, title=title, document=self.document, line=entry.line)
                )
            self._fr_of_entry[entry.index] = ident
            if entry.kind == HEADING:
                self._fr_of_heading_line[entry.line] = ident
            return True
        if kind == "AC" and self.criteria:
            self._close()
            draft = _Draft(ident, entry.line, cites or cited_requirement_ids(rest), rest)
            self._absorb(entry, draft)
            self._open = draft
            context = self._fr_context(entry)
            if context:
                draft.cites.append(context)
            return True
        return False

    def _following_text(self, entry: Entry) -> str:
        """A bare ``### FR-001`` heading takes its title from the paragraph under it."""
        entries = self.view.entries
        following = entries[entry.index + 1] if entry.index + 1 < len(entries) else None
        heading_body = entry.kind == HEADING and following is not None and following.kind in (LINE, ITEM)
        if heading_body and following is not None and self._lead(following) is None:
            return _clean(following.text)
        return ""

    def _absorb(self, entry: Entry, draft: _Draft) -> None:
        """A criterion given as a list item owns its nested items (its Given/When/Then lines)."""
        if entry.kind != ITEM:
            return
        for child in self._descendants(entry):
            if self._lead(child) is None and child.kind != TABLE:
                draft.add(child.text)
                self._consumed.add(child.index)

    def _descendants(self, entry: Entry) -> list[Entry]:
        found: list[Entry] = []
        stack = list(reversed(entry.children))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(reversed(child.children))
        return found

    def _given_when_then(self, entry: Entry) -> bool:
        """Continue the open criterion, or start an unnumbered one at a "Given"."""
        keyword = _keyword(entry.text)
        if keyword is None or entry.kind == HEADING:
            return False
        draft = self._open
        if draft is not None and (keyword != "given" or not _GIVEN_RE.search(draft.text)):
            draft.add(entry.text)
            self._absorb(entry, draft)
            return True
        context = self._fr_context(entry)
        if keyword == "given" and (self._ac_section(entry) is not None or context):
            self._close()
            draft = _Draft(None, entry.line, cited_requirement_ids(entry.text), entry.text)
            if context and context not in draft.cites:
                draft.cites.append(context)
            self._absorb(entry, draft)
            self._open = draft
            return True
        return False

    def _plain_criterion(self, entry: Entry, with_ids: set[int]) -> None:
        """A list item under "Acceptance Criteria" that has neither an id nor Given/When/Then."""
        section = self._ac_section(entry)
        if section is None:
            return
        parent = entry.parent
        if (
            parent is not None
            and parent.index not in self._label_items
            and self._ac_section(parent) is section
        ):
            return  # a detail of the item above it
        text = _one_line(entry.text)
        if not text or _PLACEHOLDER_RE.match(text) or _NOTE_RE.match(text):
            return
        if text.rstrip("*_ ").endswith(":") and any(child.kind == ITEM for child in entry.children):
            # "- Functional:" over a list: a label, its items are the criteria.
            self._label_items.add(entry.index)
            return
        if section.line in with_ids:
            self.findings.append(
                Finding(
                    rule=PARSE_RULE,
                    severity="info",
                    document=self.document,
                    line=entry.line,
                    message=(
                        f"line {entry.line} under '{section.label}' has neither an AC id nor "
                        "Given/When/Then, so it is not read as an acceptance criterion."
                    ),
                    fix="Give it an id ('- AC-010 (FR-001) — Given … when … then …') or move it out "
                    "of the Acceptance Criteria section.",
                )
            )
            return
        draft = _Draft(None, entry.line, cited_requirement_ids(entry.text), entry.text)
        self._absorb(entry, draft)
        self._emit(draft)

    def _close(self) -> None:
        if self._open is not None:
            self._emit(self._open)
            self._open = None

    def _emit(self, draft: _Draft) -> None:
        text = draft.text
        cites: dict[str, str] = {}
        for ident in draft.cites:
            cites.setdefault(normalize_id(ident), ident)
        self.criteria_found.append(
            AcceptanceCriterion(
                id=draft.ident,
                text=text,
                cites=list(cites.values()),
                given_when_then=is_given_when_then(text),
                document=self.document,
                line=draft.line,
            )
        )

    # Tables ----------------------------------------------------------------------------------

    def _table(self, entry: Entry) -> None:
        table = entry.table
        if table is None or not table.rows:
            return
        header = [normalize_title(cell) for cell in table.header] if table.header else None
        columns = max(len(cells) for _, cells in table.rows)
        id_column = self._id_column(table, header, columns)
        if id_column is None:
            return
        text_column = self._text_column(table, header, columns, id_column)
        status_column = header.index("status") if header and "status" in header else None
        for line, cells in table.rows:
            if len(cells) <= id_column:
                continue
            ident = cells[id_column].strip("*_` []")
            kind = id_kind(ident) if ID_RE.fullmatch(ident) else None
            if kind is None:
                continue
            text = _clean(cells[text_column]) if text_column is not None and len(cells) > text_column else ""
            status = (
                cells[status_column].strip() or None
                if status_column is not None and len(cells) > status_column
                else None
            )
            if kind in ("FR", "NFR"):
                self.requirements.append(
                    Requirement(
                        id=ident, kind=kind, title=text, status=status, document=self.document, line=line
                    )
                )
            elif self.criteria:
                others = " ".join(cell for index, cell in enumerate(cells) if index != id_column)
                draft = _Draft(ident, line, cited_requirement_ids(others), text)
                self._emit(draft)
                self.criteria_found[-1].status = status

    @staticmethod
    def _id_column(table, header: list[str] | None, columns: int) -> int | None:
        if header:
            for index, (name, raw) in enumerate(zip(header, table.header or [], strict=False)):
                if name in _ID_HEADERS or raw.strip() == "#":
                    return index
        for index in range(columns):
            cells = [cells[index].strip("*_` []") for _, cells in table.rows if len(cells) > index]
            ids = sum(1 for cell in cells if ID_RE.fullmatch(cell))
            if ids and ids * 2 >= len(cells):
                return index
        return None

    @staticmethod
    def _text_column(table, header: list[str] | None, columns: int, id_column: int) -> int | None:
        if header:
            for index, name in enumerate(header):
                if index != id_column and _DESC_HEADER_RE.match(name):
                    return index
        best, best_length = None, -1
        for index in range(columns):
            if index == id_column:
                continue
            cells = [cells[index] for _, cells in table.rows if len(cells) > index]
            length = sum(len(cell) for cell in cells) / max(len(cells), 1)
            if length > best_length:
                best, best_length = index, length
        return best


# ---------------------------------------------------------------------------------------------
# Merging sources


class _Registry:
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
        if not first_text or not second_text or _comparable(first_text) == _comparable(second_text):
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
                    f"{where_first} says '{_short(first_text)}', {where_second} says "
                    f"'{_short(second_text)}'; the first is used."
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


def _short(text: str, limit: int = 80) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Entry point

_PRIMARY_YAML = ("requirements.yml", "requirements.yaml")
_POINTS_TO_YAML_RE = re.compile(r"requirements\.ya?ml", re.IGNORECASE)


def _yaml_order(name: str) -> tuple[int, str]:
    return (0 if name in _PRIMARY_YAML else 1, name)


def extract_requirements(
    prd_text: str | None,
    yaml_texts: dict[str, str],
    fdd_text: str | None = None,
    *,
    prd_name: str = "prd.md",
    fdd_name: str = "fdd.md",
) -> RequirementSet:
    """Requirements and acceptance criteria of a pack. Never raises.

    ``yaml_texts`` maps file names (``requirements.yml``, ``requirements_bulk.yml`` ...) to their
    text; ``requirements.yml`` is read first and is the primary source, then the others, then the
    PRD, then FR definitions of the FDD that no other source has.
    """
    registry = _Registry()
    pending = []
    links: list[tuple[str, str, str, int | None]] = []
    for name in sorted(yaml_texts, key=_yaml_order):
        try:
            from torus_mcp.specs.requirements.yaml_reader import read_requirements_yaml

            parsed = read_requirements_yaml(yaml_texts[name], name)
        except Exception as error:  # a parser bug on odd input must not take the server down
            registry.findings.append(_crash(name, error))
            continue
        for requirement in parsed.requirements:
            registry.add_requirement(requirement)
        for criterion in parsed.criteria:
            registry.add_criterion(criterion)
        pending.extend(parsed.unnamed)
        links.extend(parsed.links)
        registry.findings.extend(parsed.findings)

    mentions: list[tuple[str, str, int]] = []
    for text, name, criteria in ((prd_text, prd_name, True), (fdd_text, fdd_name, False)):
        if not text:
            continue
        try:
            source = _MarkdownSource(text, name, criteria=criteria)
            source.run()
        except Exception as error:
            registry.findings.append(_crash(name, error))
            continue
        for requirement in source.requirements:
            registry.add_requirement(requirement, only_new=not criteria)
        for criterion in source.criteria_found:
            registry.add_criterion(criterion)
        registry.findings.extend(source.findings)
        if criteria:
            mentions.extend((ident, name, line) for ident, line in source.mentions)

    try:
        _resolve_unnamed(registry, pending)
        for criterion_id, requirement_id, document, line in links:
            registry.link(criterion_id, requirement_id, document, line)
        _report_mentions(registry, mentions)
        if not yaml_texts and prd_text and not registry.requirements:
            _report_missing_yaml(registry, prd_text, prd_name)
    except Exception as error:
        registry.findings.append(_crash("requirements", error))
    return registry.result()


def _resolve_unnamed(registry: _Registry, pending: list) -> None:
    """Requirements without an id (``requirements_bulk.yml``) take the id of the one titled alike."""
    by_title: dict[str, Requirement] = {}
    for requirement in registry.requirements.values():
        by_title.setdefault(_comparable(requirement.title), requirement)
    for unnamed in pending:
        match = by_title.get(_comparable(unnamed.title))
        if match is None:
            registry.findings.append(
                Finding(
                    rule=PARSE_RULE,
                    severity="warning",
                    document=unnamed.document,
                    line=unnamed.line,
                    message=(
                        f"requirement '{_short(unnamed.title, 60)}' in {unnamed.document} has no id and "
                        "no requirement with that title exists elsewhere, so its acceptance criteria "
                        "cite no requirement."
                    ),
                    fix="Give it an id (id: FR-00N) matching requirements.yml.",
                )
            )
        elif unnamed.document not in match.sources:
            match.sources.append(unnamed.document)
        for criterion in unnamed.criteria:
            if match is not None:
                criterion.cites.append(match.id)
            registry.add_criterion(criterion)


def _report_mentions(registry: _Registry, mentions: list[tuple[str, str, int]]) -> None:
    known = set(registry.requirements) | set(registry.criteria_by_id)
    reported: set[str] = set()
    for ident, document, line in mentions:
        key = normalize_id(ident)
        if key in known or key in reported:
            continue
        reported.add(key)
        registry.findings.append(
            Finding(
                rule=PARSE_RULE,
                severity="info",
                document=document,
                line=line,
                message=f"{ident} is mentioned on line {line} but never defined with its text.",
                fix=f"Define it as a table row or list item such as '- {ident}: text'.",
            )
        )


def _report_missing_yaml(registry: _Registry, prd_text: str, prd_name: str) -> None:
    for number, line in enumerate(prd_text.splitlines(), start=1):
        if _POINTS_TO_YAML_RE.search(line):
            registry.findings.append(
                Finding(
                    rule=PARSE_RULE,
                    severity="warning",
                    document=prd_name,
                    line=number,
                    message=f"{prd_name} says requirements live in requirements.yml, but the pack has none.",
                    fix="Add requirements.yml with the FR and AC ids, or list them in the PRD.",
                )
            )
            return


def _crash(document: str, error: Exception) -> Finding:
    return Finding(
        rule=PARSE_RULE,
        severity="warning",
        document=document,
        message=f"{document} could not be read for requirements ({type(error).__name__}: {error}).",
        fix="Check the file's structure; report the text if it looks valid.",
    )
