"""Where a changed file belongs: a spec pack's documents, or an area of the code.

A file inside a pack directory belongs to that pack (``pack:canvas-preview``). A code file matching
one of the drift globs belongs to the glob's base directory and the directory below it
(``code:lib/oli_web``, ``code:test/oli``, ``code:assets/src/components``); other files have no area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from torus_mcp.history.changes import ChangedFile

if TYPE_CHECKING:
    from torus_mcp.workspace import FeatureRef


class PlacedFile(ChangedFile):
    area: str | None = None


def code_area(path: str, globs: list[str]) -> str | None:
    from torus_mcp.history.settings import glob_base, glob_matches

    for glob in globs:
        if glob_matches(glob, path):
            base = glob_base(glob)
            rest = path[len(base) + 1 :].split("/") if base else path.split("/")
            below = f"{base}/{rest[0]}" if base and len(rest) > 1 else (base or rest[0])
            return f"code:{below}"
    return None


def place(files: list[ChangedFile], packs: list[FeatureRef], globs: list[str]) -> list[PlacedFile]:
    """Each file with its area; packs are matched by their path relative to the project root."""
    by_depth = sorted(packs, key=lambda ref: -len(ref.rel_path))
    placed = []
    for changed in files:
        pack = next((ref for ref in by_depth if changed.path.startswith(ref.rel_path + "/")), None)
        area = f"pack:{pack.id}" if pack else code_area(changed.path, globs)
        placed.append(PlacedFile(**changed.model_dump(), area=area))
    return placed


class ChangeReport(BaseModel):
    base: str | None
    """The commit the change is measured from (None: the repository has no commit yet)."""
    base_reason: str
    files: list[PlacedFile]
