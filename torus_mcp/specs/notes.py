"""Assumptions and open questions stated in a Markdown document.

Notes come as headings (``### Assumptions``, ``## Open Questions & Follow-ups``), labels
(``Assumptions:``, ``- **Explicit Assumptions**``, ``Open Questions:``) over a list, or inline
(``- Assumption: text``). Under a heading that mixes both ("Open Questions & Assumptions") without
labels, an item ending in a question mark is a question and any other an assumption.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from torus_mcp.specs.entries import HEADING, ITEM, LINE, Entry, MarkdownView, view_of
from torus_mcp.specs.parse_guard import guarded
from torus_mcp.specs.sections import Section, normalize_title


class Note(BaseModel):
    """An assumption or an open question stated in a document."""

    kind: Literal["assumption", "open_question"]
    text: str
    document: str
    line: int | None = None


_ASSUMPTION, _QUESTION, _MIXED, _LABELS = "assumption", "open_question", "mixed", "labels"
_ASSUMPTION_WORD_RE = re.compile(r"\bassum\w*|\bclarifications?\b")
_QUESTION_WORD_RE = re.compile(r"\bquestions?\b|\bfollow ?ups?\b|\bunknowns?\b|\bunresolved\b")
_ASSUMPTION_LABEL_RE = re.compile(r"^(?:\w+ ){0,2}assumptions?$")
_QUESTION_LABEL_RE = re.compile(
    r"^(?:(?:\w+ ){0,2}questions?|unknowns?(?: to confirm)?|what we don ?t know\b.*|open items?)$"
)
_LABEL_RE = re.compile(r"^[*_\s]*(?P<name>[^:*_\n][^:\n]{0,58}?)[*_\s]*:[*_\s]*(?P<rest>.*)$", re.DOTALL)
_BOLD_RE = re.compile(r"^(\*\*|__)(?P<name>[^*_\n]{1,60}?)\1\s*:?\s*$")
_PLACEHOLDER_RE = re.compile(
    r"^(?:n/?a|none|nothing|none yet|none at this time|no open questions|no assumptions|-+|—|–)\.?$",
    re.IGNORECASE,
)


def _heading_kind(title: str) -> str | None:
    """How a heading governs the notes under it, from its words."""
    normalized = normalize_title(title)
    parts = [p for p in re.split(r"\band\b", normalized) if p.strip()]
    assumption = [bool(_ASSUMPTION_WORD_RE.search(p)) for p in parts]
    question = [bool(_QUESTION_WORD_RE.search(p)) for p in parts]
    if any(assumption) and any(question):
        return _MIXED
    if parts and all(assumption):
        return _ASSUMPTION
    if parts and all(question):
        return _QUESTION
    if any(assumption) or any(question):
        # "Requirements & Assumptions": only labelled lists inside it are notes.
        return _LABELS
    return None


def _label(text: str) -> tuple[str | None, str] | None:
    """``(kind, rest)`` when the first line of ``text`` is a label; kind None for other labels
    ("What we know:"). None when it is not a label."""
    first = text.split("\n", 1)[0].strip()
    bold = _BOLD_RE.match(first)
    if bold:
        name, rest = bold.group("name"), ""
    else:
        colon = _LABEL_RE.match(text.strip())
        if colon and len(colon.group("name").split()) <= 6:
            name, rest = colon.group("name"), colon.group("rest")
        elif len(first.split()) <= 4 and "\n" not in text.strip() and first.lower().endswith("s"):
            # A bare plural line such as "Explicit Assumptions" over a list; "an assumption" is prose.
            kind = _label_kind(first)
            return (kind, "") if kind else None
        else:
            return None
    return _label_kind(name), " ".join(rest.split())


def _label_kind(name: str) -> str | None:
    normalized = normalize_title(name)
    if _ASSUMPTION_LABEL_RE.match(normalized):
        return _ASSUMPTION
    if _QUESTION_LABEL_RE.match(normalized):
        return _QUESTION
    return None


def extract_notes(text: str, document: str) -> list[Note]:
    """Assumptions and open questions of a Markdown document, in order. Never raises."""
    return guarded(lambda: _NoteWalk(view_of(text), document).run(), lambda error: [])


class _NoteWalk:
    def __init__(self, view: MarkdownView, document: str):
        self.view = view
        self.document = document
        self.notes: list[Note] = []
        self.kinds = {s.line: _heading_kind(s.title) for s in view.sections}
        self.pseudo_lines = {s.line for s in view.sections if s.pseudo}

    def section_kind(self, entry: Entry) -> str | None:
        sections: list[Section] = self.view.enclosing_sections(entry.line)
        for section in sections:
            if section.line == entry.line:
                continue
            kind = self.kinds.get(section.line)
            if kind is not None:
                return kind
        return None

    def run(self) -> list[Note]:
        scope_kind: str | None = None
        scope_owner: Entry | None = None  # the label item whose children are notes
        scope_line: Entry | None = None  # the paragraph label whose following list items are notes
        noted: list[Entry] = []
        for entry in self.view.entries:
            if entry.kind == HEADING or (entry.kind == LINE and entry.line in self.pseudo_lines):
                # A bold line such as "**Open Questions**" is a heading here, not a label.
                scope_kind = scope_owner = scope_line = None
                continue
            if entry.kind not in (ITEM, LINE):
                continue
            if any(entry.descends_from(note) for note in noted[-3:]):
                continue  # details of a note, not notes of their own
            label = _label(entry.text)
            in_scope = self._in_scope(entry, scope_owner, scope_line)
            if not in_scope:
                scope_kind = scope_owner = scope_line = None
            if label is not None:
                kind, rest = label
                if rest and kind is not None:
                    self.add(kind, rest, entry)
                    noted.append(entry)
                    continue
                if not rest:
                    scope_kind = kind
                    scope_owner = entry if entry.kind == ITEM else None
                    scope_line = entry if entry.kind == LINE else None
                    continue
            kind = scope_kind if in_scope and (scope_owner or scope_line) else self.section_kind(entry)
            if kind == _MIXED:
                kind = _QUESTION if "?" in entry.text.split("\n", 1)[0] else _ASSUMPTION
            if kind in (_ASSUMPTION, _QUESTION) and self.add(kind, entry.text, entry):
                noted.append(entry)
        return self.notes

    @staticmethod
    def _in_scope(entry: Entry, owner: Entry | None, label_line: Entry | None) -> bool:
        if owner is not None:
            return entry.parent is owner
        if label_line is not None:
            return entry.kind == ITEM and entry.parent is label_line.parent and entry.line > label_line.line
        return False

    def add(self, kind: str, text: str, entry: Entry) -> bool:
        cleaned = " ".join(text.split())
        if not cleaned or _PLACEHOLDER_RE.match(cleaned.strip("*_ ")):
            return False
        self.notes.append(Note(kind=kind, text=cleaned, document=self.document, line=entry.line))  # type: ignore[arg-type]
        return True
