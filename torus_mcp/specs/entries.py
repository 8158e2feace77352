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

from torus_mcp.specs.sections import Section, markdown_tokens, sections_from_tokens, split_lines

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

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

    def enclosing_sections(self, line: int) -> list[Section]:
        """Sections containing ``line``, innermost first."""
        found = [s for s in self.sections if s.line <= line <= s.end_line]
        return sorted(found, key=lambda s: s.line, reverse=True)


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
    from markdown_it.tree import SyntaxTreeNode

    lines = split_lines(text)
    tokens = markdown_tokens(text)
    sections = sections_from_tokens(tokens, lines)
    code: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map is not None:
            code.update(range(token.map[0] + 1, token.map[1] + 1))
    entries: list[Entry] = []
    _walk(SyntaxTreeNode(tokens).children, entries, 0, None)
    return MarkdownView(lines=lines, sections=sections, entries=entries, code_lines=frozenset(code))


def _add(entries: list[Entry], entry: Entry) -> Entry:
    entries.append(entry)
    if entry.parent is not None:
        entry.parent.children.append(entry)
    return entry


def _walk(nodes: list[SyntaxTreeNode], entries: list[Entry], depth: int, parent: Entry | None) -> None:
    for node in nodes:
        if node.map is None:
            continue
        if node.type == "heading":
            content = node.children[0].content if node.children else ""
            level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
            _add(entries, Entry(len(entries), HEADING, node.map[0] + 1, content, depth, parent, level=level))
        elif node.type == "paragraph":
            _paragraph(node, entries, depth, parent)
        elif node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                _item(item, entries, depth + 1, parent)
        elif node.type == "blockquote":
            _walk(node.children, entries, depth, parent)
        # fence, code_block, html_block and hr hold no statements.


def _item(item: SyntaxTreeNode, entries: list[Entry], depth: int, parent: Entry | None) -> None:
    if item.map is None:
        return
    children = list(item.children)
    lead = children[0] if children and children[0].type == "paragraph" else None
    text = lead.children[0].content if lead is not None and lead.children else ""
    entry = _add(entries, Entry(len(entries), ITEM, item.map[0] + 1, text, depth, parent))
    _walk(children[1:] if lead is not None else children, entries, depth, entry)


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


def _paragraph(node: SyntaxTreeNode, entries: list[Entry], depth: int, parent: Entry | None) -> None:
    if not node.children or node.map is None:
        return
    first = node.map[0] + 1
    current: Entry | None = None
    table_rows: list[tuple[int, str]] = []

    def flush_table() -> None:
        if table_rows:
            table = _table(table_rows)
            _add(entries, Entry(len(entries), TABLE, table_rows[0][0], "", depth, parent, table=table))
            table_rows.clear()

    for offset, raw in enumerate(node.children[0].content.split("\n")):
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
