"""The committed copies of real mix captures (tests/data/elixir-outputs) the parser tests read."""

from __future__ import annotations

from pathlib import Path

from tests.shared_data import REPO_ROOT

CAPTURES = REPO_ROOT / "tests" / "data" / "elixir-outputs"
VERSIONS = ("1.14", "1.15", "1.16", "1.18")


def capture_path(rel: str) -> Path:
    path = CAPTURES / rel
    if not path.exists():
        raise AssertionError(f"test data {path} is missing: copy it from ../shared/elixir-outputs/{rel}")
    return path


def read_capture(rel: str) -> str:
    # Bytes, decoded here, so `\r\n` of pty captures reaches the parser untouched.
    return capture_path(rel).read_bytes().decode("utf-8")
