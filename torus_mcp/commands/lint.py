"""`torus-mcp lint`: the Torus coding guidelines on Elixir and HEEx files, for a terminal or CI.

Exit status: 0 when no finding is an error (warnings are advice), 1 when one is, 2 on a usage error
(bad path, bad `.torus-mcp.toml`, no changed-files mode in this build) or when files could not be
checked (no `elixir` on PATH, a timeout): the notes on stderr say which.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from torus_mcp.commands.annotations import workflow_command

if TYPE_CHECKING:
    from torus_mcp.guidelines.report import GuidelineReport

USAGE_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories to check (relative to the working directory); "
        "default: the change under work (changed against the main branch, staged, unstaged, untracked)",
    )
    parser.add_argument(
        "--since", metavar="REF", default=None, help="without paths: check what changed since this git ref"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json for tools, github for GitHub Actions annotations (default: text)",
    )
    parser.epilog = (
        "exit status: 0 no error findings, 1 error findings, 2 usage error or files not checked.\n"
        "rules: see README (Guidelines) or torus://guides/rules; configure them in .torus-mcp.toml "
        "[guidelines].\nsilence one finding with `# torus-mcp: ignore RULE-ID` on the line before it."
    )


def run(args: argparse.Namespace) -> int:
    import anyio

    from torus_mcp.config import ConfigError, load_project_config
    from torus_mcp.guidelines.checker import check_guidelines
    from torus_mcp.guidelines.settings import guidelines_config
    from torus_mcp.guidelines.sources import SourceSelectionError
    from torus_mcp.workspace import WorkspaceError, resolve_root

    cwd = Path.cwd()
    try:
        root = resolve_root(args.root, os.environ, None, cwd).root
        config = guidelines_config(load_project_config(root))
        paths = [str((cwd / path).absolute()) for path in args.paths]

        async def check() -> GuidelineReport:
            return await check_guidelines(root, paths, since=args.since, config=config)

        report = anyio.run(check)
    except (ConfigError, WorkspaceError, SourceSelectionError) as error:
        print(f"torus-mcp lint: {error}", file=sys.stderr)
        return USAGE_ERROR

    out = sys.stdout
    if args.format == "json":
        document = {"root": str(root), "passed": report.passed, **report.model_dump(mode="json")}
        out.write(json.dumps(document, indent=2) + "\n")
    elif args.format == "github":
        _print_github(report, out)
    else:
        _print_text(report, out)
    for note in report.notes:
        print(f"torus-mcp lint: {note}", file=sys.stderr)
    if not report.passed:
        return 1
    return USAGE_ERROR if report.notes else 0


def _summary(report: GuidelineReport) -> str:
    counts = report.counts
    return (
        f"{counts.files_checked} file(s) checked: {counts.errors} error(s), {counts.warnings} warning(s)"
        f" in {counts.files_with_findings} file(s)."
    )


def _print_text(report: GuidelineReport, out: TextIO) -> None:
    for group in report.files:
        for finding in group.findings:
            where = f"{group.file}:{finding.line}" + (f":{finding.column}" if finding.column else "")
            out.write(f"{where}: {finding.severity} {finding.rule}: {finding.message}\n")
    if report.rules:
        out.write("\n")
    for rule, advice in report.rules.items():
        out.write(f"{rule}: {advice.guideline}\n    fix: {advice.fix}\n")
    out.write(_summary(report) + "\n")


def _print_github(report: GuidelineReport, out: TextIO) -> None:
    for group in report.files:
        for finding in group.findings:
            message = f"{finding.message}\nFix: {report.rules[finding.rule].fix}"
            out.write(
                workflow_command(
                    finding.severity, message, finding.rule, group.file, finding.line, finding.column
                )
                + "\n"
            )
    out.write(_summary(report) + "\n")
