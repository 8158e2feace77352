"""Helpers for the parser tests: the committed copies of real mix captures (tests/data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CAPTURES = REPO_ROOT / "tests" / "data" / "elixir-outputs"
VERSIONS = ("1.14", "1.15", "1.16", "1.18")


def shared_captures() -> Path:
    """`../shared/elixir-outputs` beside the checkout, or under TORUS_SHARED_DIR."""
    base = Path(os.environ.get("TORUS_SHARED_DIR", REPO_ROOT.parent / "shared"))
    return base.resolve() / "elixir-outputs"


def capture_path(rel: str) -> Path:
    path = CAPTURES / rel
    if not path.exists():
        raise AssertionError(f"test data {path} is missing: copy it from ../shared/elixir-outputs/{rel}")
    return path


def read_capture(rel: str) -> str:
    # Bytes, decoded here, so `\r\n` of pty captures reaches the parser untouched.
    return capture_path(rel).read_bytes().decode("utf-8")


@pytest.fixture
def shared_outputs() -> Path:
    path = shared_captures()
    if not path.is_dir():
        pytest.skip(f"{path} is absent (it sits beside the checkout in CI; set TORUS_SHARED_DIR elsewhere)")
    return path
