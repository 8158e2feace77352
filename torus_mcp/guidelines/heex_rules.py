"""The HEEx rules, read from template text: a .heex file or the content of a ~H sigil.

Comments (`<%!-- --%>`, `<!-- -->`, `<%# %>`) are blanked out first, so commented-out markup is
never flagged. Tags are scanned with their attributes (quotes, `{...}` expressions and EEx inside
them), which is what the form, script and attribute rules need; the rest are plain patterns.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from torus_mcp.guidelines.rules import Hit

_COMMENTS = re.compile(r"<%!--.*?--%>|<!--.*?-->|<%#.*?%>", re.DOTALL)
_TAG_NAME = re.compile(r"[A-Za-z.:][\w.:-]*")
_ENUM_EACH = re.compile(r"<%=?\s*Enum\.each\b")
_LIVE_NAV = re.compile(r"(?:<%=?\s*|\{\s*|<\.)(live_(?:redirect|patch))\b")
_PHX_UPDATE = re.compile(r"""phx-update\s*=\s*(?:\{\s*)?["'](append|prepend)["']""")
_FORM_TAGS = frozenset({".form", ".simple_form"})
_LET = re.compile(r"(?<![\w:@-])let\s*=")
_FOR_CHANGESET = re.compile(r"(?<![\w:@-])for\s*=\s*\{\s*(@?\w*changeset\w*)\s*\}")
_SRC = re.compile(r"(?<![\w:@-])src\s*=")
_RAW_TEXT_TAGS = frozenset({"script", "style"})


class _Tag(NamedTuple):
    name: str
    start: int
    attrs_start: int
    end: int
    eex: list[int]


def heex_hits(text: str) -> list[Hit]:
    """Every HEEx rule hit in `text`, with 1-based lines and columns relative to it."""
    masked = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    where = _Positions(masked)
    hits: list[Hit] = []
    for tag in _tags(masked):
        attrs = masked[tag.attrs_start : tag.end]
        if tag.name in _FORM_TAGS:
            let = _LET.search(attrs)
            if let:
                hits.append(
                    where.hit("HEEX-FORM-LET", tag.attrs_start + let.start(), f"<{tag.name} let={{...}}>")
                )
            changeset = _FOR_CHANGESET.search(attrs)
            if changeset:
                hits.append(
                    where.hit(
                        "HEEX-FORM-CHANGESET",
                        tag.attrs_start + changeset.start(),
                        f"<{tag.name} for={{{changeset.group(1)}}}> hands a changeset to the template",
                    )
                )
        if tag.name == "script" and not _SRC.search(attrs):
            hits.append(where.hit("HEEX-INLINE-SCRIPT", tag.start, "inline <script> in a template"))
        for offset in tag.eex:
            hits.append(
                where.hit("HEEX-EEX-IN-ATTR", offset, f"<%= ... %> inside the attributes of <{tag.name}>")
            )
    for match in _ENUM_EACH.finditer(masked):
        hits.append(where.hit("HEEX-ENUM-EACH", match.start(), "<% Enum.each %> renders nothing"))
    for match in _LIVE_NAV.finditer(masked):
        hits.append(where.hit("HEEX-LIVE-REDIRECT", match.start(1), f"deprecated {match.group(1)}"))
    for match in _PHX_UPDATE.finditer(masked):
        hits.append(
            where.hit("HEEX-PHX-UPDATE-APPEND", match.start(), f'deprecated phx-update="{match.group(1)}"')
        )
    return sorted(hits, key=lambda hit: (hit.line, hit.column or 0, hit.rule))


class _Positions:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def hit(self, rule: str, offset: int, message: str) -> Hit:
        index = bisect.bisect_right(self.starts, offset) - 1
        return Hit(rule, index + 1, offset - self.starts[index] + 1, message)


def _tags(text: str) -> Iterator[_Tag]:
    """Opening tags in document order; EEx blocks in the body and raw <script>/<style> text are skipped."""
    i, size = 0, len(text)
    while i < size:
        lt = text.find("<", i)
        if lt < 0:
            return
        if text.startswith("<%", lt):
            i = _eex_end(text, lt)
            continue
        name = _TAG_NAME.match(text, lt + 1)
        if not name:
            i = lt + 1
            continue
        tag = _scan_tag(text, name.group(), lt, name.end())
        yield tag
        i = tag.end + 1
        if tag.name.lower() in _RAW_TEXT_TAGS:
            close = text.lower().find(f"</{tag.name.lower()}", i)
            i = size if close < 0 else close


def _scan_tag(text: str, name: str, start: int, attrs_start: int) -> _Tag:
    """Scan attributes up to the `>` that closes the tag, noting EEx (`<%`) found among them."""
    eex: list[int] = []
    i, size, depth, quote = attrs_start, len(text), 0, ""
    while i < size:
        if text.startswith("<%", i) and depth == 0:
            eex.append(i)
            i = _eex_end(text, i)
            continue
        char = text[i]
        if quote:
            if depth and char == "\\":
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == ">" and depth == 0:
            return _Tag(name, start, attrs_start, i, eex)
        i += 1
    return _Tag(name, start, attrs_start, size, eex)


def _eex_end(text: str, start: int) -> int:
    end = text.find("%>", start + 2)
    return len(text) if end < 0 else end + 2
