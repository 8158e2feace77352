"""Fixtures for the spec-pack parser tests: where the real Torus spec packs live, if anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.specs.shared_data import shared_dir


@pytest.fixture
def specpacks() -> Path:
    """``shared/specpacks``; the test is skipped when it is absent (the packs are not committed)."""
    path = shared_dir() / "specpacks"
    if not path.is_dir():
        pytest.skip(f"real spec packs not found at {path} (set TORUS_SHARED_DIR to the shared dir)")
    return path
