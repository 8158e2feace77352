"""A document's content as git stores it: at a commit (following the pack's moves) or by blob id.

Content read from git gets the same checks as a file read from disk (size cap, UTF-8, no NUL bytes),
and the same ``version`` (``sha256:`` of the bytes), so versions from git and from the read tools
compare directly.
"""

from __future__ import annotations

from pydantic import BaseModel

from torus_mcp.documents import MAX_DOC_BYTES, DocumentError, decode_document, version_of
from torus_mcp.history.log import path_history
from torus_mcp.history.repository import GitRepository, HistoryError, short
from torus_mcp.history.revisions import resolve_commit
from torus_mcp.workspace import FeatureRef, Workspace

MAX_LOCATIONS_SCANNED = 1000
APPROVED = "approved"
"""The revision name for the content approvals.yml pins (approve_doc)."""


class MissingAtRevision(HistoryError):
    """The document does not exist at that commit."""

    def __init__(self, message: str, label: str) -> None:
        super().__init__(message)
        self.label = label


class StoredText(BaseModel):
    text: str
    version: str
    path: str
    """Where the document was at that revision, relative to the project root."""
    label: str = ""
    """How the revision is named in answers: "HEAD (1a2b3c4d5e6f)", "approved 2026-03-02 by ..."."""


def read_at(repo: GitRepository, ws: Workspace, ref: FeatureRef, doc: str, rev: str) -> StoredText:
    """Document ``doc`` of the pack at revision ``rev`` (a client's value: checked), or as approved."""
    label = f"{ref.rel_path}/{doc}"
    if rev.strip() == APPROVED:
        return _approved(repo, ws, ref, doc, label)
    revision = resolve_commit(repo, rev)
    try:
        stored = text_at(repo, revision.sha, repo.repo_path(ref.path / doc), label)
    except MissingAtRevision as exc:
        raise MissingAtRevision(str(exc), revision.label) from exc
    return stored.model_copy(update={"label": revision.label})


def _approved(repo: GitRepository, ws: Workspace, ref: FeatureRef, doc: str, label: str) -> StoredText:
    from torus_mcp.documents import read_document
    from torus_mcp.history.approvals import APPROVALS_FILE, ApprovalFileError, approved_pin, parse_approvals

    path = ws.doc_path(ref, APPROVALS_FILE, must_exist=False)
    found = None
    if path.is_file():
        try:
            found = approved_pin(parse_approvals(read_document(path, APPROVALS_FILE).text), doc)
        except ApprovalFileError as exc:
            raise HistoryError(f"{exc}; restore {ref.rel_path}/{APPROVALS_FILE} from git.") from exc
    if found is None or found[1].blob is None:
        raise HistoryError(f"{label} has no approval to compare with; approve_doc records one.")
    approval, pinned = found
    stored = text_of_blob(repo, pinned.blob, label)
    when = f"approved {approval.approved_at[:10]} by {approval.approver}"
    return stored.model_copy(
        update={"path": f"{ref.rel_path}/{doc}", "label": f"{when} ({short(approval.commit) or 'no commit'})"}
    )


def _blob_at(repo: GitRepository, sha: str, path: str):
    try:
        found = repo.repo.commit(sha).tree / path
    except KeyError:
        return None
    except Exception as exc:  # a damaged or partial object database, as gitpython reports it
        raise HistoryError(f"git could not read commit {sha[:12]} ({type(exc).__name__}: {exc}).") from exc
    return found if found.type == "blob" else None


def text_at(repo: GitRepository, sha: str, path: str, label: str) -> StoredText:
    """The document at repository path ``path`` as commit ``sha`` has it; when it is not there, where the
    document was before a move of its pack. HistoryError when the commit has no such document."""
    blob = _blob_at(repo, sha, path)
    where = path
    if blob is None:
        history = path_history(repo, path, is_dir=False, limit=MAX_LOCATIONS_SCANNED)
        for earlier in history.locations[1:]:
            older = f"{repo.prefix}/{earlier}" if repo.prefix else earlier
            blob = _blob_at(repo, sha, older)
            if blob is not None:
                where = older
                break
    if blob is None:
        raise MissingAtRevision(
            f"{label} does not exist at commit {sha[:12]} (not yet written, or deleted by then); "
            "spec_history lists the commits that have it.",
            sha[:12],
        )
    data = _read(blob, label)
    return StoredText(text=_decode(data, label), version=version_of(data), path=repo.project_path(where))


def text_of_blob(repo: GitRepository, blob_id: str, label: str) -> StoredText:
    """The content of blob ``blob_id`` (an id torus-mcp recorded, e.g. in approvals.yml)."""
    try:
        blob = repo.repo.rev_parse(blob_id)
    except Exception as exc:  # gitpython's lookup errors
        raise HistoryError(
            f"the recorded content of {label} (blob {blob_id[:12]}) is no longer in this repository; commit "
            "documents after approving them so their approved content is kept."
        ) from exc
    if blob.type != "blob":
        raise HistoryError(f"{blob_id[:12]} is a {blob.type}, not the content of {label}.")
    data = _read(blob, label)
    return StoredText(text=_decode(data, label), version=version_of(data), path=label)


def _read(blob, label: str) -> bytes:
    if blob.size > MAX_DOC_BYTES:
        raise HistoryError(
            f"{label} is {blob.size:,} bytes at that revision, over the {MAX_DOC_BYTES:,}-byte limit for documents."
        )
    try:
        return blob.data_stream.read()
    except Exception as exc:  # a damaged or partial object database, as gitpython reports it
        raise HistoryError(f"git could not read {label} ({type(exc).__name__}: {exc}).") from exc


def _decode(data: bytes, label: str) -> str:
    try:
        return decode_document(data, label)
    except DocumentError as exc:
        raise HistoryError(str(exc)) from exc
