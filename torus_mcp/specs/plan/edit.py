"""Ticking a task of plan.md in place: only the checkbox mark changes, every other byte stays."""

from __future__ import annotations

import re

from torus_mcp.specs.markdown import split_lines
from torus_mcp.specs.plan.lookup import TaskLookupError
from torus_mcp.specs.plan.model import Task

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
