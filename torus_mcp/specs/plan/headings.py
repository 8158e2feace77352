"""Phase headings of plan.md: "Phase 2: Core Routing (Complete)" read as number, name and status suffix."""

from __future__ import annotations

import re

from torus_mcp.specs.sections import clean_title

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_PHASE_RE = re.compile(
    r"^phase\s*[-_#]?\s*(?P<num>\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")(?!\w|\.\d)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_STATUS_WORDS = (
    r"complete|completed|done|finished|in[ -]progress|wip|blocked|pending|not[ -]started|todo|"
    r"skipped|deferred|optional|draft|cancell?ed|superseded|shipped|merged|removed|dropped"
)
_TRAILING_SUFFIX_RE = re.compile(
    r"\s*(?P<suffix>\*\([^)]*\)\*|_\([^)]*\)_|\((?:" + _STATUS_WORDS + r")\b[^)]*\)"
    r"|\[(?:x|done|complete)\]|[✅✔☑✓])\s*$",
    re.IGNORECASE,
)
_LEADING_SUFFIX_RE = re.compile(
    r"^(?P<suffix>\((?:" + _STATUS_WORDS + r")\b[^)]*\)|[✅✔☑✓])\s*", re.IGNORECASE
)
_SEPARATOR_RE = re.compile(r"^[\s:.\-–—)|]+")
COMPLETE_RE = re.compile(r"\b(?:complete|completed|done|finished|shipped)\b|[✅✔☑✓]", re.IGNORECASE)


def phase_heading(title: str) -> tuple[str, str, str | None] | None:
    """``"Phase 2: Core Routing (Complete)"`` -> ``("2", "Core Routing", "(Complete)")``; else None.

    The number comes back as printed ("two" as "2"); "1.5" is an inserted phase between 1 and 2."""
    match = _PHASE_RE.match(title.strip())
    if not match:
        return None
    raw_number = match.group("num").lower()
    number = raw_number if raw_number[0].isdigit() else str(NUMBER_WORDS[raw_number])
    rest = match.group("rest")
    suffixes: list[str] = []
    # Status may sit between the number and the name: "Phase 0 (Complete): Alignment".
    rest = _SEPARATOR_RE.sub("", rest)
    leading = _LEADING_SUFFIX_RE.match(rest)
    if leading:
        suffixes.append(leading.group("suffix"))
        rest = _SEPARATOR_RE.sub("", rest[leading.end() :])
    leading_count = len(suffixes)
    while trailing := _TRAILING_SUFFIX_RE.search(rest):
        # Found right to left; inserting after the leading ones keeps the printed order.
        suffixes.insert(leading_count, trailing.group("suffix"))
        rest = rest[: trailing.start()]
    name = clean_title(rest.strip().rstrip(":-–—").strip())
    return number, name, " ".join(suffixes) or None
