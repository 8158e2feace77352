"""Replacing one section of a Markdown document while every other byte stays as it was."""

from __future__ import annotations

import re

from torus_mcp.specs.markdown import split_lines
from torus_mcp.specs.sections import Section

_HEADING_LINE = re.compile(r"^(#{1,6}\s|\*\*[^*].*\*\*:?\s*$)")


def _starts_with_heading(content: str) -> bool:
    for line in content.splitlines():
        if line.strip():
            return bool(_HEADING_LINE.match(line.lstrip()))
    return False


def replace_section(text: str, section: Section, content: str) -> str:
    """The document with `section` (and its subsections) replaced by `content`.

    When `content` starts with a heading it replaces the heading too; otherwise the heading line
    is kept and only the body below it is replaced. The new block gets the document's line ending,
    and the blank line that separated it from the next section is kept.
    """
    # The parser's own line splitting, so line numbers agree even with form feeds or U+2028 in the text.
    lines = split_lines(text, keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    start = section.line - 1 if _starts_with_heading(content) else section.line
    end = min(section.end_line, len(lines))
    block = content.replace("\r\n", "\n").strip("\n")
    replacement = [line + newline for line in block.split("\n")] if block else []
    if start == section.line and replacement:
        replacement.insert(0, newline)  # a blank line between the kept heading and the new body
    old_tail_blank = end > start and not lines[end - 1].strip()
    if end < len(lines) and (old_tail_blank or not replacement):
        replacement.append(newline)
    if end == len(lines) and lines and not lines[-1].endswith("\n") and replacement:
        # The old document had no final newline: keep it that way.
        replacement[-1] = replacement[-1].rstrip("\r\n")
    return "".join(lines[:start] + replacement + lines[end:])
