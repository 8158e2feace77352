"""Fixtures for the spec-pack parser tests: where the real Torus spec packs live."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import require_shared


@pytest.fixture
def specpacks() -> Path:
    """``shared/specpacks``; skipped when absent (an error under CI: the packs are not committed)."""
    return require_shared("specpacks")
