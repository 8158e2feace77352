"""What changed in a spec document between two versions: a unified diff and the sections changed.

Sections are compared by fingerprint (``torus_mcp.history.fingerprints``), so the section list says
what a reader cares about (``Acceptance Criteria`` changed, ``Rollout`` added) while the unified
diff gives the exact lines. Texts come from wherever the caller read them: the working tree, a
commit, or the blob an approval pinned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

if TYPE_CHECKING:
    from torus_mcp.history.repository import GitRepository
    from torus_mcp.workspace import FeatureRef, Workspace

MAX_DIFF_CHARS = 60_000


class SpecDiff(BaseModel):
    feature: str
    doc: str
    from_rev: str
    to_rev: str
    sections_changed: list[str]
    sections_added: list[str]
    sections_removed: list[str]
    diff: str
    """Unified diff, 3 lines of context; empty when the texts are equal."""
    diff_chars: int
    """Length of the whole diff; more than len(diff) when it was cut at 60,000 characters."""


def diff_texts(feature: str, doc: str, before: str, after: str, from_label: str, to_label: str) -> SpecDiff:
    import difflib

    from torus_mcp.history.fingerprints import compare, digests, fingerprints

    changes = compare(digests(fingerprints(doc, before)), fingerprints(doc, after))
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{doc} ({from_label})",
        tofile=f"{doc} ({to_label})",
    )
    text = "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
    shown = text
    if len(text) > MAX_DIFF_CHARS:
        cut = text.rfind("\n", 0, MAX_DIFF_CHARS)
        shown = text[: cut + 1 if cut > 0 else MAX_DIFF_CHARS]
    return SpecDiff(
        feature=feature,
        doc=doc,
        from_rev=from_label,
        to_rev=to_label,
        sections_changed=changes.changed,
        sections_added=changes.added,
        sections_removed=changes.removed,
        diff=shown,
        diff_chars=len(text),
    )


def diff_document(
    repo: GitRepository, ws: Workspace, ref: FeatureRef, doc: str, from_rev: str | None, to_rev: str | None
) -> SpecDiff:
    """Document ``doc`` of the pack from ``from_rev`` (default HEAD; ``approved`` for the approved
    content) to ``to_rev`` (default: the working tree). A side without the document counts as empty."""
    from torus_mcp.documents import read_document
    from torus_mcp.workspace import normalize_doc_name

    name = normalize_doc_name(doc)
    label = f"{ref.rel_path}/{name}"
    before, from_label = _side(repo, ws, ref, name, from_rev or "HEAD")
    if to_rev is None:
        path = ws.doc_path(ref, name, must_exist=False)
        after = read_document(path, label).text if path.is_file() else ""
        to_label = "working tree" if path.is_file() else "working tree (no such file)"
    else:
        after, to_label = _side(repo, ws, ref, name, to_rev)
    return diff_texts(ref.id, name, before, after, from_label, to_label)


def _side(repo: GitRepository, ws: Workspace, ref: FeatureRef, name: str, rev: str) -> tuple[str, str]:
    from torus_mcp.history.contents import APPROVED, MissingAtRevision, read_at
    from torus_mcp.history.repository import HistoryError

    if rev.strip() != APPROVED and repo.head() is None:
        raise HistoryError(
            "the repository has no commit yet, so there is nothing to compare with; commit first."
        )
    try:
        stored = read_at(repo, ws, ref, name, rev)
    except MissingAtRevision as exc:
        return "", f"{exc.label} (no {name})"
    return stored.text, stored.label
