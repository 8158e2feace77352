"""Requirements and acceptance criteria written in Markdown (prd.md, fdd.md).

prd.md holds FR tables with an ID column, ``- FR1: ...`` / ``**FR-001** ...`` lists and ``### FR-001``
headings; acceptance criteria as ``AC-001 (FR-001, FR-002) — Given … when … then …`` one-liners,
multi-line Given/When/Then blocks, and unnumbered items under an "Acceptance Criteria" heading.
fdd.md is read for requirement definitions only.
"""

from __future__ import annotations

import re

from torus_mcp.specs.entries import HEADING, ITEM, LINE, TABLE, Entry, MarkdownView, view_of
from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import ID_RE, id_kind, normalize_id
from torus_mcp.specs.requirements.citations import cited_requirement_ids, find_ids
from torus_mcp.specs.requirements.definitions import defined_id
from torus_mcp.specs.requirements.model import (
    PARSE_RULE,
    AcceptanceCriterion,
    Requirement,
    is_given_when_then,
)
from torus_mcp.specs.sections import Section, normalize_title

_GIVEN_RE = re.compile(r"\bgiven\b", re.IGNORECASE)
_KEYWORD_RE = re.compile(r"^[\s>*_`]*(given|when|then|and|but)\b[*_`:]*", re.IGNORECASE)
_PLACEHOLDER_RE = re.compile(r"^(?:n/?a|none|nothing|tbd|tba|-+|—|–)\.?$", re.IGNORECASE)
_NOTE_RE = re.compile(r"^[*_\s]*(?:note|notes|nb|n\.b\.)[*_\s]*:", re.IGNORECASE)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clean(text: str) -> str:
    """One line without leading/trailing emphasis markers left over from ``**FR-001:** text``."""
    return _one_line(text).strip("*_ ").strip()


def _keyword(text: str) -> str | None:
    match = _KEYWORD_RE.match(text)
    return match.group(1).lower() if match else None


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


class MarkdownSource:
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
                defined_id(entry.text, lambda: self._definitional(entry)) if entry.kind != TABLE else None
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
