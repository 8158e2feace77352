"""The small Elixir projects under tests/fixtures/elixir, copied and built for tests that run real mix."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.shared_data import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "elixir"
PROJECTS = ("warnings_app", "compile_error_app", "test_outcomes_app", "umbrella_app")


def copy_project(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns("_build", "deps", ".torus-mcp"))
    return target


def start_compile(root: Path, mix_env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["mix", "compile"],
        cwd=root,
        env={**os.environ, "MIX_ENV": mix_env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
