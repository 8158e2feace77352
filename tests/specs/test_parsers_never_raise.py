"""Seeded random damage to real plans and docs: the parsers must never raise and stay consistent.

They run strictly (``strict_parsing``), so a parser bug is an exception here, not a degraded answer."""

from __future__ import annotations

import contextlib
import random

import pytest

from tests.shared_data import require_shared
from torus_mcp.specs.parse_guard import strict_parsing
from torus_mcp.specs.plan.lookup import PhaseLookupError, find_phase, next_open_phase, phase_text
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.section_lookup import SectionLookupError, find_section
from torus_mcp.specs.sections import parse_sections, section_text

FRAGMENTS = [
    "#",
    "## ",
    "**",
    "- [",
    "- [ ] ",
    "- [x]",
    "]",
    "```",
    "~~~",
    "Phase 1:",
    "\r",
    ":",
    "\t",
    "    ",
]


@pytest.fixture(autouse=True)
def parse_strictly():
    with strict_parsing():
        yield


def _corpus() -> list[str]:
    packs = require_shared("specpacks")
    return [path.read_text(encoding="utf-8") for path in sorted(packs.glob("*/*.md"))]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        if not lines:
            lines = [""]
        position = rng.randrange(len(lines))
        action = rng.choice(["delete", "duplicate", "shuffle", "insert", "splice"])
        if action == "delete":
            del lines[position]
        elif action == "duplicate":
            lines.insert(position, lines[position])
        elif action == "shuffle":
            window = lines[position : position + 8]
            rng.shuffle(window)
            lines[position : position + 8] = window
        elif action == "insert":
            lines.insert(position, "".join(rng.choices(FRAGMENTS, k=rng.randint(1, 4))))
        else:
            cut = rng.randint(0, len(lines[position]))
            line = lines[position]
            lines[position] = line[:cut] + rng.choice(FRAGMENTS) + line[cut:]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(3))
def test_mutated_documents_never_raise(seed):
    rng = random.Random(seed)
    corpus = _corpus()
    plans = [text for text in corpus if "Phase" in text] or corpus
    for _ in range(100):
        text = _mutate(rng.choice(plans), rng)
        total_lines = len(text.splitlines()) if text else 0

        plan = parse_plan(text)
        assert all(f.rule != "PARSE-PLAN" for f in plan.findings), plan.findings
        for phase in plan.phases:
            assert 1 <= phase.line <= phase.end_line <= max(total_lines, 1)
            assert phase.done <= phase.total
            assert all(phase.line < task.line <= phase.end_line for task in phase.tasks)
            assert phase_text(text, phase).startswith(phase.heading.split()[0])
        next_open_phase(plan)
        for query in ("1", "Phase 2", "core", ""):
            with contextlib.suppress(PhaseLookupError):
                assert find_phase(plan, query) in plan.phases

        sections = parse_sections(text)
        for section in sections:
            assert 1 <= section.line <= section.end_line <= max(total_lines, 1)
            section_text(text, section)
        for query in ("7", "Overview", "risks", "", "Section 3.2"):
            with contextlib.suppress(SectionLookupError):
                assert find_section(sections, query) in sections
