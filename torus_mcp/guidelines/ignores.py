"""`# torus-mcp: ignore RULE-ID` on the line before a finding silences it.

Several ids may follow, separated by spaces or commas. In templates the same words go in a HEEx
comment: `<%!-- torus-mcp: ignore HEEX-INLINE-SCRIPT --%>`.
"""

from __future__ import annotations

import re

_IGNORE = re.compile(r"(?:#|<%!--|<!--)\s*torus-mcp:\s*ignore\s+([A-Za-z0-9, -]+)")


def ignored_rules(line_text: str) -> frozenset[str]:
    """The rule ids an ignore comment on this line names (empty when there is none)."""
    match = _IGNORE.search(line_text)
    if not match:
        return frozenset()
    return frozenset(
        word.upper() for word in re.split(r"[\s,]+", match.group(1)) if re.search("[A-Za-z]", word)
    )


def is_ignored(lines: list[str], rule: str, line: int) -> bool:
    """Whether the line before `line` (1-based) names `rule` in an ignore comment."""
    return 2 <= line <= len(lines) + 1 and rule in ignored_rules(lines[line - 2])
