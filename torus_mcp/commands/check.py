"""`torus-mcp check`: the workflow gates of spec packs, for CI.

Exit status: 0 when every gate checked passes (and, with ``--stage developing|done``, the stage is
reached), 1 when any fails, 2 on a usage error (unknown feature, bad stage, bad ``.torus-mcp.toml``,
no spec packs at the root).
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
    from torus_mcp.specs.findings import Finding
    from torus_mcp.specs.gate_report import GateReport
    from torus_mcp.workspace import FeatureRef

STAGE_CHOICES = ("prd", "fdd", "plan", "developing", "done")
USAGE_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "features",
        nargs="*",
        metavar="FEATURE",
        help="feature ids (e.g. canvas-preview, authoring/bulk-tagging), pack paths, or directories (every "
        "pack under it, e.g. docs/exec-plans/current/epics/math); default: every live pack",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        dest="include_archived",
        help="also check archived packs (under an archive/ directory), which are left out by default",
    )
    parser.add_argument(
        "--stage",
        choices=STAGE_CHOICES,
        default=None,
        help="check the gates up to this stage only; developing/done also require ticked plan tasks "
        "(default: all three gates)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json for tools, github for GitHub Actions annotations (default: text)",
    )
    parser.epilog = (
        "exit status: 0 all checked gates pass, 1 a gate fails, 2 usage error.\n"
        "rules are configured in .torus-mcp.toml [gates] (disabled = [...], [gates.severity])."
    )


def run(args: argparse.Namespace) -> int:
    from torus_mcp.config import ConfigError
    from torus_mcp.specs.gate_config import gates_config
    from torus_mcp.specs.gates import check_gates
    from torus_mcp.specs.pack import load_pack
    from torus_mcp.workspace import Workspace, WorkspaceError, resolve_root

    try:
        workspace = Workspace(resolve_root(args.root, os.environ, None, Path.cwd()))
        config = gates_config(workspace.config)
        refs, left_out = _features(workspace, args.features, args.include_archived)
    except (ConfigError, WorkspaceError) as error:
        print(f"torus-mcp check: {error}", file=sys.stderr)
        return USAGE_ERROR

    results: list[tuple[FeatureRef, GateReport]] = []
    for ref in refs:
        try:
            report = check_gates(load_pack(ref.path, ref.id), args.stage, config)
        except OSError as error:
            print(f"torus-mcp check: cannot read {ref.rel_path}: {error}", file=sys.stderr)
            return USAGE_ERROR
        results.append((ref, report))

    out = sys.stdout
    if args.format == "json":
        _print_json(results, workspace.root, args.stage, left_out, out)
    elif args.format == "github":
        _print_github(results, out)
    else:
        _print_text(results, out)
        if left_out:
            out.write(f"{left_out} archived pack(s) left out; pass --all to check them too.\n")
    return 0 if all(report.passed for _, report in results) else 1


def _features(workspace, names: list[str], include_archived: bool) -> tuple[list[FeatureRef], int]:
    """The packs to check, and how many archived packs the default scope left out."""
    from torus_mcp.catalog import in_scope
    from torus_mcp.workspace import WorkspaceError

    scope = "all" if include_archived else "live"
    refs: list[FeatureRef] = []
    left_out = 0
    for name in names:
        directory = _directory_argument(workspace, name)
        if directory is None:
            found = [workspace.resolve_feature(name)]
        else:
            under = [f for f in workspace.discover() if in_scope(f, "all", directory)]
            # A directory inside archive/ asks for archived packs by itself.
            found = [f for f in under if in_scope(f, scope) or "archive" in directory.split("/")]
            left_out += len(under) - len(found)
            if not under:
                raise WorkspaceError(f"no spec packs under {directory}; call list_features to see them.")
        refs.extend(f for f in found if all(f.rel_path != r.rel_path for r in refs))
    if names:
        return refs, left_out
    every = workspace.discover()
    if not every:
        trees = ", ".join(t.path for t in workspace.spec_trees())
        raise WorkspaceError(
            f"no spec packs under {workspace.root} (searched {trees}); pass --root with the project root."
        )
    refs = [f for f in every if in_scope(f, scope)]
    return refs, len(every) - len(refs)


def _directory_argument(workspace, name: str) -> str | None:
    """The argument as a directory relative to the root, when it names one that is not a pack id."""
    rel = name.strip().removeprefix("./").strip("/")
    if "/" not in rel or ".." in rel.split("/") or rel.startswith(("~", "\\")):
        return None
    return rel if (workspace.root / rel).is_dir() else None


# ---------------------------------------------------------------------------------------------
# Output


def _location(ref: FeatureRef, finding: Finding) -> str | None:
    if not finding.document:
        return None
    return f"{ref.rel_path}/{finding.document}"


def _print_text(results: list[tuple[FeatureRef, GateReport]], out: TextIO) -> None:
    for ref, report in results:
        gates = ", ".join(f"{g.gate} {'pass' if g.passed else 'FAIL'}" for g in report.gates)
        tasks = f", {report.tasks_done}/{report.tasks_total} tasks" if report.tasks_total else ""
        verdict = "ok" if report.passed else "FAILED"
        target = f" (checked up to {report.target})" if report.target else ""
        out.write(f"{report.feature}: stage {report.stage}{target} [{gates}{tasks}] {verdict}\n")
        if not report.passed and all(g.passed for g in report.gates):
            out.write(
                f"  target stage {report.target} not reached: {report.tasks_done} of "
                f"{report.tasks_total} plan tasks ticked\n"
            )
        for finding in report.findings:
            where = _location(ref, finding) or ref.rel_path
            if finding.line:
                where += f":{finding.line}"
            out.write(f"  {where}: {finding.severity} {finding.rule}: {finding.message}\n")
            if finding.fix and finding.severity != "info":
                out.write(f"      fix: {finding.fix}\n")
    failed = sum(1 for _, report in results if not report.passed)
    out.write(f"{len(results)} feature(s) checked: {len(results) - failed} passed, {failed} failed.\n")


def _print_json(
    results: list[tuple[FeatureRef, GateReport]], root: Path, stage: str | None, left_out: int, out: TextIO
) -> None:
    features = []
    for ref, report in results:
        data = report.model_dump(mode="json")
        data["path"] = ref.rel_path
        features.append(data)
    document = {
        "root": str(root),
        "stage": stage,
        "passed": all(report.passed for _, report in results),
        "features": features,
        "archived_left_out": left_out,
    }
    out.write(json.dumps(document, indent=2) + "\n")


_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def github_annotation(ref: FeatureRef, finding: Finding) -> str:
    """One GitHub Actions workflow command, e.g. ``::error file=docs/x/prd.md,line=7,title=RULE::message``."""
    message = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
    return workflow_command(
        _COMMAND[finding.severity], message, finding.rule, _location(ref, finding), finding.line
    )


def _print_github(results: list[tuple[FeatureRef, GateReport]], out: TextIO) -> None:
    for ref, report in results:
        for finding in report.findings:
            out.write(github_annotation(ref, finding) + "\n")
    for _, report in results:
        gates = ", ".join(f"{g.gate} {'pass' if g.passed else 'FAIL'}" for g in report.gates)
        out.write(f"{report.feature}: stage {report.stage} [{gates}] {'ok' if report.passed else 'FAILED'}\n")
