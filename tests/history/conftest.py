"""A git-versioned copy of the example project for the history tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.history.git_repos import init_repo


@pytest.fixture
def repo_project(project: Path) -> Path:
    """The example project, committed on master in a fresh repository."""
    return init_repo(project)
