"""Approving a spec document: its gate must pass, then its content is pinned in approvals.yml.

The approval records the document's version and git blob id (the bytes are written to git's object
store, so ``spec_diff from_rev=approved`` can show them even before they are committed), the commit
HEAD was at, the time, the approver from git config, and the same pins for what the document was
written against. Nothing is written when the gate fails or git cannot say who approves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel

from torus_mcp.history.repository import GitRepository, HistoryError, short
from torus_mcp.workspace import FeatureRef, Workspace, normalize_doc_name

if TYPE_CHECKING:
    from torus_mcp.specs.findings import Finding
    from torus_mcp.specs.gate_config import GatesConfig

MAX_NOTE_CHARS = 2000
_LISTED = 8


class ApprovalRefused(HistoryError):
    """The document's gate fails; the message lists the blocking findings."""


class ApprovalOutcome(BaseModel):
    feature: str
    doc: str
    version: str
    blob: str
    commit: str | None
    approver: str
    approved_at: str
    upstream: dict[str, str | None]
    """Each upstream document's version the approval pins (None: it did not exist)."""
    file_version: str
    """The new version of approvals.yml."""
    replaced: bool
    """True when an earlier approval of the document was replaced."""


def approve_document(
    repo: GitRepository, ws: Workspace, ref: FeatureRef, doc: str, note: str | None, gates: GatesConfig
) -> ApprovalOutcome:
    # The gate engine and the parsers are imported with the first approval, not at server start-up.
    from torus_mcp.documents import read_document, write_document
    from torus_mcp.history.approvals import (
        APPROVABLE,
        APPROVALS_FILE,
        Approval,
        ApprovalFile,
        ApprovalFileError,
        Pin,
        includes_of,
        parse_approvals,
        pin,
        render_approvals,
        upstream_of,
    )
    from torus_mcp.specs.gates import check_gates
    from torus_mcp.specs.pack import load_pack
    from torus_mcp.specs.rules.base import GATE_DOCS
    from torus_mcp.specs.rules.pack_view import PackView, gate_documents

    name = normalize_doc_name(doc)
    if name not in APPROVABLE:
        raise HistoryError(
            f"{name} has no gate to approve it by; approve_doc takes prd.md, fdd.md or plan.md (requirements "
            "YAML is approved with prd.md)."
        )
    clean_note = " ".join((note or "").split()) or None
    if clean_note and len(clean_note) > MAX_NOTE_CHARS:
        raise HistoryError(f"the note is over {MAX_NOTE_CHARS} characters; keep it to a line or two.")
    gate = next(g for g, d in GATE_DOCS.items() if d == name)
    pack = load_pack(ref.path, ref.id)
    report = check_gates(pack, gate, gates)
    gate_docs = set(gate_documents(PackView(pack), gate))
    blocking = [f for f in report.findings if f.severity == "error" and _blocks(f, gate, gate_docs)]
    if blocking:
        raise ApprovalRefused(_refusal(ref, name, gate, blocking))

    approvals_path = ws.doc_path(ref, APPROVALS_FILE, must_exist=False)
    label = f"{ref.rel_path}/{APPROVALS_FILE}"
    current = read_document(approvals_path, label) if approvals_path.is_file() else None
    try:
        existing = parse_approvals(current.text) if current else ApprovalFile()
    except ApprovalFileError as exc:
        raise HistoryError(
            f"{exc}; nothing was written. Restore {label} from git, or delete it and approve the documents again."
        ) from exc

    approver = repo.identity()
    docs = list(pack.docs)
    included = [d for d in includes_of(name, docs) if d in pack.texts]
    upstream = upstream_of(name, docs)
    blobs = _store_blobs(repo, ref, [name, *included, *(d for d in upstream if d in pack.texts)], pack.texts)

    def pinned(doc_name: str) -> Pin:
        text = pack.texts.get(doc_name)
        version = pack.docs[doc_name].version if text is not None else None
        return pin(doc_name, text, version, blobs.get(doc_name))

    own = pinned(name)
    approval = Approval(
        **own.model_dump(),
        commit=repo.head(),
        approved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        approver=approver,
        note=clean_note,
        includes=[pinned(d) for d in included],
        upstream=[pinned(d) for d in upstream],
    )
    outcome = write_document(
        approvals_path,
        render_approvals(existing.with_approval(approval)),
        current.version if current else None,
        label,
    )
    return ApprovalOutcome(
        feature=ref.id,
        doc=name,
        version=str(own.version),
        blob=str(own.blob),
        commit=short(approval.commit),
        approver=approver,
        approved_at=approval.approved_at,
        upstream={p.doc: p.version for p in approval.upstream},
        file_version=outcome.version,
        replaced=existing.get(name) is not None,
    )


def _blocks(finding: Finding, gate: str, gate_docs: set[str]) -> bool:
    """True for an error of ``gate`` that must block an approval (stale approvals are what re-approval clears)."""
    from torus_mcp.specs.rules.approvals import STALE_RULE_IDS
    from torus_mcp.specs.rules.registry import RULES

    rule = RULES.get(finding.rule)
    if rule is None or finding.rule in STALE_RULE_IDS:
        return False
    return rule.gate == gate if rule.gate != "all" else finding.document in gate_docs


def _refusal(ref: FeatureRef, name: str, gate: str, blocking: list[Finding]) -> str:
    listed = "; ".join(
        f"{f.rule} ({f.document or ref.id}{f' line {f.line}' if f.line else ''}): {f.message}"
        for f in blocking[:_LISTED]
    )
    more = f"; and {len(blocking) - _LISTED} more (check_gates lists them)" if len(blocking) > _LISTED else ""
    return (
        f"{ref.id}/{name} is not approved: its {gate} gate fails with {len(blocking)} error(s): {listed}{more}. "
        "Fix them and approve again; nothing was written."
    )


def _store_blobs(
    repo: GitRepository, ref: FeatureRef, names: list[str], texts: dict[str, str]
) -> dict[str, str]:
    """Write each document's bytes to git's object store; its blob id, as git would store the file."""
    blobs: dict[str, str] = {}
    for doc_name in dict.fromkeys(names):
        path = repo.repo_path(ref.path / doc_name)
        blobs[doc_name] = repo.text(
            "hash-object", "-w", "--stdin", f"--path={path}", stdin=texts[doc_name].encode("utf-8")
        ).strip()
    return blobs
