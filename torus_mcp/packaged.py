"""Where the files that ship with torus-mcp live: persona prompts, static resources, the example.

In an installed wheel they sit in `torus_mcp/_data/`; in a source checkout (editable install,
tests) they are the top-level `prompts/`, `resources/` and `examples/` directories.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def packaged_dir(name: str) -> Path:
    """`prompts`, `resources` or `examples`."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name
