"""A guideline check: pick the files, read AST facts with `elixir`, apply every rule, build the report."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio.to_thread

from torus_mcp.guidelines.ast_facts import collect_facts
from torus_mcp.guidelines.ast_rules import ast_hits
from torus_mcp.guidelines.heex_rules import heex_hits
from torus_mcp.guidelines.ignores import is_ignored
from torus_mcp.guidelines.report import (
    FileFindings,
    GuidelineCounts,
    GuidelineFinding,
    GuidelineReport,
    RuleAdvice,
)
from torus_mcp.guidelines.rules import PARSE_RULE, RULES, Hit
from torus_mcp.guidelines.settings import GuidelinesConfig
from torus_mcp.guidelines.sources import SourceSelectionError, changed_files, relative, select_paths


async def check_guidelines(
    root: Path,
    paths: Sequence[str | Path] | None = None,
    since: str | None = None,
    config: GuidelinesConfig | None = None,
    elixir: str = "elixir",
) -> GuidelineReport:
    """Check the guidelines on `paths` (files or directories under `root`), or, without paths, on the
    change under work (against the merge base with the main branch, or against `since`).

    `elixir` is the command (or path) that runs the AST script; when it cannot be found only the
    textual HEEx rules run and the report's notes say so.
    """
    root = Path(root).resolve()
    config = config or GuidelinesConfig()
    if paths and since:
        raise SourceSelectionError(
            "Give either paths or since, not both: since selects the files changed since a ref."
        )
    # Walking directories and asking git are blocking file-system and subprocess work: off the loop.
    if paths:
        files = await anyio.to_thread.run_sync(select_paths, root, paths)
    else:
        files = await anyio.to_thread.run_sync(changed_files, root, since)
    return await check_files(root, files, config, elixir)


async def check_files(
    root: Path, files: Sequence[Path], config: GuidelinesConfig, elixir: str
) -> GuidelineReport:
    """Check exactly these files (resolved absolute paths inside `root`)."""
    root = Path(root).resolve()
    notes: list[str] = []
    code = [path for path in files if not path.name.endswith(".heex")]
    facts: dict[Path, dict[str, Any]] = {}
    if code:
        executable = shutil.which(elixir)
        if executable is None:
            notes.append(
                f"`{elixir}` was not found on PATH, so only the textual HEEx rules ran (on .heex files); "
                f"{len(code)} Elixir file(s) were not checked. Install Elixir (e.g. apt-get install elixir) "
                "and check again."
            )
        else:
            run = await collect_facts(root, code, executable, config.timeout)
            facts = run.facts
            if run.note:
                notes.append(run.note)
    hits_by_file: dict[Path, list[Hit]] = {}
    for path in files:
        if path.name.endswith(".heex"):
            try:
                hits = heex_hits(path.read_text(encoding="utf-8", errors="replace"))
            except OSError as exc:
                notes.append(f"{relative(root, path)} could not be read: {exc.strerror or exc}.")
                continue
        elif path in facts:
            if "failed" in facts[path]:
                notes.append(
                    f"The AST rules could not read {relative(root, path)} ({facts[path]['failed']}); "
                    "the file was not checked."
                )
                continue
            hits = _hits_from_facts(facts[path], config)
        else:
            continue
        kept = [hit for hit in hits if config.enabled(hit.rule)]
        if kept:
            hits_by_file[path] = kept
    return _report(root, len(files), hits_by_file, config, notes)


def _hits_from_facts(facts: dict[str, Any], config: GuidelinesConfig) -> list[Hit]:
    error = facts.get("error")
    if error:
        line, column, message = error
        return [Hit(PARSE_RULE, line or 1, column, f"does not parse: {message}")]
    return ast_hits(facts, config)


def _report(
    root: Path, checked: int, hits_by_file: dict[Path, list[Hit]], config: GuidelinesConfig, notes: list[str]
) -> GuidelineReport:
    groups: list[FileFindings] = []
    for path in sorted(hits_by_file, key=lambda p: relative(root, p)):
        lines = _lines(path)
        findings = [
            GuidelineFinding(
                rule=hit.rule,
                severity=config.severity_of(hit.rule),
                line=hit.line,
                column=hit.column,
                message=hit.message,
            )
            for hit in sorted(
                set(hits_by_file[path]), key=lambda h: (h.line, h.column or 0, h.rule, h.message)
            )
            if not is_ignored(lines, hit.rule, hit.line)
        ]
        if findings:
            groups.append(FileFindings(file=relative(root, path), findings=findings))
    all_findings = [finding for group in groups for finding in group.findings]
    by_rule = Counter(finding.rule for finding in all_findings)
    return GuidelineReport(
        files=groups,
        rules={
            rule: RuleAdvice(guideline=RULES[rule].guideline, fix=RULES[rule].fix)
            for rule in RULES
            if rule in by_rule
        },
        counts=GuidelineCounts(
            files_checked=checked,
            files_with_findings=len(groups),
            errors=sum(1 for f in all_findings if f.severity == "error"),
            warnings=sum(1 for f in all_findings if f.severity == "warning"),
            by_rule=dict(sorted(by_rule.items())),
        ),
        shown=len(all_findings),
        notes=notes,
    )


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
