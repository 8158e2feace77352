"""Tools that find, read and write spec-pack documents."""

import os
from typing import Annotated

from mcp.server.mcpserver import Context, ListRoots, MCPServer, Resolve
from mcp_types import ListRootsResult, ToolAnnotations
from pydantic import Field

from torus_mcp import __version__
from torus_mcp.catalog import TEMPLATE_DOCS, Scope, draft_index, feature_index, template_text
from torus_mcp.documents import VersionConflict, page_of, read_document, write_document
from torus_mcp.personas import doc_uri, project_overrides
from torus_mcp.server.errors import tool_errors
from torus_mcp.server.protocol import announce_changes
from torus_mcp.server.results import (
    CreatedFeature,
    DocContent,
    FeatureList,
    SectionRef,
    WorkspaceInfo,
    WriteResult,
)
from torus_mcp.server.state import ServerState
from torus_mcp.workspace import FeatureRef, Workspace, WorkspaceError, normalize_doc_name, validate_feature_id

FeatureArg = Annotated[
    str,
    Field(
        description="Feature id: the pack's slug (e.g. canvas-preview), <epic>/<feature> for packs under an "
        "epic, or the pack's path relative to the project root. list_features shows the ids."
    ),
]
DocArg = Annotated[
    str,
    Field(
        description="Document path relative to the pack: prd.md, fdd.md, plan.md, requirements.yml or any "
        "other .md/.yml file in it or its sub-directories (e.g. execution/phase_3.md); prd, fdd and plan "
        "are accepted as short forms."
    ),
]
ExpectedVersion = Annotated[
    str | None,
    Field(
        description="The version (sha256:...) you read with read_doc. Required to overwrite an existing file; "
        "omit it only to create a new one. A stale version is refused and nothing is written."
    ),
]
OffsetArg = Annotated[
    int, Field(ge=0, description="Character offset to continue a long answer (next_offset)")
]

READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


def client_roots_resolver(state: ServerState):
    """Ask the client for its roots once, on the first tool call, when no root was given explicitly."""

    async def client_roots(ctx: Context) -> ListRoots | None:
        if not state.wants_client_roots:
            return None
        caps = ctx.client_capabilities
        if caps is None or caps.roots is None:
            return None
        return ListRoots()

    return client_roots


def client_roots_parameter(state: ServerState):
    """The hidden tool parameter every workspace tool takes: the client's roots, asked for once."""
    return Annotated[ListRootsResult | None, Resolve(client_roots_resolver(state))]


def register_doc_tools(server: MCPServer, state: ServerState) -> None:
    # The read-only tools are coroutines: their file reads are small (documents are capped at 2 MiB),
    # and running them on the event loop saves the hand-off to a worker thread on every call.
    ClientRoots = client_roots_parameter(state)

    @server.tool(annotations=READ_ONLY)
    async def workspace_info(roots: ClientRoots = None) -> WorkspaceInfo:
        """Which project root and spec trees torus-mcp is using, and which rule picked them.

        Call this first when a feature cannot be found or documents look wrong: it says whether the root
        came from --root, TORUS_ROOT, the client's roots or the working directory, which directories are
        searched for spec packs, which persona prompts the project overrides, and what to fix.
        """
        with tool_errors():
            ws = state.workspace(roots)
            scan = ws.scan()
            features = scan.packs
            trees = ws.spec_trees()
            hints = []
            if not (ws.root / "mix.exs").is_file():
                hints.append(
                    f"{ws.root} has no mix.exs: if this is not the Torus checkout, restart the server with "
                    "--root /path/to/oli-torus or set TORUS_ROOT."
                )
            if not features:
                hints.append("No spec packs found: create one with create_feature, or fix the root.")
            return WorkspaceInfo(
                root=str(ws.root),
                rule=ws.choice.rule,
                reason=ws.choice.reason,
                has_mix_exs=(ws.root / "mix.exs").is_file(),
                config_file=str(ws.config.path) if ws.config.path else None,
                spec_trees=trees,
                feature_count=len(features),
                draft_count=len(scan.drafts),
                prompt_overrides=project_overrides(ws.root),
                skipped=scan.skipped,
                hints=hints,
                server_version=__version__,
                server_pid=os.getpid(),
            )

    @server.tool(annotations=READ_ONLY)
    async def list_features(
        scope: Annotated[
            Scope,
            Field(description="live (default: not under an archive/ directory), archived, or all"),
        ] = "live",
        prefix: Annotated[
            str | None,
            Field(
                description="Only packs whose path or id starts with this, e.g. docs/exec-plans/current/epics/math"
            ),
        ] = None,
        roots: ClientRoots = None,
    ) -> FeatureList:
        """List the spec packs: id, title, path, archived, which documents each has or lacks; and drafts.

        A pack is any directory under docs/features or docs/exec-plans holding prd.md, fdd.md or plan.md,
        at any depth; its id is its path below the tree without the current|archive and features|epics
        levels (e.g. <epic>/<feature>). Directories with only informal drafts are listed under drafts.
        """
        with tool_errors():
            ws = state.workspace(roots)
            return FeatureList(
                root=str(ws.root),
                features=feature_index(ws, scope, prefix),
                drafts=draft_index(ws, scope, prefix),
            )

    @server.tool(annotations=READ_ONLY)
    async def read_doc(
        feature: FeatureArg,
        doc: DocArg,
        section: Annotated[
            str | None,
            Field(
                description="Optional section: its printed heading number (e.g. 7 or 3.2) or heading text "
                "(e.g. Acceptance Criteria). A section includes its subsections."
            ),
        ] = None,
        offset: OffsetArg = 0,
        roots: ClientRoots = None,
    ) -> DocContent:
        """Read a spec document (or one section of it) and its version.

        Keep the returned version: write_doc and edit_section need it as expected_version. Long documents
        come in pages of about 60 KB; call again with offset=next_offset for the rest.
        """
        with tool_errors():
            ws = state.workspace(roots)
            ref, name, content = _read(ws, feature, doc)
            text, chosen, outline = content.text, None, []
            if name.endswith((".md", ".markdown")):
                from torus_mcp.specs.section_lookup import find_section
                from torus_mcp.specs.sections import parse_sections, section_text

                sections = parse_sections(content.text)
                outline = [_outline_entry(s) for s in sections]
                if section is not None and section.strip():
                    found = find_section(sections, section)
                    chosen = _section_ref(found)
                    text = section_text(content.text, found)
            elif section:
                raise WorkspaceError(f"{name} is YAML and has no sections; read it without section.")
            page = page_of(text, offset)
            return DocContent(
                feature=ref.id,
                doc=name,
                uri=doc_uri(ref.id, name),
                path=f"{ref.rel_path}/{name}",
                version=content.version,
                section=chosen,
                outline=outline if offset == 0 else [],
                text=page.text,
                offset=page.offset,
                next_offset=page.next_offset,
                total_chars=page.total_chars,
            )

    @server.tool(
        annotations=ToolAnnotations(destructive_hint=False, idempotent_hint=False, open_world_hint=False)
    )
    async def create_feature(
        feature: Annotated[
            str,
            Field(
                description="New feature id: a slug (lowercase letters, digits, '-', '_'), created under "
                "docs/features/, or <epic>/<feature>, created under docs/exec-plans/current/epics/."
            ),
        ],
        title: Annotated[str, Field(description="Human title of the feature, e.g. 'Canvas Preview'")],
        ctx: Context,
        roots: ClientRoots = None,
    ) -> CreatedFeature:
        """Create a new spec pack with prd.md, fdd.md, plan.md and requirements.yml from the Torus templates.

        Refuses to touch an existing pack. Next step: the analyze prompt (or get_prompt name=analyze) fills
        the PRD.
        """
        with tool_errors():
            ws = state.workspace(roots)
            clean_title = " ".join(title.split())
            if not clean_title or len(clean_title) > 200:
                raise WorkspaceError("title must be one line of 1 to 200 characters, e.g. 'Canvas Preview'.")
            validate_feature_id(feature)
            clashes = [f for f in ws.discover() if f.id == feature.strip() or f.slug == feature.strip()]
            if clashes:
                where = "; ".join(f"{f.id} at {f.rel_path}" for f in clashes)
                raise WorkspaceError(
                    f"a pack named {feature!r} already exists ({where}); nothing was created. "
                    "Pick another slug, or edit the existing pack with write_doc."
                )
            rel, directory = ws.new_feature_dir(feature.strip())
            if directory.exists() and any(directory.iterdir()):
                raise WorkspaceError(f"{rel} already exists and is not empty; nothing was created.")
            directory.mkdir(parents=True, exist_ok=True)
            if not ws.is_inside_spec_tree(directory):
                raise WorkspaceError(
                    f"{rel} resolves outside the spec tree (a symlink?); nothing was created."
                )
            ident = feature.strip()
            files = []
            for name in TEMPLATE_DOCS:
                text = template_text(name, feature=ident, title=clean_title)
                outcome = write_document(directory / name, text, None, f"{rel}/{name}")
                files.append(
                    WriteResult(
                        feature=ident,
                        doc=name,
                        uri=doc_uri(ident, name),
                        path=f"{rel}/{name}",
                        **outcome.model_dump(),
                    )
                )
        await announce_changes(ctx, state, [f.uri for f in files], list_changed=True)
        return CreatedFeature(feature=ident, title=clean_title, path=rel, files=files)

    @server.tool(
        annotations=ToolAnnotations(destructive_hint=True, idempotent_hint=False, open_world_hint=False)
    )
    async def write_doc(
        feature: FeatureArg,
        doc: DocArg,
        content: Annotated[str, Field(description="The complete new text of the document")],
        ctx: Context,
        expected_version: ExpectedVersion = None,
        roots: ClientRoots = None,
    ) -> WriteResult:
        """Write a whole spec document atomically.

        Overwriting needs expected_version = the version you read (read_doc); if the file changed since,
        the write is refused with the current version and nothing is written. Without expected_version
        only a new file can be created. The file's line endings and final newline are kept.
        To change one section only, prefer edit_section.
        """
        with tool_errors():
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            name = normalize_doc_name(doc)
            _refuse_approvals(name)
            path = ws.doc_path(ref, name, must_exist=False)
            path.parent.mkdir(parents=True, exist_ok=True)  # inside the pack: doc_path checked it
            outcome = write_document(path, content, expected_version, f"{ref.rel_path}/{name}")
        uri = doc_uri(ref.id, name)
        await announce_changes(ctx, state, [uri], list_changed=outcome.created)
        return WriteResult(
            feature=ref.id, doc=name, uri=uri, path=f"{ref.rel_path}/{name}", **outcome.model_dump()
        )

    @server.tool(
        annotations=ToolAnnotations(destructive_hint=True, idempotent_hint=False, open_world_hint=False)
    )
    async def edit_section(
        feature: FeatureArg,
        doc: DocArg,
        section: Annotated[
            str,
            Field(description="The section to replace: printed number (e.g. 7) or heading text (e.g. Goals)"),
        ],
        content: Annotated[
            str,
            Field(
                description="New text of the section. If it starts with a heading line, the heading is "
                "replaced too; otherwise the heading is kept and only the body (with subsections) is replaced."
            ),
        ],
        ctx: Context,
        expected_version: ExpectedVersion = None,
        roots: ClientRoots = None,
    ) -> WriteResult:
        """Replace one section of a Markdown spec document (with its subsections); every other byte stays.

        Needs expected_version = the version read_doc returned for the whole file. A stale version is
        refused with the current one and nothing is written.
        """
        from torus_mcp.editing import replace_section
        from torus_mcp.specs.section_lookup import find_section
        from torus_mcp.specs.sections import parse_sections

        with tool_errors():
            ws = state.workspace(roots)
            ref, name, current = _read(ws, feature, doc)
            if not name.endswith((".md", ".markdown")):
                raise WorkspaceError(f"{name} is not Markdown; use write_doc to change it.")
            if not expected_version:
                raise WorkspaceError(
                    f"edit_section changes an existing file: pass expected_version, the version read_doc "
                    f"returned for {ref.rel_path}/{name}. Nothing was written."
                )
            if expected_version != current.version:
                raise VersionConflict(f"{ref.rel_path}/{name}", expected_version, current.version)
            found = find_section(parse_sections(current.text), section)
            new_text = replace_section(current.text, found, content)
            path = ws.doc_path(ref, name, must_exist=True)
            outcome = write_document(path, new_text, expected_version, f"{ref.rel_path}/{name}")
        await announce_changes(ctx, state, [doc_uri(ref.id, name)], list_changed=False)
        return WriteResult(
            feature=ref.id,
            doc=name,
            uri=doc_uri(ref.id, name),
            path=f"{ref.rel_path}/{name}",
            section=_section_ref(found),
            **outcome.model_dump(),
        )


def _refuse_approvals(name: str) -> None:
    from torus_mcp.history.approvals import APPROVALS_FILE

    if name.lower() == APPROVALS_FILE:
        raise WorkspaceError(
            f"{APPROVALS_FILE} is written only by approve_doc, so approvals stay pinned to what was checked; "
            "approve the document instead. Nothing was written."
        )


def _read(ws: Workspace, feature: str, doc: str):
    ref: FeatureRef = ws.resolve_feature(feature)
    name = normalize_doc_name(doc)
    path = ws.doc_path(ref, name, must_exist=True)
    return ref, name, read_document(path, f"{ref.rel_path}/{name}")


def _section_ref(section) -> SectionRef:
    return SectionRef(
        number=section.number, title=section.title, line=section.line, end_line=section.end_line
    )


def _outline_entry(section) -> str:
    number = f"{section.number}. " if section.number else ""
    indent = "  " * (min(section.level, 7) - 1)
    return f"{indent}{number}{section.title} (line {section.line})"
