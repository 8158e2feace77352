"""`torus-mcp demo`, run as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.shared_data import require_mix


def run_demo(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "torus-mcp"
    return subprocess.run(
        [str(script), "demo"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_demo_runs_every_step_end_to_end(tmp_path: Path) -> None:
    if os.environ.get("CI"):
        require_mix()  # the demo's mix step must run in CI
    # No global git identity: the demo's repository has its own.
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    result = run_demo(env, tmp_path)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    # The develop prompt's phase text for the example feature.
    assert "## Phase 2: Preview Links" in out and "Goal: Authors share a signed, expiring link" in out
    assert "edited section 'Open Questions & Assumptions'" in out
    assert "refused: " in out and "version conflict" in out
    assert "canvas-preview: stage developing" in out and "authoring/bulk-tagging: stage fdd" in out
    assert "Phase 2: Preview Links: 2/4 tasks" in out
    assert "AC-004: verified_plan -> verified, 1 proof(s) in requirements.yml" in out
    assert "created docs/features/grade-sync: prd.md, fdd.md, plan.md, requirements.yml" in out
    assert "PRD-FR-IDS" in out
    assert "read_resource torus://features/canvas-preview/status: stage developing" in out
    # Approvals pinned to content: an upstream edit turns the approval stale, and the diff says where.
    assert "approved fdd.md by Torus Demo <demo@example.invalid>" in out
    assert "A approvals.yml (the new grade-sync pack stays out)" in out
    assert (
        "STALE-UPSTREAM: fdd.md was approved against an earlier prd.md, which has since changed: changed Goals"
        in out
    )
    assert "sections changed: Goals & Non-Goals" in out and "+- Previews load in under 200 ms." in out
    if shutil.which("mix"):
        assert 'lib/torus_example/canvas_preview.ex:19: warning: variable "started_at" is unused' in out
        assert "mix test: 4 tests, 0 failures" in out
        assert "mix format --check-formatted: every file is formatted" in out
    if shutil.which("elixir"):
        assert (
            "lib/torus_example/canvas_preview/share_link.ex:11:7: warning IS-PREDICATE: def is_expired/2 is "
            "named like a guard; name it expired?/2" in out
        )
        assert "lib/torus_example/canvas_preview/share_link.ex:15:28: warning STRING-TO-ATOM:" in out
        assert "3 files checked: 0 errors, 2 warnings" in out
    assert out.rstrip().endswith("Done: every step ran against a real server over stdio.")


def test_demo_without_mix_says_skipped(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = {**os.environ, "PATH": str(bin_dir)}
    result = run_demo(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped: mix not found" in result.stdout
    assert "skipped: git not found" in result.stdout
    # The guideline step still runs its textual rules and says why the Elixir files were not read.
    assert "note: `elixir` was not found on PATH, so only the textual HEEx rules ran" in result.stdout
