"""Fixtures for the parser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import require_shared


@pytest.fixture
def shared_outputs() -> Path:
    return require_shared("elixir-outputs")
