"""A Markdown document flattened into *entries*: headings, list items, paragraph lines and tables.

Requirement and note extraction both need the same view of a document: which lines are code,
which section a line belongs to, which list item encloses which, and where a line starts a new
statement (``FR-001: ...``, ``Given ...``, ``Assumptions:``) inside a paragraph. One CommonMark
parse gives all of it; the result is cached by text, so a pack's extractors share it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from torus_mcp.specs.markdown import markdown_tokens, split_lines
from torus_mcp.specs.sections import Section, sections_from_tokens

if TYPE_CHECKING:
    from markdown_it.token import Token

HEADING, ITEM, LINE, TABLE = "heading", "item", "line", "table"


@dataclass(eq=False)
class Table:
    """A pipe table (CommonMark has no tables, so they arrive as paragraph lines)."""

    header: list[str] | None
    rows: list[tuple[int, list[str]]]
    """(1-based line, cells) of each data row."""


@dataclass(eq=False)
class Entry:
    """One statement-sized piece of a document, in document order."""

    index: int
    kind: str
    """``heading``, ``item`` (list item, its lead paragraph), ``line`` (paragraph line) or ``table``."""
    line: int
    """1-based first line."""
    text: str
    """Raw text: heading text, the item's lead paragraph, or paragraph lines joined by newlines."""
    depth: int
    """List nesting depth: 0 outside lists, 1 for the items of a top-level list, and so on."""
    parent: Entry | None
    """The list item this entry is nested in."""
    level: int = 0
    """Heading level for headings."""
    table: Table | None = None
    children: list[Entry] = field(default_factory=list)

    def descends_from(self, ancestor: Entry) -> bool:
        node = self.parent
        while node is not None:
            if node is ancestor:
                return True
            node = node.parent
        return False


@dataclass(eq=False)
class MarkdownView:
    """Everything the extractors need from one parse of a Markdown text."""

    lines: list[str]
    sections: list[Section]
    entries: list[Entry]
    code_lines: frozenset[int]
    """1-based lines inside fenced or indented code blocks (fence lines included)."""

    _enclosing: dict[int, list[Section]] = field(default_factory=dict, repr=False)

    def enclosing_sections(self, line: int) -> list[Section]:
        """Sections containing ``line``, innermost first. Callers must not change the list."""
        found = self._enclosing.get(line)
        if found is None:
            found = [s for s in reversed(self.sections) if s.line <= line <= s.end_line]
            self._enclosing[line] = found
        return found


# A line that begins a new statement even inside a paragraph: an id, a Given/When/Then keyword,
# a bold run, or a short label ending with a colon. Any other line continues the one before.
_DECORATION = r"(?:[-*+]\s+|\d{1,3}[.)]\s+)?(?:\[[ xX]\]\s+)?[*_`\[]{0,3}"
_STARTS_RE = re.compile(
    r"^" + _DECORATION + r"(?:(?:NFR|FR|AC)-?\d{1,4}[a-z]?(?![A-Za-z0-9])|given\b)"
    r"|^(?:\*\*|__)"
    r"|^[A-Za-z][\w ,&/()'’-]{0,58}:\s*$",
    re.IGNORECASE,
)
_NOTE_LABEL_RE = re.compile(
    r"^(?:\w+ ){0,2}(?:assumptions?|open questions?|questions|unknowns?)\s*:?\s*$", re.IGNORECASE
)


def starts_statement(line: str) -> bool:
    stripped = line.strip()
    return bool(_STARTS_RE.match(stripped) or _NOTE_LABEL_RE.match(stripped))


def view_of(text: str) -> MarkdownView:
    """The cached view of ``text``. Callers must not change it."""
    return _cached_view(text)


@functools.lru_cache(maxsize=64)
def _cached_view(text: str) -> MarkdownView:
    lines = split_lines(text)
    tokens = markdown_tokens(text)
    sections = sections_from_tokens(tokens, lines)
    code: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map is not None:
            code.update(range(token.map[0] + 1, token.map[1] + 1))
    return MarkdownView(lines=lines, sections=sections, entries=_walk(tokens), code_lines=frozenset(code))


def _add(entries: list[Entry], entry: Entry) -> Entry:
    entries.append(entry)
    if entry.parent is not None:
        entry.parent.children.append(entry)
    return entry


def _walk(tokens: list[Token]) -> list[Entry]:
    """Entries from the flat token stream (cheaper than building markdown-it's syntax tree)."""
    entries: list[Entry] = []
    items: list[Entry] = []  # the list items enclosing the current token, outermost first
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "list_item_open":
            if token.map is None:
                continue
            parent = items[-1] if items else None
            items.append(
                _add(entries, Entry(len(entries), ITEM, token.map[0] + 1, "", len(items) + 1, parent))
            )
        elif kind == "list_item_close":
            if items:
                items.pop()
        elif kind == "heading_open" and token.map is not None:
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            content = inline.content if inline is not None and inline.type == "inline" else ""
            level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            parent = items[-1] if items else None
            _add(
                entries,
                Entry(len(entries), HEADING, token.map[0] + 1, content, len(items), parent, level=level),
            )
        elif kind == "paragraph_open" and token.map is not None:
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            content = inline.content if inline is not None and inline.type == "inline" else ""
            if index > 0 and tokens[index - 1].type == "list_item_open" and items:
                # The first paragraph of a list item is the item's own text.
                items[-1].text = content
            else:
                _paragraph(content, token.map[0] + 1, entries, len(items), items[-1] if items else None)
        # fence, code_block, html_block and hr hold no statements.
    return entries


_SEPARATOR_ROW_RE = re.compile(r"^\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$")


def split_cells(row: str) -> list[str]:
    """Cells of a pipe-table row; ``\\|`` is a literal pipe."""
    body = row.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.replace("\\|", "|").strip() for cell in cells]


def _table(rows: list[tuple[int, str]]) -> Table:
    if len(rows) >= 2 and _SEPARATOR_ROW_RE.match(rows[1][1]):
        return Table(header=split_cells(rows[0][1]), rows=[(n, split_cells(r)) for n, r in rows[2:]])
    return Table(header=None, rows=[(n, split_cells(r)) for n, r in rows if not _SEPARATOR_ROW_RE.match(r)])


def _paragraph(content: str, first: int, entries: list[Entry], depth: int, parent: Entry | None) -> None:
    current: Entry | None = None
    table_rows: list[tuple[int, str]] = []

    def flush_table() -> None:
        if table_rows:
            table = _table(table_rows)
            _add(entries, Entry(len(entries), TABLE, table_rows[0][0], "", depth, parent, table=table))
            table_rows.clear()

    for offset, raw in enumerate(content.split("\n")):
        line = raw.strip()
        if line.startswith("|"):
            table_rows.append((first + offset, line))
            current = None
            continue
        flush_table()
        if current is None or starts_statement(line):
            current = _add(entries, Entry(len(entries), LINE, first + offset, line, depth, parent))
        else:
            current.text += "\n" + line
    flush_table()
