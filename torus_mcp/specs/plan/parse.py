"""The plan model: phases of plan.md with their goal, tasks, definition of done and gate criteria.

Real plans vary: ``## Phase N: Name``, ``## Phase N. Name``, ``### Phase N — Name``, numbering from
0 or 1, status suffixes such as ``(Complete)``, labels written as ``Tasks:``, ``- Tasks:`` or
``- **Tasks**``, and trailing sections (Phase Gate Summary, Risks) that are not phases, sometimes
followed by one more phase. Tasks are checkbox items (``- [ ]`` / ``- [x]``); plans without any
checkbox list them as plain bullets under a ``Tasks:`` label, and those count as open tasks.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, computed_field

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import ids_in
from torus_mcp.specs.sections import (
    PSEUDO_LEVEL,
    Section,
    clean_title,
    lines_text,
    markdown_tokens,
    normalize_title,
    sections_from_tokens,
    split_lines,
)

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

DOCUMENT = "plan.md"


class Task(BaseModel):
    """One task of a phase."""

    index: int
    """1-based position within its phase, in document order."""
    text: str
    """Task text without the checkbox or bullet marker."""
    done: bool
    line: int
    """1-based line of the task's list item."""
    checkbox: bool
    """False when the plan lists tasks as plain bullets under a "Tasks:" label (never done)."""
    skipped: bool = False
    """Marked not applicable (``[N/A]``, ``[-]``, ``[~]``): counts as done, nothing left to do."""
    ids: list[str]
    """FR/NFR/AC ids cited in the text (FR-001, FR1, NFR-2, AC-004b ...), in order, unique."""


class Phase(BaseModel):
    """One ``Phase N`` heading of plan.md and everything under it."""

    number: int | None
    """The number as printed (phases start at 0 or 1); None for an inserted phase such as "1.5"."""
    key: str | None = None
    """The number exactly as printed: "2", or "1.5" for an inserted phase. How tools name a phase."""
    name: str
    """Title without "Phase N", separators and status suffixes, e.g. "Core Routing"."""
    heading: str
    """The heading line as printed."""
    line: int
    end_line: int
    """Last line of the phase: before the next phase heading or a non-phase heading of the same or a
    higher level; trailing blank lines included."""
    goal: str | None
    tasks: list[Task]
    definition_of_done: list[str]
    gate_criteria: list[str]
    suffix: str | None = None
    """What was stripped from the end of the title, e.g. "(Complete)" or an italic parallelism note."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def done(self) -> int:
        """Number of ticked tasks."""
        return sum(1 for task in self.tasks if task.done)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        """Number of tasks."""
        return len(self.tasks)

    @property
    def label(self) -> str:
        """How the phase is named in messages: ``Phase 2: Core Routing``."""
        printed = self.key if self.key is not None else self.number
        prefix = f"Phase {printed}" if printed is not None else "Phase"
        return f"{prefix}: {self.name}" if self.name else prefix


class Plan(BaseModel):
    """The phases of a plan and what the parser could not accept."""

    phases: list[Phase]
    has_checkboxes: bool
    """False when some phase lists its tasks as plain bullets, so progress cannot be ticked."""
    findings: list[Finding]


class PhaseLookupError(ValueError):
    """A phase query matched no phase, or more than one."""

    def __init__(self, message: str, phases: list[Phase], ambiguous: bool = False):
        super().__init__(message)
        self.phases = phases
        """The matching phases when ambiguous; every phase of the plan when nothing matched."""
        self.ambiguous = ambiguous


# ---------------------------------------------------------------------------------------------
# Phase headings

_NUMBER_WORDS = {
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
    r"^phase\s*[-_#]?\s*(?P<num>\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?!\w|\.\d)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_STATUS_WORDS = (
    r"complete|completed|done|finished|in[ -]progress|wip|blocked|pending|not[ -]started|todo|"
    r"skipped|deferred|optional|draft|cancell?ed|superseded|shipped|merged"
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
_COMPLETE_RE = re.compile(r"\b(?:complete|completed|done|finished|shipped)\b|[✅✔☑✓]", re.IGNORECASE)


def _phase_heading(title: str) -> tuple[str, str, str | None] | None:
    """``"Phase 2: Core Routing (Complete)"`` -> ``("2", "Core Routing", "(Complete)")``; else None.

    The number comes back as printed ("two" as "2"); "1.5" is an inserted phase between 1 and 2."""
    match = _PHASE_RE.match(title.strip())
    if not match:
        return None
    raw_number = match.group("num").lower()
    number = raw_number if raw_number[0].isdigit() else str(_NUMBER_WORDS[raw_number])
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


# ---------------------------------------------------------------------------------------------
# Labels inside a phase ("Goal:", "- **Tasks**", "Definition of Done:", "Gate:")

_GOAL, _TASKS, _DOD, _GATE, _OTHER = "goal", "tasks", "dod", "gate", "other"
_KIND_PATTERNS = [
    (_GOAL, re.compile(r"^(?:goals?|objectives?|purpose|intent|outcome)$")),
    (
        _TASKS,
        re.compile(
            r"^(?:(?:\w+ ){0,3}tasks?|tests?|testing|(?:\w+ )?test plan|work items?|steps|"
            r"checklist|to ?dos?|deliverables)$"
        ),
    ),
    (_DOD, re.compile(r"^(?:definition of done|dod|done when|done criteria|completion criteria)$")),
    (
        _GATE,
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


def _label(text: str) -> tuple[str | None, str]:
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
            if kind == _TASKS and rest:
                # "Tests: `mix test x`" is a task that names its kind, not a label over a list.
                return None, text
            return kind, rest
    if _OTHER_LABELS.match(key) and (has_colon or is_bold):
        return _OTHER, rest
    if (is_bold and (has_colon or not rest)) or (has_colon and not rest and len(key) <= 40):
        return _OTHER, rest
    return None, text


_CHECKBOX_RE = re.compile(
    r"^\[(?P<mark>[ xX]|n/?a|-|~|skip(?:ped)?)\](?:[ \t]+(?P<text>.*))?$", re.DOTALL | re.IGNORECASE
)


def cited_ids(text: str) -> list[str]:
    """FR/NFR/AC ids in ``text``, in order of first appearance, each once."""
    return ids_in(text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Walking the blocks of one phase


class _PhaseContent:
    """What the walk over one phase's blocks collects."""

    def __init__(self, first: int, last: int):
        self.first = first  # 0-based inclusive line range of the phase body
        self.last = last
        self.goal: str | None = None
        self.checkbox_tasks: list[tuple[int, str, str]] = []
        self.plain_tasks: list[tuple[int, str]] = []
        # Top-level bullets under no label: the tasks of a phase written with no labels at all.
        self.loose_items: list[tuple[int, str]] = []
        self.task_label_seen = False
        self.definition_of_done: list[str] = []
        self.gate_criteria: list[str] = []

    def inside(self, line: int) -> bool:
        return self.first <= line <= self.last

    def add(self, kind: str | None, text: str) -> bool:
        """Record prose under a label; True when it was kept."""
        text = _one_line(text)
        if not text:
            return False
        if kind == _GOAL and self.goal is None:
            self.goal = text
        elif kind == _DOD:
            self.definition_of_done.append(text)
        elif kind == _GATE:
            self.gate_criteria.append(text)
        else:
            return False
        return True


def _walk(nodes: list[SyntaxTreeNode], label: str | None, content: _PhaseContent, top: bool = True) -> None:
    """Collect goal, tasks, DoD and gate criteria from ``nodes``, tracking the label in force."""
    collected = False  # whether the label in force has collected anything yet
    for node in nodes:
        if node.map is None:
            continue
        start = node.map[0]
        if node.type == "heading":
            if content.inside(start):
                kind, rest = _label(node.children[0].content if node.children else "")
                label, collected = (kind, False) if kind and not rest else (None, False)
                content.task_label_seen |= label == _TASKS
        elif node.type == "paragraph":
            label, collected = _paragraph(node, label, collected, content)
        elif node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                carried = _list_item(item, label, content, top)
                if carried is not None:
                    # "- **Tasks**" followed by sibling items: the label governs the siblings too.
                    label, collected = carried, False
        elif node.type == "blockquote":
            _walk(node.children, label, content, top=False)
        elif node.type == "hr":
            label, collected = None, False


def _paragraph(
    node: SyntaxTreeNode, label: str | None, collected: bool, content: _PhaseContent
) -> tuple[str | None, bool]:
    inline = node.children[0] if node.children else None
    if inline is None or node.map is None:
        return label, collected
    segments: list[tuple[str | None, list[str]]] = []
    for offset, text in enumerate(inline.content.split("\n")):
        if not content.inside(node.map[0] + offset):
            continue
        kind, rest = _label(text)
        if kind is not None:
            segments.append((kind, [rest]))
        elif segments:
            segments[-1][1].append(text)
        else:
            segments.append((None, [text]))
    for kind, parts in segments:
        text = " ".join(parts)
        if kind is None:
            # Prose right after a bare label ("Definition of Done:" then a paragraph) belongs to it;
            # any other prose ends the label.
            if label is not None and not collected and content.add(label, text):
                collected = True
            else:
                label, collected = None, False
        else:
            label, collected = kind, content.add(kind, text)
            content.task_label_seen |= kind == _TASKS
    return label, collected


def _list_item(item: SyntaxTreeNode, label: str | None, content: _PhaseContent, top: bool) -> str | None:
    """Collect one list item; return the label it introduces for its siblings, if it is one."""
    if item.map is None or not content.inside(item.map[0]):
        return None
    children = list(item.children)
    lead = children[0] if children and children[0].type == "paragraph" else None
    lead_text = lead.children[0].content if lead is not None and lead.children else ""
    nested = children[1:] if lead is not None else children
    checkbox = _CHECKBOX_RE.match(lead_text) if lead is not None else None
    if checkbox:
        text = _one_line(checkbox.group("text") or "")
        content.checkbox_tasks.append((item.map[0], text, checkbox.group("mark").lower()))
        if label in (_DOD, _GATE):
            content.add(label, text)
        _walk(nested, label, content, top=False)
        return None
    kind, rest = _label(lead_text.split("\n", 1)[0]) if lead is not None else (None, "")
    if kind is not None:
        more = lead_text.split("\n", 1)[1] if "\n" in lead_text else ""
        content.add(kind, f"{rest} {more}")
        content.task_label_seen |= kind == _TASKS
        _walk(nested, kind, content, top=False)
        return kind
    if lead is not None:
        if label == _TASKS:
            content.plain_tasks.append((item.map[0], _one_line(lead_text)))
        elif label is None and top:
            content.loose_items.append((item.map[0], _one_line(lead_text)))
        else:
            content.add(label, lead_text)
    # Sub-bullets of a plain item are its details, not further tasks or criteria; checkboxes
    # among them still count.
    _walk(nested, None, content, top=False)
    return None


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_plan(text: str, *, shared: bool = False) -> Plan:
    """Phases, tasks and findings of a plan.md text. Never raises: what it cannot read is a finding.

    The result is a deep copy the caller may change. With ``shared=True`` it is the cached Plan
    itself, for callers that only read it or copy it anyway (the spec-pack loader does both).
    """
    try:
        cached = _cached_plan(text)
        return cached if shared else cached.model_copy(deep=True)
    except Exception as error:  # a parser bug on odd input must not take the server down
        return Plan(
            phases=[],
            has_checkboxes=False,
            findings=[
                Finding(
                    rule="PARSE-PLAN",
                    severity="error",
                    document=DOCUMENT,
                    message=f"plan.md could not be parsed ({type(error).__name__}: {error}).",
                    fix="Check the Markdown around the phase headings; report the text if it looks valid.",
                )
            ],
        )


@functools.lru_cache(maxsize=16)
def _cached_plan(text: str) -> Plan:
    # Prompts, completions and status tools read the same plan.md again and again: parse it once.
    return _parse_plan(text)


def _phase_sections(sections: list[Section]) -> list[tuple[Section, tuple[str, str, str | None]]]:
    found = [(s, p) for s in sections if not s.pseudo and (p := _phase_heading(s.title))]
    if not found:
        # Only when no real heading is a phase: a plan written with bold lines ("**Phase 1: X**").
        found = [(s, p) for s in sections if s.pseudo and (p := _phase_heading(s.title))]
    phases: list[tuple[Section, tuple[str, str, str | None]]] = []
    for section, parsed in found:
        if phases:
            enclosing, (number, _, _) = phases[-1]
            inside = enclosing.line < section.line <= enclosing.end_line
            if inside and section.level > enclosing.level and parsed[0] == number:
                # "### Phase 2 Tasks" under "## Phase 2: Build" is part of phase 2, not a new one.
                continue
        phases.append((section, parsed))
    return phases


def _parse_plan(text: str) -> Plan:
    from markdown_it.tree import SyntaxTreeNode

    lines = split_lines(text)
    tokens = markdown_tokens(text)
    sections = sections_from_tokens(tokens, lines)
    tree = SyntaxTreeNode(tokens)
    findings: list[Finding] = []
    found = _phase_sections(sections)
    phase_lines = {s.line for s, _ in found}

    phases: list[Phase] = []
    plain_phases: list[Phase] = []
    for section, (key, name, suffix) in found:
        end_line = len(lines)
        for other in sections:
            if other.line <= section.line:
                continue
            ends = other.line in phase_lines or (
                other.level <= section.level and not (section.pseudo and other.level == PSEUDO_LEVEL)
            )
            if ends:
                end_line = other.line - 1
                break
        end_line = max(end_line, section.line)
        content = _PhaseContent(first=section.line, last=end_line - 1)
        _walk(_top_level_blocks(tree, section.line - 1, end_line - 1), None, content)
        if content.checkbox_tasks:
            tasks = [
                Task(
                    index=i,
                    text=t,
                    done=mark != " ",
                    line=ln + 1,
                    checkbox=True,
                    ids=cited_ids(t),
                    skipped=mark not in (" ", "x"),
                )
                for i, (ln, t, mark) in enumerate(content.checkbox_tasks, start=1)
            ]
        else:
            plain = content.plain_tasks
            if not plain and not content.task_label_seen:
                plain = content.loose_items
            tasks = [
                Task(index=i, text=t, done=False, line=ln + 1, checkbox=False, ids=cited_ids(t))
                for i, (ln, t) in enumerate(plain, start=1)
            ]
        phase = Phase(
            number=int(key) if key.isdigit() else None,
            key=key,
            name=name,
            heading=section.heading,
            line=section.line,
            end_line=end_line,
            goal=content.goal,
            tasks=tasks,
            definition_of_done=content.definition_of_done,
            gate_criteria=content.gate_criteria,
            suffix=suffix,
        )
        phases.append(phase)
        if tasks and not tasks[0].checkbox:
            plain_phases.append(phase)

    findings.extend(_phase_findings(phases, sections))
    if plain_phases:
        names = ", ".join(p.label for p in plain_phases)
        findings.append(
            Finding(
                rule="PARSE-CHECKBOX",
                severity="info",
                document=DOCUMENT,
                line=plain_phases[0].tasks[0].line,
                message=(
                    f"plan has no checkboxes in {names}: its tasks are plain bullets under a 'Tasks:' "
                    "label and count as open until written as checkboxes."
                ),
                fix="Write each task as '- [ ] text' (and '- [x] text' once done) so progress can be ticked.",
            )
        )
    skipped = [task for p in phases for task in p.tasks if task.skipped]
    if skipped:
        findings.append(
            Finding(
                rule="PARSE-TASK",
                severity="info",
                document=DOCUMENT,
                line=skipped[0].line,
                message=(
                    f"{len(skipped)} task(s) are marked not applicable (e.g. '[N/A]', line "
                    f"{skipped[0].line}); they count as done."
                ),
                fix="Keep '[N/A]' only for work that was dropped; use '- [ ]' for work still to do.",
            )
        )
    findings.extend(_outside_findings(tokens, phases))
    has_checkboxes = not plain_phases and any(task.checkbox for p in phases for task in p.tasks)
    return Plan(phases=phases, has_checkboxes=has_checkboxes, findings=findings)


def _outside_findings(tokens: list, phases: list[Phase]) -> list[Finding]:
    """An info finding when checkbox items sit outside every phase (they count nowhere)."""
    if not phases:
        return []
    outside: list[int] = []
    for index, token in enumerate(tokens[:-2]):
        if token.type != "list_item_open" or token.map is None:
            continue
        paragraph, inline = tokens[index + 1], tokens[index + 2]
        if paragraph.type != "paragraph_open" or not _CHECKBOX_RE.match(inline.content):
            continue
        line = token.map[0] + 1
        if not any(p.line < line <= p.end_line for p in phases):
            outside.append(line)
    if not outside:
        return []
    where = ", ".join(str(line) for line in outside[:10]) + (" ..." if len(outside) > 10 else "")
    return [
        Finding(
            rule="PARSE-TASK",
            severity="info",
            document=DOCUMENT,
            line=outside[0],
            message=(
                f"{len(outside)} checkbox item(s) lie outside every phase (lines {where}) and count "
                "towards no phase."
            ),
            fix="Move tasks under a '## Phase N: Name' heading, or write them as plain bullets.",
        )
    ]


def _top_level_blocks(tree: SyntaxTreeNode, first: int, last: int) -> list[SyntaxTreeNode]:
    """Top-level blocks overlapping 0-based lines ``first..last``, the phase heading excluded."""
    blocks = []
    for node in tree.children:
        if node.map is None:
            continue
        start, end = node.map
        if end - 1 < first or start > last:
            continue
        if node.type == "heading" and start == first:
            continue
        blocks.append(node)
    return blocks


def _phase_findings(phases: list[Phase], sections: list[Section]) -> list[Finding]:
    findings: list[Finding] = []
    if not phases:
        findings.append(
            Finding(
                rule="PARSE-PHASE",
                severity="warning",
                document=DOCUMENT,
                message="plan.md has no phase headings, so no phase can be developed or ticked.",
                fix="Give each phase a heading such as '## Phase 1: Name' with its tasks as '- [ ] text'.",
            )
        )
        return findings
    seen: dict[int, Phase] = {}
    for phase in phases:
        if phase.key is not None and phase.key in seen:
            first = seen[phase.key]
            findings.append(
                Finding(
                    rule="PARSE-PHASE",
                    severity="warning",
                    document=DOCUMENT,
                    line=phase.line,
                    message=(
                        f"phase number {phase.key} is used twice (line {first.line} and line "
                        f"{phase.line}); 'Phase {phase.key}' picks the first one."
                    ),
                    fix="Renumber the phases so each number appears once.",
                )
            )
        elif phase.key is not None:
            seen[phase.key] = phase
        if not phase.tasks:
            findings.append(
                Finding(
                    rule="PARSE-TASK",
                    severity="warning",
                    document=DOCUMENT,
                    line=phase.line,
                    message=f"{phase.label} has no tasks (no '- [ ]' items and no bullets under 'Tasks:').",
                    fix="List the phase's work as '- [ ] task' items under a 'Tasks:' label.",
                )
            )
        if phase.suffix and _COMPLETE_RE.search(phase.suffix) and phase.done < phase.total:
            findings.append(
                Finding(
                    rule="PARSE-PHASE-STATUS",
                    severity="info",
                    document=DOCUMENT,
                    line=phase.line,
                    message=(
                        f"{phase.label} is marked {phase.suffix} but {phase.total - phase.done} of "
                        f"{phase.total} tasks are unticked."
                    ),
                    fix="Tick the finished tasks or remove the completion marker from the heading.",
                )
            )
    numbers = [float(p.key) for p in phases if p.key is not None]
    if numbers != sorted(numbers):
        findings.append(
            Finding(
                rule="PARSE-PHASE",
                severity="info",
                document=DOCUMENT,
                line=phases[0].line,
                message=f"phases are not in numeric order ({', '.join(p.key for p in phases if p.key)}).",
                fix="Order the phase headings by number, or renumber them.",
            )
        )
    return findings


# ---------------------------------------------------------------------------------------------
# Lookup and text

_PHASE_QUERY_RE = re.compile(
    r"^(?:phase)?\s*[-_#:]?\s*(?P<num>\d+(?:\.\d+)?|"
    + "|".join(_NUMBER_WORDS)
    + r")(?!\w)\s*[:.\-–—)]*\s*(?P<rest>.*)$"
)


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def find_phase(plan: Plan, query: str) -> Phase:
    """The phase ``query`` names: "2", "Phase 2", "phase-2", "2: Core Routing" or the name itself.

    Names match case-insensitively: exact name, then normalized ("&" == "and"), then a unique
    prefix, then a unique set of words. A name given after the number must fit that phase.
    Raises PhaseLookupError listing the plan's phases.
    """
    cleaned = " ".join(query.strip().lower().split())
    match = _PHASE_QUERY_RE.match(cleaned)
    if match:
        raw = match.group("num")
        number = raw if raw[0].isdigit() else str(_NUMBER_WORDS[raw])
        by_number = [
            p for p in plan.phases if p.key == number or (p.key is None and p.number == _int(number))
        ]
        rest = match.group("rest")
        if rest and by_number:
            by_number = [p for p in by_number if _name_matches(p, rest)]
            if not by_number:
                raise _unknown(plan, query, hint=f" (phase {number} has another name)")
        if len(by_number) == 1:
            return by_number[0]
        if len(by_number) > 1:
            raise _ambiguous(query, by_number)
        if not rest and (raw[0].isdigit() or cleaned.startswith("phase")):
            raise _unknown(plan, query)
    return _find_by_name(plan, query, cleaned)


def _name_matches(phase: Phase, query: str) -> bool:
    wanted = normalize_title(query)
    name = normalize_title(f"{phase.name} {phase.suffix or ''}")
    return bool(wanted) and (name.startswith(wanted) or set(wanted.split()) <= set(name.split()))


def _find_by_name(plan: Plan, query: str, cleaned: str) -> Phase:
    wanted = normalize_title(cleaned)
    if wanted:
        words = set(wanted.split())
        tiers = [
            lambda p: " ".join(p.name.lower().split()) == cleaned,
            lambda p: normalize_title(p.name) == wanted,
            lambda p: normalize_title(clean_title(p.heading.lstrip("#"))) == wanted,
            lambda p: normalize_title(p.name).startswith(wanted),
            lambda p: words <= set(normalize_title(p.name).split()),
        ]
        for tier in tiers:
            matches = [p for p in plan.phases if tier(p)]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise _ambiguous(query, matches)
    raise _unknown(plan, query)


def _unknown(plan: Plan, query: str, hint: str = "") -> PhaseLookupError:
    if not plan.phases:
        return PhaseLookupError(
            f"no phase '{query}': plan.md has no phase headings (expected '## Phase 1: Name').", []
        )
    listed = ", ".join(p.label for p in plan.phases)
    return PhaseLookupError(
        f"no phase '{query}' in plan.md{hint}; phases: {listed}. Ask for one by number (e.g. '2') or name.",
        list(plan.phases),
    )


def _ambiguous(query: str, phases: list[Phase]) -> PhaseLookupError:
    listed = "; ".join(f"{p.label} (line {p.line})" for p in phases)
    return PhaseLookupError(
        f"phase '{query}' is ambiguous; it matches {len(phases)} phases: {listed}. "
        "Ask again with the phase name.",
        phases,
        ambiguous=True,
    )


def next_open_phase(plan: Plan) -> Phase | None:
    """The first phase, in document order, with a task that is not ticked; None when all are done."""
    for phase in plan.phases:
        if any(not task.done for task in phase.tasks):
            return phase
    return None


def phase_text(text: str, phase: Phase) -> str:
    """The exact text of the phase's lines ``line..end_line``, line endings kept."""
    return lines_text(text, phase.line, phase.end_line)


# ---------------------------------------------------------------------------------------------
# Tasks: lookup and ticking


class TaskLookupError(PhaseLookupError):
    """A task query matched no task or several, or a task cannot be ticked.

    A PhaseLookupError, so code that reports phase lookups reports these the same way.
    """

    def __init__(self, message: str, phase: Phase | None, tasks: list[Task], ambiguous: bool = False):
        super().__init__(message, [phase] if phase else [], ambiguous=ambiguous)
        self.tasks = tasks
        """The matching tasks when ambiguous; every task of the phase otherwise."""


def _task_list(tasks: list[Task]) -> str:
    return "; ".join(f"{t.index}. {t.text[:60]} (line {t.line})" for t in tasks)


def find_task(phase: Phase, query: str | int) -> Task:
    """The task of ``phase`` that ``query`` names: its 1-based index ("3") or words of its text.

    Text matches case-insensitively: exact text first, then a unique task containing the query.
    """
    if not phase.tasks:
        raise TaskLookupError(f"{phase.label} has no tasks.", phase, [])
    wanted = str(query).strip()
    if wanted.isdigit():
        index = int(wanted)
        for task in phase.tasks:
            if task.index == index:
                return task
        raise TaskLookupError(
            f"{phase.label} has no task {index}; it has tasks 1..{len(phase.tasks)}: "
            f"{_task_list(phase.tasks)}.",
            phase,
            list(phase.tasks),
        )
    lowered = " ".join(wanted.lower().split())
    for tier in (
        lambda t: " ".join(t.text.lower().split()) == lowered,
        lambda t: lowered in " ".join(t.text.lower().split()),
    ):
        matches = [t for t in phase.tasks if lowered and tier(t)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise TaskLookupError(
                f"task '{wanted}' is ambiguous in {phase.label}: {_task_list(matches)}. "
                "Name it by its number instead.",
                phase,
                matches,
                ambiguous=True,
            )
    raise TaskLookupError(
        f"no task '{wanted}' in {phase.label}; tasks: {_task_list(phase.tasks)}.", phase, list(phase.tasks)
    )


_CHECKBOX_LINE_RE = re.compile(
    r"^(?P<lead>[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)(?P<mark>[ xX]|n/?a|-|~|skip(?:ped)?)(?P<close>\])",
    re.IGNORECASE,
)


def set_task_done(text: str, task: Task, done: bool = True) -> str:
    """``text`` with the checkbox of ``task`` ticked (``[x]``) or unticked (``[ ]``), nothing else changed.

    ``task`` must come from parsing this very text. Raises TaskLookupError when the task is a plain
    bullet (no checkbox to tick) or its line no longer holds a checkbox.
    """
    if not task.checkbox:
        raise TaskLookupError(
            f"task '{task.text[:60]}' (line {task.line}) is a plain bullet: the plan has no checkbox to tick.",
            None,
            [task],
        )
    lines = split_lines(text, keepends=True)
    if not 1 <= task.line <= len(lines):
        raise TaskLookupError(f"plan.md has no line {task.line}; read it again.", None, [task])
    line = lines[task.line - 1]
    match = _CHECKBOX_LINE_RE.match(line)
    if not match:
        raise TaskLookupError(
            f"line {task.line} of plan.md holds no checkbox any more; read the plan again.", None, [task]
        )
    mark = "x" if done else " "
    lines[task.line - 1] = line[: match.start("mark")] + mark + line[match.end("mark") :]
    return "".join(lines)
