"""The committed copies stay in step with ../shared/elixir-outputs (skipped where it is absent)."""

from __future__ import annotations

from pathlib import Path

from tests.mix.parse.captures import CAPTURES


def _captures(root: Path) -> dict[str, bytes]:
    # xref output is not compiler, test or format output: it is not parsed here.
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "xref" not in p.relative_to(root).parts
    }


def test_every_shared_capture_is_copied_unchanged(shared_outputs: Path) -> None:
    shared = _captures(shared_outputs)
    copied = _captures(CAPTURES)
    missing = sorted(set(shared) - set(copied))
    assert not missing, f"copy these from {shared_outputs} into {CAPTURES}: {missing[:10]}"
    changed = sorted(rel for rel in shared if copied[rel] != shared[rel])
    assert not changed, f"these copies differ from {shared_outputs}: {changed[:10]}"
