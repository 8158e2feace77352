"""Execution records: what a pack's per-phase records and its ``progress.md`` say about each phase.

A record is found by name: ``phase_N_execution_record.md``, ``phase-N-execution-record.md``,
``phase-N-execution.md`` or ``execution/phase_N.md``. What it says is read from its checklists
(``- [x]`` items) and from a status: a ticked "Phase tasks complete" item, or a ``Status:`` line
saying complete/done. ``progress.md`` states phase status in lines such as ``**Phase 3:** COMPLETE``,
``### Phase 1 — Backend ✅`` or ``Phases 4–6 COMPLETE``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel, Field

RECORD_NAME_RE = re.compile(
    r"^(?:phase[_-](?P<a>\d+(?:\.\d+)?)[_-]execution(?:[_-]record)?|execution/phase[_-]?(?P<b>\d+(?:\.\d+)?))\.md$",
    re.IGNORECASE,
)
PROGRESS = "progress.md"

_CHECK_RE = re.compile(r"^\s*[-*+]\s+\[(?P<mark>[ xX])\]\s+(?P<text>.+?)\s*$")
_TASKS_COMPLETE_RE = re.compile(r"phase tasks? (?:are )?(?:complete|done)", re.IGNORECASE)
_STATUS_RE = re.compile(r"^\W*status\W*:\W*(?P<value>.+)$", re.IGNORECASE)
_DONE_WORD_RE = re.compile(r"\b(?:complete|completed|done|finished)\b|✅", re.IGNORECASE)
_NOT_DONE_RE = re.compile(r"\b(?:not|in[ -]progress|incomplete|partial|pending|blocked)\b", re.IGNORECASE)
_PROGRESS_PHASE_RE = re.compile(
    r"phases?\W+(?P<first>\d+(?:\.\d+)?)(?:\s*(?:[-–—]|to|\.\.)\s*(?P<last>\d+))?(?P<rest>.*)$",
    re.IGNORECASE,
)


class ExecutionRecord(BaseModel):
    """One phase's execution record and what it says."""

    phase: str = Field(description='The phase number as in its name ("2", "1.5")')
    document: str
    checked: int = Field(description="Ticked checklist items")
    items: int = Field(description="Checklist items")
    status: str | None = Field(default=None, description="The record's status statement, when it has one")
    done: bool = Field(description="The record says the phase is complete")


class ProgressNote(BaseModel):
    """A progress.md line stating a phase's status."""

    phase: str
    line: int
    text: str
    done: bool


class PackRecords(BaseModel):
    """Every execution record of a pack and the phase statuses its progress.md states."""

    records: dict[str, ExecutionRecord] = Field(default_factory=dict)
    progress: dict[str, ProgressNote] = Field(default_factory=dict)

    def record(self, phase: str | None) -> ExecutionRecord | None:
        return self.records.get(phase) if phase is not None else None


def record_phase(name: str) -> str | None:
    """The phase number a document name is the execution record of, or None."""
    match = RECORD_NAME_RE.match(name.replace("\\", "/"))
    if not match:
        return None
    return _normal(match.group("a") or match.group("b"))


def record_name(phase: str) -> str:
    """The name a new record of ``phase`` gets: ``phase_N_execution_record.md``."""
    return f"phase_{phase}_execution_record.md"


def _normal(number: str) -> str:
    head, _, tail = number.partition(".")
    return str(int(head)) + (f".{tail}" if tail else "")


def read_records(texts: Mapping[str, str]) -> PackRecords:
    """The records and progress statuses among a pack's documents (``texts`` by relative path)."""
    found = PackRecords()
    for name in sorted(texts):
        phase = record_phase(name)
        if phase is not None and phase not in found.records:
            found.records[phase] = _read_record(phase, name, texts[name])
    progress = next((n for n in texts if n.lower() == PROGRESS), None)
    if progress is not None:
        found.progress = _read_progress(texts[progress])
    return found


def _read_record(phase: str, name: str, text: str) -> ExecutionRecord:
    checked = items = 0
    tasks_complete = False
    status: str | None = None
    for raw in text.splitlines():
        check = _CHECK_RE.match(raw)
        if check:
            items += 1
            ticked = check.group("mark") != " "
            checked += ticked
            if ticked and _TASKS_COMPLETE_RE.search(check.group("text")):
                tasks_complete = True
            continue
        stated = _STATUS_RE.match(raw.strip())
        if stated and status is None:
            status = stated.group("value").strip(" *_`")
    said_done = status is not None and bool(_DONE_WORD_RE.search(status)) and not _NOT_DONE_RE.search(status)
    return ExecutionRecord(
        phase=phase,
        document=name,
        checked=checked,
        items=items,
        status=status,
        done=tasks_complete or said_done,
    )


def _read_progress(text: str) -> dict[str, ProgressNote]:
    notes: dict[str, ProgressNote] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("- [", "* [")):
            continue
        match = _PROGRESS_PHASE_RE.search(line)
        if not match or match.start() > 12:
            continue  # the phase must lead the line (after list/heading/bold marks)
        rest = match.group("rest")
        done = bool(_DONE_WORD_RE.search(rest)) and not _NOT_DONE_RE.search(rest.split(".")[0])
        first = match.group("first")
        last = match.group("last")
        phases = [first]
        if last and "." not in first and int(last) > int(first):
            phases = [str(n) for n in range(int(first), int(last) + 1)]
        for phase in phases:
            phase = _normal(phase)
            known = notes.get(phase)
            if known is None or (done and not known.done):
                notes[phase] = ProgressNote(phase=phase, line=number, text=line[:160], done=done)
    return notes
