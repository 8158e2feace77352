"""`torus-mcp drift FEATURE` as a terminal user runs it: a subprocess on a git copy of the example."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def drift(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TORUS_ROOT"}
    return subprocess.run(
        [sys.executable, "-m", "torus_mcp", "drift", *args, "--root", str(project)],
        cwd=project.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_drift_exits_0_and_drift_exits_1_with_the_files_by_phase(repo_project: Path) -> None:
    quiet = drift(repo_project, "canvas-preview")
    assert quiet.returncode == 0, quiet.stderr
    assert "0 code file(s) changed since plan.md last committed at" in quiet.stdout
    assert "no drift" in quiet.stdout

    link = repo_project / "lib/torus_example/canvas_preview/link.ex"
    link.write_text("defmodule TorusExample.CanvasPreview.Link do\nend\n")
    moved = drift(repo_project, "canvas-preview")
    assert moved.returncode == 1, moved.stderr
    assert "1 code file(s) changed" in moved.stdout
    assert (
        "  Phase 2: Preview Links:\n    untracked  lib/torus_example/canvas_preview/link.ex\n" in moved.stdout
    )

    data = json.loads(drift(repo_project, "canvas-preview", "--format", "json").stdout)
    assert data["code_files"] == 1 and data["phases"][0]["phase"] == "Phase 2: Preview Links"


def test_usage_errors_exit_2_with_one_line(repo_project: Path) -> None:
    unknown = drift(repo_project, "no-such-feature")
    assert unknown.returncode == 2 and unknown.stderr.startswith(
        "torus-mcp drift: no feature 'no-such-feature'"
    )
    (repo_project / ".git").rename(repo_project / ".git-away")
    outside = drift(repo_project, "canvas-preview")
    assert outside.returncode == 2
    assert "is not inside a git repository" in outside.stderr and outside.stderr.count("\n") == 1
