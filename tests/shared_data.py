"""Where the test data outside the repository lives, and what a test does when it is missing.

`../shared` beside the checkout (or `TORUS_SHARED_DIR`) holds the real Torus spec packs and mix
captures; Elixir's `mix` runs the integration tests. Locally a test without them is skipped with the
reason; with `CI` set, a missing piece is an error, never a quiet skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """`../shared` beside the checkout, or TORUS_SHARED_DIR when set."""
    return Path(os.environ.get("TORUS_SHARED_DIR") or REPO_ROOT.parent / "shared").resolve()


def missing(reason: str) -> None:
    """Fail under CI, skip elsewhere: the one policy for absent test data and tools."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must have it", pytrace=False)
    pytest.skip(reason)


def require_shared(*parts: str) -> Path:
    """`shared/<parts>`; skips (fails under CI) when it is absent."""
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        missing(
            f"{path} is absent: the real Torus spec packs and mix captures live in ../shared beside the "
            "checkout; set TORUS_SHARED_DIR to run these tests elsewhere"
        )
    return path


def require_mix() -> None:
    """Skips (fails under CI) when Elixir's `mix` and `elixir` are not on PATH."""
    if not (shutil.which("mix") and shutil.which("elixir")):
        missing("Elixir's `mix` is not on PATH (install it with `apt-get install elixir`)")
