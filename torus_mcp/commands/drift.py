"""`torus-mcp drift FEATURE`: code changed since the plan was settled, by phase, and documents changed
since their approval.

Exit status: 0 when nothing drifted, 1 when code or documents drifted, 2 on a usage error (unknown
feature, not a git repository, bad ``.torus-mcp.toml``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from torus_mcp.history.drift import Drift

USAGE_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("feature", metavar="FEATURE", help="feature id (e.g. canvas-preview) or pack path")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json for tools (default: text)",
    )
    parser.epilog = (
        "exit status: 0 no drift, 1 drift, 2 usage error. Code globs: .torus-mcp.toml [history] drift_globs."
    )


def run(args: argparse.Namespace) -> int:
    from torus_mcp.config import ConfigError
    from torus_mcp.history.drift import spec_drift
    from torus_mcp.history.repository import HistoryError, open_repository
    from torus_mcp.history.settings import history_settings
    from torus_mcp.workspace import Workspace, WorkspaceError, resolve_root

    try:
        workspace = Workspace(resolve_root(args.root, os.environ, None, Path.cwd()))
        ref = workspace.resolve_feature(args.feature)
        settings = history_settings(workspace.config)
        with open_repository(workspace.root) as repo:
            drift = spec_drift(repo, workspace, ref, settings)
    except (ConfigError, WorkspaceError, HistoryError) as error:
        print(f"torus-mcp drift: {error}", file=sys.stderr)
        return USAGE_ERROR
    if args.format == "json":
        sys.stdout.write(json.dumps(drift.model_dump(mode="json"), indent=2) + "\n")
    else:
        print_text(drift, sys.stdout)
    return 1 if drift.code_files or drift.documents else 0


def print_text(drift: Drift, out: TextIO) -> None:
    since = f"since {drift.since_reason}" if drift.since else f"(cannot tell: {drift.since_reason})"
    out.write(f"{drift.feature}: {drift.code_files} code file(s) changed {since}\n")
    for group in drift.phases:
        out.write(f"  {group.phase or 'named by no phase'}:\n")
        for changed in group.files:
            out.write(f"    {changed.status:<10} {changed.path}\n")
    for doc in drift.documents:
        out.write(f"  {doc.doc} changed since its approval ({doc.approved_at[:10]}): {doc.changes}\n")
    if drift.note:
        out.write(f"  note: {drift.note}\n")
    if not drift.code_files and not drift.documents and not drift.note:
        out.write("  no drift: the code and the documents are where the spec left them.\n")
