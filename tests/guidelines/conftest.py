"""Running a guideline check the way the tool and the CLI do: real files, the real `elixir`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import anyio

from torus_mcp.guidelines.checker import check_guidelines
from torus_mcp.guidelines.report import GuidelineReport
from torus_mcp.guidelines.settings import GuidelinesConfig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "guidelines"


def check(
    root: Path,
    paths: Sequence[str] | None = None,
    config: GuidelinesConfig | None = None,
    elixir: str = "elixir",
    since: str | None = None,
) -> GuidelineReport:
    async def run() -> GuidelineReport:
        return await check_guidelines(root, paths, since=since, config=config, elixir=elixir)

    return anyio.run(run)


def pairs(report: GuidelineReport, file: str) -> set[tuple[str, int]]:
    """The (rule, line) pairs reported for one file."""
    return {(f.rule, f.line) for g in report.files if g.file == file for f in g.findings}


def findings(report: GuidelineReport, file: str):
    return [f for g in report.files if g.file == file for f in g.findings]
