"""Drift: code that moved on after the plan was settled, and documents changed since their approval.

Code files (``[history] drift_globs``) changed since the plan was approved, or, without an approval,
since plan.md was last committed, up to the working tree (untracked files included), grouped by the
plan phase that names them; documents whose content differs from what approvals.yml pins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from torus_mcp.documents import DocumentError, read_document, version_of
from torus_mcp.history.changes import ChangedFile, changed_files
from torus_mcp.history.repository import GitRepository, short
from torus_mcp.workspace import FeatureRef, Workspace

if TYPE_CHECKING:
    from torus_mcp.history.approvals import ApprovalFile
    from torus_mcp.history.settings import HistorySettings


class PhaseDrift(BaseModel):
    phase: str | None
    """The phase naming these files, e.g. "Phase 2: Preview Links"; None: no phase names them."""
    files: list[ChangedFile]


class DocDrift(BaseModel):
    doc: str
    approved_at: str
    changes: str
    """The sections changed since approval, e.g. "prd.md: changed Goals; added Rollout"."""


class Drift(BaseModel):
    feature: str
    since: str | None
    """The commit code changes are counted from; None when there is none (see note)."""
    since_reason: str
    code_files: int
    phases: list[PhaseDrift]
    documents: list[DocDrift]
    note: str | None = None


def spec_drift(repo: GitRepository, ws: Workspace, ref: FeatureRef, settings: HistorySettings) -> Drift:
    from torus_mcp.history.settings import glob_matches

    approvals = _approvals(ws, ref)
    texts = _texts(ws, ref, ref.docs())
    plan_approval = approvals.get("plan.md") if approvals else None
    base, reason, note = _base(repo, ref, plan_approval)
    files = (
        [f for f in changed_files(repo, base) if any(glob_matches(g, f.path) for g in settings.drift_globs)]
        if base
        else []
    )
    return Drift(
        feature=ref.id,
        since=short(base),
        since_reason=reason,
        code_files=len(files),
        phases=_by_phase(ws, ref, texts.get("plan.md"), files),
        documents=_documents(approvals, texts, ref),
        note=note,
    )


def _approvals(ws: Workspace, ref: FeatureRef) -> ApprovalFile | None:
    from torus_mcp.history.approvals import APPROVALS_FILE, ApprovalFileError, parse_approvals

    if APPROVALS_FILE not in ref.docs():
        return None
    path = ws.doc_path(ref, APPROVALS_FILE, must_exist=True)
    try:
        return parse_approvals(read_document(path, f"{ref.rel_path}/{APPROVALS_FILE}").text)
    except (ApprovalFileError, DocumentError):
        return None  # check_gates reports an unreadable approvals.yml


def _texts(ws: Workspace, ref: FeatureRef, names: list[str]) -> dict[str, str]:
    texts = {}
    for name in names:
        try:
            texts[name] = read_document(
                ws.doc_path(ref, name, must_exist=True), f"{ref.rel_path}/{name}"
            ).text
        except (DocumentError, ValueError):
            continue
    return texts


def _base(repo: GitRepository, ref: FeatureRef, plan_approval) -> tuple[str | None, str, str | None]:
    if plan_approval is not None and plan_approval.commit:
        return (
            plan_approval.commit,
            f"plan.md approved {plan_approval.approved_at[:10]} at {short(plan_approval.commit)}",
            None,
        )
    plan = repo.repo_path(ref.path / "plan.md")
    last = (
        repo.text("log", "-1", "--format=%H", "--no-show-signature", "HEAD", "--", plan).strip()
        if repo.head()
        else ""
    )
    if last:
        return last, f"plan.md last committed at {short(last)} (no approval)", None
    return (
        None,
        "plan.md has no approval and no commit",
        "approve plan.md (approve_doc) or commit it (commit_spec) so code changes can be measured against it.",
    )


def _by_phase(
    ws: Workspace, ref: FeatureRef, plan_text: str | None, files: list[ChangedFile]
) -> list[PhaseDrift]:
    if not files:
        return []
    from torus_mcp.history.plan_mentions import execution_records, phase_texts

    phases = []
    if plan_text is not None:
        from torus_mcp.specs.plan.parse import parse_plan

        records = execution_records(ref.path, ws.is_inside_spec_tree)
        phases = phase_texts(parse_plan(plan_text), plan_text, records)
    groups = [PhaseDrift(phase=p.label, files=[f for f in files if p.names(f.path)]) for p in phases]
    named = {f.path for g in groups for f in g.files}
    groups = [g for g in groups if g.files]
    rest = [f for f in files if f.path not in named]
    if rest:
        groups.append(PhaseDrift(phase=None, files=rest))
    return groups


def _documents(approvals: ApprovalFile | None, texts: dict[str, str], ref: FeatureRef) -> list[DocDrift]:
    if approvals is None:
        return []
    from torus_mcp.history.approvals import content_changes

    versions = {name: version_of(text.encode("utf-8")) for name, text in texts.items()}
    cache: dict = {}
    found = []
    for approval in approvals.approvals:
        changes = content_changes(approval, texts, versions, cache)
        if changes:
            described = "; ".join(
                f"{c.doc} was deleted" if c.gone else f"{c.doc}: {c.changes.describe()}" for c in changes
            )
            found.append(DocDrift(doc=approval.doc, approved_at=approval.approved_at, changes=described))
    return found
