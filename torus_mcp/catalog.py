"""What the spec tree holds, as the index clients see, and the static texts that ship with torus-mcp."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from torus_mcp.discovery import CORE_DOCS
from torus_mcp.documents import DocumentError, read_document
from torus_mcp.packaged import packaged_dir
from torus_mcp.workspace import FeatureRef, Workspace, WorkspaceError, normalize_doc_name

GUIDES = {
    "workflow": ("workflow.md", "Torus spec-driven workflow: packs, personas, gates, stages, tools"),
    "coding-guidelines": ("coding-guidelines.md", "Torus coding guidelines the develop persona follows"),
}
TEMPLATE_DOCS = ("prd.md", "fdd.md", "plan.md", "requirements.yml")
_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


class FeatureSummary(BaseModel):
    id: str
    slug: str
    epic: str | None
    title: str
    path: str
    docs: list[str]
    missing: list[str]  # core documents (prd.md, fdd.md, plan.md) the pack does not have yet
    archived: bool  # under an archive/ directory


class DraftSummary(BaseModel):
    """A directory holding only informal drafts: work not yet written up as a pack."""

    id: str
    path: str
    docs: list[str]
    archived: bool


Scope = Literal["live", "archived", "all"]


def feature_title(feature: FeatureRef) -> str:
    """The first `# ` heading of the PRD (or another core doc), else the slug."""
    present = feature.docs()  # only documents that stay inside the spec tree
    for doc in CORE_DOCS:
        path = feature.path / doc
        if doc not in present or not path.is_file():
            continue
        try:
            with path.open("r", encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
        except OSError:
            continue
        match = _TITLE.search(head)
        if match:
            return match.group(1).strip()
    return feature.slug


def summarize(feature: FeatureRef) -> FeatureSummary:
    docs = feature.docs()
    return FeatureSummary(
        id=feature.id,
        slug=feature.slug,
        epic=feature.epic,
        title=feature_title(feature),
        path=feature.rel_path,
        docs=docs,
        missing=[d for d in CORE_DOCS if d not in docs],
        archived=feature.archived,
    )


def in_scope(feature: FeatureRef, scope: Scope, prefix: str | None = None) -> bool:
    """Live packs are those not under an archive/ directory; a prefix keeps packs whose path or id
    starts with it (a directory or an epic)."""
    if (scope == "live" and feature.archived) or (scope == "archived" and not feature.archived):
        return False
    if not prefix:
        return True
    start = prefix.strip().removeprefix("./").strip("/")
    return any(value == start or value.startswith(start + "/") for value in (feature.rel_path, feature.id))


def feature_index(
    workspace: Workspace, scope: Scope = "all", prefix: str | None = None
) -> list[FeatureSummary]:
    return [summarize(f) for f in workspace.discover() if in_scope(f, scope, prefix)]


def draft_index(workspace: Workspace, scope: Scope = "all", prefix: str | None = None) -> list[DraftSummary]:
    return [
        DraftSummary(id=d.id, path=d.rel_path, docs=d.docs(), archived=d.archived)
        for d in workspace.drafts()
        if in_scope(d, scope, prefix)
    ]


def guide_text(name: str) -> str:
    file_name, _ = GUIDES[name]
    path = packaged_dir("resources") / file_name
    return read_document(path, path.as_posix()).text


def template_text(doc: str, *, feature: str | None = None, title: str | None = None) -> str:
    """A skeleton for a new document; with feature/title given, its placeholders are filled in."""
    name = normalize_doc_name(doc)
    if name not in TEMPLATE_DOCS:
        raise WorkspaceError(f"no template {doc!r}; templates: {', '.join(TEMPLATE_DOCS)}.")
    path = packaged_dir("resources") / "templates" / name
    try:
        text = read_document(path, path.as_posix()).text
    except DocumentError as exc:
        raise WorkspaceError(f"the {name} template cannot be read: {exc}") from exc
    if feature is not None:
        text = text.replace("{{feature}}", feature)
    if title is not None:
        text = text.replace("{{title}}", title)
    return text
