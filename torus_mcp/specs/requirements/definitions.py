"""Whether a Markdown entry defines an id (``FR-001: text``, ``**AC-001** (FR-001) — text``) or only
mentions it in prose (``FR-001 and FR-002 are ...``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from torus_mcp.specs.requirements.citations import cited_requirement_ids

_SEPARATORS = ":-–—|.)"
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


def defined_id(text: str, definitional: Callable[[], bool]) -> tuple[str, list[str], str] | None:
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
