"""Where the shared test data (the real Torus spec packs) lives beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """The repository's sibling ``shared`` directory, or TORUS_SHARED_DIR when set."""
    override = os.environ.get("TORUS_SHARED_DIR")
    return Path(override) if override else (REPO_ROOT / ".." / "shared").resolve()
