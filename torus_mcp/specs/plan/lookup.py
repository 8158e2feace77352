"""Finding a phase or a task of a parsed plan by what a person calls it, and a phase's exact text."""

from __future__ import annotations

import re

from torus_mcp.specs.markdown import lines_text
from torus_mcp.specs.plan.headings import NUMBER_WORDS
from torus_mcp.specs.plan.model import Phase, Plan, Task
from torus_mcp.specs.sections import clean_title, normalize_title


class PhaseLookupError(ValueError):
    """A phase query matched no phase, or more than one."""

    def __init__(self, message: str, phases: list[Phase], ambiguous: bool = False):
        super().__init__(message)
        self.phases = phases
        """The matching phases when ambiguous; every phase of the plan when nothing matched."""
        self.ambiguous = ambiguous


_PHASE_QUERY_RE = re.compile(
    r"^(?:phase)?\s*[-_#:]?\s*(?P<num>\d+(?:\.\d+)?|"
    + "|".join(NUMBER_WORDS)
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
        number = raw if raw[0].isdigit() else str(NUMBER_WORDS[raw])
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
# Tasks


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
