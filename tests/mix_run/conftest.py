"""Fixtures for the runner tests: real `mix` on the small projects under tests/fixtures/elixir.

The projects are copied once per session into a temporary directory and compiled there (dev and
test environments), so each test pays for a no-op mix run rather than a full build. Tests that
change a project get a copy of their own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.shared_data import require_mix

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "elixir"
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


@pytest.fixture(scope="session")
def built_projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every fixture project, copied and compiled once: {name: root}."""
    require_mix()
    base = tmp_path_factory.mktemp("elixir-projects")
    roots = {name: copy_project(name, base) for name in PROJECTS}
    # Separate projects and environments have separate build directories: build them all at once.
    builds = [start_compile(root, "dev") for root in roots.values()]
    builds += [start_compile(root, "test") for name, root in roots.items() if name != "compile_error_app"]
    for build in builds:
        build.wait(timeout=300)
    return roots


@pytest.fixture
def mix_required() -> None:
    require_mix()
