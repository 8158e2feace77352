"""One CommonMark parse of a Markdown document, and its lines counted the way the parser counts them.

The parse is cached by text, so the sections, the plan and the requirement reader of one document all
walk the same tokens. YAML front matter is blanked before parsing, keeping every line number.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """Split on ``\\n``, ``\\r\\n`` and ``\\r`` exactly as the Markdown parser counts lines.

    ``str.splitlines`` also splits on form feeds and Unicode separators, which would shift every
    line number after them relative to the parser's.
    """
    lines = _LINE_RE.findall(text)
    if keepends:
        return lines
    return [line.rstrip("\r\n") for line in lines]


def line_span(text: str, first_line: int, last_line: int) -> tuple[int, int]:
    """Character offsets ``[start, end)`` of lines ``first_line..last_line`` (1-based, inclusive)."""
    lines = split_lines(text, keepends=True)
    first = max(first_line, 1) - 1
    last = min(last_line, len(lines))
    start = sum(len(line) for line in lines[:first])
    end = start + sum(len(line) for line in lines[first:last])
    return start, end


def lines_text(text: str, first_line: int, last_line: int) -> str:
    """The exact text of lines ``first_line..last_line`` (1-based, inclusive), line endings kept."""
    start, end = line_span(text, first_line, last_line)
    return text[start:end]


@functools.cache
def _parsers() -> tuple[MarkdownIt, MarkdownIt]:
    """A block-only CommonMark parser and a full one for the few lines that need inline parsing."""
    # Imported here: importing torus_mcp.specs must stay cheap for server start-up.
    from markdown_it import MarkdownIt

    # Inline parsing of every paragraph is most of the cost and only bold-line pseudo-headings
    # need it, so block parsing skips it and candidate lines are parsed one by one.
    return MarkdownIt("commonmark").disable("inline"), MarkdownIt("commonmark")


_FRONT_MATTER_END = ("---", "...")


def _blank_front_matter(text: str) -> str:
    """Replace a leading YAML front matter block with empty lines, keeping every line number.

    CommonMark would read ``---`` / ``title: x`` / ``---`` as a rule and a setext heading.
    """
    if not text.startswith("---"):
        return text
    lines = split_lines(text, keepends=True)
    if lines[0].rstrip("\r\n") != "---":
        return text
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") in _FRONT_MATTER_END:
            if index == 1:
                return text  # "---" twice: two rules, not front matter
            blanked = [line[len(line.rstrip("\r\n")) :] for line in lines[: index + 1]]
            return "".join(blanked + lines[index + 1 :])
    return text


def markdown_tokens(text: str) -> list[Token]:
    """Block tokens of ``text`` (CommonMark, YAML front matter ignored); ``token.map`` gives 0-based
    line ranges and inline tokens carry their raw source in ``content`` (no inline children).

    The Token objects are shared between callers (the sections, the plan and the requirement reader
    of one document all walk the same parse): read them, never change them."""
    return list(_cached_tokens(text))


@functools.lru_cache(maxsize=16)
def _cached_tokens(text: str) -> tuple[Token, ...]:
    return tuple(_parsers()[0].parse(_blank_front_matter(text)))


def inline_tokens(line: str) -> list[Token]:
    """Inline tokens of one line (bold runs, code spans ...), for the few lines that need them."""
    return _parsers()[1].parseInline(line)
