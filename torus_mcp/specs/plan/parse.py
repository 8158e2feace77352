"""Parsing plan.md into its phases and tasks. Never raises: what it cannot read is a finding."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import ids_in
from torus_mcp.specs.markdown import markdown_tokens, split_lines
from torus_mcp.specs.parse_guard import guarded
from torus_mcp.specs.plan.findings import plan_findings
from torus_mcp.specs.plan.headings import phase_heading
from torus_mcp.specs.plan.model import DOCUMENT, Phase, Plan, Task
from torus_mcp.specs.plan.phase_body import PhaseContent, walk_blocks
from torus_mcp.specs.sections import PSEUDO_LEVEL, Section, sections_from_tokens

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode


def _struck(text: str) -> bool:
    """A task struck through as a whole (``~~Add the index~~``) is done."""
    text = text.strip()
    return len(text) > 4 and text.startswith("~~") and text.endswith("~~")


def cited_ids(text: str) -> list[str]:
    """FR/NFR/AC ids in ``text``, in order of first appearance, each once."""
    return ids_in(text)


def parse_plan(text: str, *, shared: bool = False) -> Plan:
    """Phases, tasks and findings of a plan.md text. Never raises: what it cannot read is a finding.

    The result is a deep copy the caller may change. With ``shared=True`` it is the cached Plan
    itself, for callers that only read it or copy it anyway (the spec-pack loader does both).
    """

    def parse() -> Plan:
        cached = _cached_plan(text)
        return cached if shared else cached.model_copy(deep=True)

    return guarded(parse, _unparsed)


def _unparsed(error: Exception) -> Plan:
    """What a plan the parser failed on reads as: no phases, and an error finding that says why."""
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
    found = [(s, p) for s in sections if not s.pseudo and (p := phase_heading(s.title))]
    if not found:
        # Only when no real heading is a phase: a plan written with bold lines ("**Phase 1: X**").
        found = [(s, p) for s in sections if s.pseudo and (p := phase_heading(s.title))]
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
        content = PhaseContent(first=section.line, last=end_line - 1)
        walk_blocks(_top_level_blocks(tree, section.line - 1, end_line - 1), None, content)
        if content.checkbox_tasks:
            tasks = [
                Task(
                    index=i,
                    text=t,
                    done=mark != " " or _struck(t),
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
                Task(index=i, text=t, done=_struck(t), line=ln + 1, checkbox=False, ids=cited_ids(t))
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

    has_checkboxes = not plain_phases and any(task.checkbox for p in phases for task in p.tasks)
    return Plan(phases=phases, has_checkboxes=has_checkboxes, findings=plan_findings(phases, tokens))


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
