"""Labels inside a phase of plan.md: "Goal:", "- **Tasks**", "Definition of Done:", "Gate:" and others."""

from __future__ import annotations

import re

from torus_mcp.specs.sections import normalize_title

GOAL, TASKS, DOD, GATE, OTHER = "goal", "tasks", "dod", "gate", "other"
_KIND_PATTERNS = [
    (GOAL, re.compile(r"^(?:goals?|objectives?|purpose|intent|outcome)$")),
    (
        TASKS,
        re.compile(
            r"^(?:(?:\w+ ){0,3}tasks?|tests?|testing|(?:\w+ )?test plan|work items?|steps|"
            r"checklist|to ?dos?|deliverables)$"
        ),
    ),
    (DOD, re.compile(r"^(?:definition of done|dod|done when|done criteria|completion criteria)$")),
    (
        GATE,
        re.compile(
            r"^(?:(?:phase |quality |acceptance )?gates?(?: criteria| check)?|exit criteria|"
            r"gating criteria)$"
        ),
    ),
]
# Labels that are not ours but must end the list that precedes them, written without a colon-only
# line (``Command(s): `mix test` ``) so they are recognised even when followed by text.
_OTHER_LABELS = re.compile(
    r"^(?:dependencies|dependency|depends on|parallel\w*(?: work| notes?)?|references?|notes?|"
    r"commands?|command s|risks?|owners?|estimates?|scope|status|rationale|outputs?|inputs?|"
    r"artifacts?|verification|evidence|proof|blockers?)$"
)
_BOLD_LABEL_RE = re.compile(r"^(\*\*|__)(?P<name>.+?)\1(?P<rest>.*)$", re.DOTALL)
_COLON_LABEL_RE = re.compile(r"^(?P<name>[^:\n]{1,60}?):(?:\s+(?P<rest>.*))?$", re.DOTALL)


def label_of(text: str) -> tuple[str | None, str]:
    """Classify the start of a paragraph or list item: ``(kind, rest)`` or ``(None, text)``.

    "Tasks:" / "**Tasks**" / "**Goal:** text" are labels; "Add CHECK constraints: min/max" is not,
    so an unknown name counts as a label only when it is bold or stands alone before its colon.
    """
    stripped = text.strip()
    bold = _BOLD_LABEL_RE.match(stripped)
    if bold:
        name = bold.group("name").strip()
        rest = bold.group("rest").strip()
        has_colon = name.endswith(":") or rest.startswith(":")
        rest = rest[1:].strip() if rest.startswith(":") else rest
        is_bold = True
    else:
        colon = _COLON_LABEL_RE.match(stripped)
        if colon:
            name, rest, has_colon = colon.group("name").strip(), (colon.group("rest") or "").strip(), True
        else:
            name, rest, has_colon = stripped, "", False
        is_bold = False
    key = normalize_title(name.rstrip(":"))
    if not key:
        return None, text
    for kind, pattern in _KIND_PATTERNS:
        if pattern.match(key) and (has_colon or is_bold or not rest):
            if kind == TASKS and rest:
                # "Tests: `mix test x`" is a task that names its kind, not a label over a list.
                return None, text
            return kind, rest
    if _OTHER_LABELS.match(key) and (has_colon or is_bold):
        return OTHER, rest
    if (is_bold and (has_colon or not rest)) or (has_colon and not rest and len(key) <= 40):
        return OTHER, rest
    return None, text
