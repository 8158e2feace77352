"""Spec packs, guides and templates as `torus://` resources, and the read_resource tool."""

import json
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from pydantic import Field

from torus_mcp.catalog import GUIDES, feature_index, guide_text, template_text
from torus_mcp.documents import page_of, read_document
from torus_mcp.server.doc_tools import READ_ONLY, OffsetArg, client_roots_parameter
from torus_mcp.server.errors import resource_errors
from torus_mcp.server.results import ResourceText
from torus_mcp.server.state import ServerState

FEATURES_URI = "torus://features"
# `{+feature}` so ids with a slash (<epic>/<feature>) match. The workspace validates every segment
# itself; the SDK's default parameter checks (no "..", no absolute paths, no NUL) stay on as well.
DOC_TEMPLATE = "torus://features/{+feature}/{doc}"


def register_resources(server: MCPServer, state: ServerState) -> None:
    ClientRoots = client_roots_parameter(state)

    @server.resource(
        FEATURES_URI,
        name="features",
        title="Spec packs",
        description="JSON index of every spec pack: id, title, path, documents present and missing",
        mime_type="application/json",
    )
    def features_index() -> str:
        with resource_errors():
            ws = state.workspace()
            return json.dumps(
                {"root": str(ws.root), "features": [f.model_dump() for f in feature_index(ws)]}, indent=2
            )

    for guide, (_, description) in GUIDES.items():
        _register_guide(server, guide, description)

    @server.resource(
        "torus://templates/{doc}",
        name="template",
        title="Spec document template",
        description="Skeleton for a new prd.md, fdd.md, plan.md or requirements.yml in the Torus section layout",
        mime_type="text/markdown",
    )
    def template(doc: str) -> str:
        with resource_errors():
            return template_text(doc)

    def read_spec_doc(feature: str, doc: str) -> str:
        with resource_errors():
            ws = state.workspace()
            ref, name = ws.resolve_pack_doc(feature, doc)
            return read_document(ws.doc_path(ref, name, must_exist=True), f"{ref.rel_path}/{name}").text

    # Templates are tried in registration order: YAML documents first, so they carry their own MIME type.
    for extension in ("yml", "yaml"):
        _register_yaml_docs(server, extension, read_spec_doc)

    @server.resource(
        DOC_TEMPLATE,
        name="spec-doc",
        title="Spec pack document",
        description="A document of a spec pack by its path in the pack: prd.md, plan.md, execution/phase_1.md, ...",
        mime_type="text/markdown",
    )
    def spec_doc(feature: str, doc: str) -> str:
        return read_spec_doc(feature, doc)

    @server.tool(annotations=READ_ONLY)
    async def read_resource(
        uri: Annotated[
            str,
            Field(
                description="A torus:// URI, e.g. torus://features, torus://features/canvas-preview/prd.md, "
                "torus://guides/workflow, torus://guides/coding-guidelines, torus://templates/plan.md"
            ),
        ],
        ctx: Context,
        offset: OffsetArg = 0,
        roots: ClientRoots = None,
    ) -> ResourceText:
        """Read any torus:// resource, for clients that cannot read MCP resources. Long texts come in pages
        of about 60 KB; continue with offset=next_offset."""
        state.workspace(roots)  # settles the root from the client's roots before the resource is read
        contents = list(await ctx.read_resource(uri))
        text = "".join(c.content if isinstance(c.content, str) else "" for c in contents)
        mime = contents[0].mime_type if contents else None
        page = page_of(text, offset)
        return ResourceText(
            uri=uri,
            mime_type=mime,
            text=page.text,
            offset=page.offset,
            next_offset=page.next_offset,
            total_chars=page.total_chars,
        )


def _register_guide(server: MCPServer, guide: str, description: str) -> None:
    @server.resource(
        f"torus://guides/{guide}",
        name=guide,
        title=description.split(":")[0],
        description=description,
        mime_type="text/markdown",
    )
    def read_guide() -> str:
        with resource_errors():
            return guide_text(guide)


def _register_yaml_docs(server: MCPServer, extension: str, read_spec_doc) -> None:
    @server.resource(
        f"torus://features/{{+feature}}/{{name}}.{extension}",
        name=f"spec-yaml-{extension}",
        title="Spec pack YAML document",
        description="requirements.yml or another YAML file of a spec pack",
        mime_type="application/yaml",
    )
    def spec_yaml(feature: str, name: str) -> str:
        return read_spec_doc(feature, f"{name}.{extension}")
