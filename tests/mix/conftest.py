"""Fixtures for the tests that run real `mix` on the small projects under tests/fixtures/elixir.

The projects are copied once per session into a temporary directory and compiled there (dev and
test environments), so each test pays for a no-op mix run rather than a full build. Tests that
change a project get a copy of their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mix.projects import PROJECTS, copy_project, start_compile
from tests.shared_data import require_mix


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
