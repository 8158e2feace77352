"""The body of one phase of plan.md: its goal, tasks, definition of done and gate criteria, collected
from the Markdown blocks under the phase heading while tracking which label is in force."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from torus_mcp.specs.plan.labels import DOD, GATE, GOAL, OTHER, TASKS, label_of

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

CHECKBOX_RE = re.compile(
    r"^\[(?P<mark>[ xX]|n/?a|-|~|skip(?:ped)?)\](?:[ \t]+(?P<text>.*))?$", re.DOTALL | re.IGNORECASE
)

# Sub-sections of a phase that explain rather than list work.
_ASIDE_HEADING_RE = re.compile(
    r"^(?:design|notes?|decisions?|architectural decisions?|architecture|rationale|background|context|"
    r"open questions?|risks?|references?|review (?:notes|corrections)|discussion|why)\b",
    re.IGNORECASE,
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class PhaseContent:
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
        if kind == GOAL and self.goal is None:
            self.goal = text
        elif kind == DOD:
            self.definition_of_done.append(text)
        elif kind == GATE:
            self.gate_criteria.append(text)
        else:
            return False
        return True


def walk_blocks(
    nodes: list[SyntaxTreeNode], label: str | None, content: PhaseContent, top: bool = True
) -> None:
    """Collect goal, tasks, DoD and gate criteria from ``nodes``, tracking the label in force."""
    collected = False  # whether the label in force has collected anything yet
    for node in nodes:
        if node.map is None:
            continue
        start = node.map[0]
        if node.type == "heading":
            if content.inside(start):
                title = node.children[0].content if node.children else ""
                kind, rest = label_of(title)
                label, collected = (kind, False) if kind and not rest else (None, False)
                if label is None and _ASIDE_HEADING_RE.match(title.strip(" *_")):
                    label = OTHER  # bullets under "### Design …" or "### Notes" are not tasks
                content.task_label_seen |= label == TASKS
        elif node.type == "paragraph":
            label, collected = _paragraph(node, label, collected, content)
        elif node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                carried = _list_item(item, label, content, top)
                if carried is not None:
                    # "- **Tasks**" followed by sibling items: the label governs the siblings too.
                    label, collected = carried, False
        elif node.type == "blockquote":
            walk_blocks(node.children, label, content, top=False)
        elif node.type == "hr":
            label, collected = None, False


def _paragraph(
    node: SyntaxTreeNode, label: str | None, collected: bool, content: PhaseContent
) -> tuple[str | None, bool]:
    inline = node.children[0] if node.children else None
    if inline is None or node.map is None:
        return label, collected
    segments: list[tuple[str | None, list[str]]] = []
    for offset, text in enumerate(inline.content.split("\n")):
        if not content.inside(node.map[0] + offset):
            continue
        kind, rest = label_of(text)
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
            content.task_label_seen |= kind == TASKS
    return label, collected


def _list_item(item: SyntaxTreeNode, label: str | None, content: PhaseContent, top: bool) -> str | None:
    """Collect one list item; return the label it introduces for its siblings, if it is one."""
    if item.map is None or not content.inside(item.map[0]):
        return None
    children = list(item.children)
    lead = children[0] if children and children[0].type == "paragraph" else None
    lead_text = lead.children[0].content if lead is not None and lead.children else ""
    nested = children[1:] if lead is not None else children
    checkbox = CHECKBOX_RE.match(lead_text) if lead is not None else None
    if checkbox:
        text = _one_line(checkbox.group("text") or "")
        content.checkbox_tasks.append((item.map[0], text, checkbox.group("mark").lower()))
        if label in (DOD, GATE):
            content.add(label, text)
        walk_blocks(nested, label, content, top=False)
        return None
    kind, rest = label_of(lead_text.split("\n", 1)[0]) if lead is not None else (None, "")
    if kind is not None:
        more = lead_text.split("\n", 1)[1] if "\n" in lead_text else ""
        content.add(kind, f"{rest} {more}")
        content.task_label_seen |= kind == TASKS
        walk_blocks(nested, kind, content, top=False)
        return kind
    if lead is not None:
        if label == TASKS:
            content.plain_tasks.append((item.map[0], _one_line(lead_text)))
        elif label is None and top:
            content.loose_items.append((item.map[0], _one_line(lead_text)))
        else:
            content.add(label, lead_text)
    # Sub-bullets of a plain item are its details, not further tasks or criteria; checkboxes
    # among them still count.
    walk_blocks(nested, None, content, top=False)
    return None
