"""What a document flags for attention: TODO, TBD and FIXME markers.

Markers count only as whole upper-case words outside fenced and inline code: ``TBD`` and
``TODO:`` count, ``TBDs``, ``todo`` and `` `TODO` `` do not (quoting the word is talking about it),
nor does a line that talks about a marker: "Removed TODO comment", "the TODO at line 1076".
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from torus_mcp.specs.entries import view_of
from torus_mcp.specs.markdown import split_lines
from torus_mcp.specs.parse_guard import guarded


class Marker(BaseModel):
    """A TODO, TBD or FIXME left in a document."""

    kind: Literal["TODO", "TBD", "FIXME"]
    document: str
    line: int
    text: str
    """The line, stripped (cut at 200 characters)."""


_MARKER_RE = re.compile(r"(?<![A-Za-z0-9_])(TODO|TBD|FIXME)(?![A-Za-z0-9_])")
# Talking about a marker rather than leaving one: "Removed TODO comment", "the TODO at line 1076".
_MENTION_BEFORE_RE = re.compile(
    r"\b(?:remove[ds]?|removing|delete[ds]?|deleting|resolve[ds]?|resolving|fixe[ds]|replace[ds]?|no|any)\W*$",
    re.IGNORECASE,
)
_MENTION_AFTER_RE = re.compile(
    r"^\W*(?:comments?|markers?|items?|at line|line \d|in \w+\.\w+)", re.IGNORECASE
)
_INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_MARKDOWN_SUFFIXES = (".md", ".markdown")


def find_markers(text: str, document: str) -> list[Marker]:
    """TODO/TBD/FIXME markers with their lines; in Markdown, code (fenced, indented, inline) is
    skipped. Other documents (YAML) are scanned line by line. Never raises."""
    return guarded(lambda: _find_markers(text, document), lambda error: [])


def _find_markers(text: str, document: str) -> list[Marker]:
    if not _MARKER_RE.search(text):
        return []
    markdown = document.lower().endswith(_MARKDOWN_SUFFIXES)
    code = view_of(text).code_lines if markdown else frozenset()
    markers: list[Marker] = []
    for number, line in enumerate(split_lines(text), start=1):
        if number in code:
            continue
        scanned = _INLINE_CODE_RE.sub(lambda m: " " * len(m.group(0)), line) if markdown else line
        for match in _MARKER_RE.finditer(scanned):
            if _MENTION_BEFORE_RE.search(scanned[: match.start()]) or _MENTION_AFTER_RE.match(
                scanned[match.end() :]
            ):
                continue
            markers.append(
                Marker(kind=match.group(1), document=document, line=number, text=line.strip()[:200])
            )  # type: ignore[arg-type]
    return markers
