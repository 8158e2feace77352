"""Tools for versioned spec packs: history, diffs by section, approvals, drift, and the change under work.

Every tool here needs the project to be in a git repository and says so in one sentence when it is
not; the other tools never touch git. gitpython and the git work are imported on the first call.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from torus_mcp.documents import page_of
from torus_mcp.history.approve import ApprovalOutcome
from torus_mcp.history.areas import ChangeReport
from torus_mcp.history.commit import CommitOutcome
from torus_mcp.history.diffs import SpecDiff
from torus_mcp.history.drift import Drift
from torus_mcp.history.log import CommitEntry
from torus_mcp.history.repository import GitRepository, HistoryError
from torus_mcp.personas import doc_uri
from torus_mcp.server.doc_tools import READ_ONLY, DocArg, FeatureArg, OffsetArg, client_roots_parameter
from torus_mcp.server.errors import resource_errors, tool_errors
from torus_mcp.server.protocol import announce_changes
from torus_mcp.server.state import ServerState
from torus_mcp.workspace import FeatureRef, Workspace, normalize_doc_name

T = TypeVar("T")

RevArg = Annotated[
    str,
    Field(
        description="A commit id, branch, tag or HEAD~N (one revision, no '..'), or 'approved' for the approved content"
    ),
]
OptionalRevArg = Annotated[
    str | None, Field(description="As rev; see the tool's description for the default")
]
WRITE = ToolAnnotations(destructive_hint=False, idempotent_hint=False, open_world_hint=False)


class SpecHistory(BaseModel):
    feature: str
    doc: str | None
    path: str = Field(description="The path followed, relative to the project root")
    commits: list[CommitEntry]
    more: bool = Field(description="True when older commits were left out; raise limit to see them")


class DocAtRevision(BaseModel):
    feature: str
    doc: str
    rev: str
    path: str = Field(description="Where the document was at that revision")
    version: str
    text: str
    offset: int
    next_offset: int | None
    total_chars: int


def _in_repository(ws: Workspace, work: Callable[[GitRepository], T]) -> T:
    from torus_mcp.history.repository import open_repository

    with open_repository(ws.root) as repo:
        return work(repo)


def _nested_packs(ws: Workspace, ref: FeatureRef) -> list[Path]:
    return [
        other.path
        for other in ws.discover()
        if other.path != ref.path and other.path.is_relative_to(ref.path)
    ]


def register_history_tools(server: MCPServer, state: ServerState) -> None:
    ClientRoots = client_roots_parameter(state)

    @server.tool(annotations=READ_ONLY)
    def spec_history(
        feature: FeatureArg,
        doc: Annotated[
            str | None, Field(description="One document of the pack, e.g. prd.md (default: all)")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=1000, description="Most commits to return")] = 20,
        roots: ClientRoots = None,
    ) -> SpecHistory:
        """Commits that touched a spec pack (or one of its documents), newest first: hash, author, date,
        subject and the files changed. Follows the pack when it was moved (e.g. docs/features/ to
        docs/exec-plans/); the move commit carries moved_from."""
        from torus_mcp.history.log import path_history

        with tool_errors(HistoryError):
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            name = normalize_doc_name(doc) if doc else None
            target = ref.path / name if name else ref.path

            def work(repo: GitRepository) -> SpecHistory:
                found = path_history(repo, repo.repo_path(target), is_dir=name is None, limit=limit)
                return SpecHistory(
                    feature=ref.id, doc=name, path=found.locations[0], commits=found.commits, more=found.more
                )

            return _in_repository(ws, work)

    @server.tool(annotations=READ_ONLY)
    def spec_diff(
        feature: FeatureArg,
        doc: DocArg,
        from_rev: OptionalRevArg = None,
        to_rev: OptionalRevArg = None,
        roots: ClientRoots = None,
    ) -> SpecDiff:
        """What changed in a spec document: the sections changed, added and removed (by heading; FR/AC
        ids for requirements.yml) and the unified diff. Defaults compare the working tree with HEAD;
        from_rev=approved compares with the content approve_doc pinned."""
        from torus_mcp.history.diffs import diff_document

        with tool_errors(HistoryError):
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            return _in_repository(ws, lambda repo: diff_document(repo, ws, ref, doc, from_rev, to_rev))

    @server.tool(annotations=READ_ONLY)
    def doc_at(
        feature: FeatureArg, doc: DocArg, rev: RevArg, offset: OffsetArg = 0, roots: ClientRoots = None
    ) -> DocAtRevision:
        """A spec document as it was at a revision (or as approved), followed across pack moves; also the
        resource torus://features/{feature}/{doc}@{rev}. Long documents come in pages; continue with offset."""
        with tool_errors(HistoryError):
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            name = normalize_doc_name(doc)
            stored = _in_repository(ws, lambda repo: _read_at(repo, ws, ref, name, rev))
            page = page_of(stored.text, offset)
            return DocAtRevision(
                feature=ref.id,
                doc=name,
                rev=stored.label,
                path=stored.path,
                version=stored.version,
                text=page.text,
                offset=page.offset,
                next_offset=page.next_offset,
                total_chars=page.total_chars,
            )

    @server.tool(annotations=WRITE)
    def commit_spec(
        feature: FeatureArg,
        message: Annotated[
            str, Field(description="The commit message, e.g. 'canvas-preview: PRD adds AC-007'")
        ],
        roots: ClientRoots = None,
    ) -> CommitOutcome:
        """Commit exactly the spec pack's changed files (new, modified, deleted); anything else staged or
        changed in the repository stays as it was. Refuses when the pack has nothing to commit."""
        from torus_mcp.history.commit import commit_pack

        with tool_errors(HistoryError):
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            nested = _nested_packs(ws, ref)
            return _in_repository(ws, lambda repo: commit_pack(repo, ref.id, ref.path, nested, message))

    @server.tool(annotations=WRITE)
    async def approve_doc(
        feature: FeatureArg,
        doc: Annotated[str, Field(description="prd.md, fdd.md or plan.md (or prd, fdd, plan)")],
        ctx: Context,
        note: Annotated[str | None, Field(description="Optional: a line for the record")] = None,
        roots: ClientRoots = None,
    ) -> ApprovalOutcome:
        """Approve a spec document: run its gate and, when it passes, pin its content (version, git blob,
        commit, time, approver from git config) and the upstream versions it was written against in the
        pack's approvals.yml. check_gates then reports STALE-APPROVAL / STALE-UPSTREAM when they change.
        Refuses with the blocking findings when the gate fails."""
        from torus_mcp.history.approve import approve_document
        from torus_mcp.specs.gate_config import gates_config

        with tool_errors(HistoryError):
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            config = gates_config(ws.config)
            had_file = (ref.path / "approvals.yml").exists()
            outcome = await anyio.to_thread.run_sync(
                lambda: _in_repository(ws, lambda repo: approve_document(repo, ws, ref, doc, note, config))
            )
        await announce_changes(ctx, state, [doc_uri(ref.id, "approvals.yml")], list_changed=not had_file)
        return outcome

    @server.tool(annotations=READ_ONLY)
    def spec_drift(feature: FeatureArg, roots: ClientRoots = None) -> Drift:
        """Has the code moved ahead of the spec? Code files (lib/, test/, assets/src/, gleam/src/ by default)
        changed since the plan was approved (or last committed), grouped by the plan phase whose tasks or
        execution record name them, and documents changed since their approval."""
        from torus_mcp.history.drift import spec_drift as drift_of
        from torus_mcp.history.settings import history_settings

        with tool_errors(HistoryError):
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            settings = history_settings(ws.config)
            return _in_repository(ws, lambda repo: drift_of(repo, ws, ref, settings))

    @server.tool(annotations=READ_ONLY)
    def changed_files(
        since: Annotated[
            str | None,
            Field(description="A revision to compare with (default: the merge base with the main branch)"),
        ] = None,
        roots: ClientRoots = None,
    ) -> ChangeReport:
        """The change under work: files changed on this branch since it left the main branch (origin's HEAD,
        else master, else main), plus staged, unstaged and untracked files, each with its status and area
        (pack:<feature> for spec documents, code:<dir> for code)."""
        from torus_mcp.history.areas import place
        from torus_mcp.history.changes import change_base
        from torus_mcp.history.changes import changed_files as files_since
        from torus_mcp.history.settings import history_settings

        with tool_errors(HistoryError):
            ws = state.workspace(roots)
            settings = history_settings(ws.config)

            def work(repo: GitRepository) -> ChangeReport:
                base = change_base(repo, since, settings.main_branch)
                files = place(files_since(repo, base.sha), ws.discover(), settings.drift_globs)
                return ChangeReport(
                    base=base.sha[:12] if base.sha else None, base_reason=base.reason, files=files
                )

            return _in_repository(ws, work)

    @server.resource(
        "torus://features/{+feature}/{doc}@{rev}",
        name="spec-doc-at-revision",
        title="Spec pack document at a revision",
        description="A pack document as it was at a commit, branch or tag (or 'approved'), e.g. .../prd.md@HEAD~1",
        mime_type="text/markdown",
    )
    def spec_doc_at(feature: str, doc: str, rev: str) -> str:
        with resource_errors(HistoryError):
            ws = state.workspace()
            ref = ws.resolve_feature(feature)
            name = normalize_doc_name(doc)
            return _in_repository(ws, lambda repo: _read_at(repo, ws, ref, name, rev)).text


def _read_at(repo: GitRepository, ws: Workspace, ref: FeatureRef, name: str, rev: str):
    from torus_mcp.history.contents import read_at

    return read_at(repo, ws, ref, name, rev)
