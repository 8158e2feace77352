"""The MCP adapter: builds the server from the domain. The only package that imports `mcp`."""

from __future__ import annotations

from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.server.subscriptions import InMemorySubscriptionBus

from torus_mcp import __version__
from torus_mcp.server.doc_tools import register_doc_tools
from torus_mcp.server.gate_tools import register_gate_tools
from torus_mcp.server.guideline_tools import register_guideline_tools
from torus_mcp.server.history_tools import register_history_tools
from torus_mcp.server.mix_tools import register_mix_tools
from torus_mcp.server.prompt_surface import register_prompts
from torus_mcp.server.protocol import change_feed_lifespan, install_protocol_handlers
from torus_mcp.server.resource_surface import register_resources
from torus_mcp.server.state import ServerState

INSTRUCTIONS = (
    "torus-mcp serves the Torus spec-driven workflow. Spec packs (prd.md, fdd.md, plan.md, requirements.yml) "
    "live under docs/features/<slug>/ or docs/exec-plans/.../. Use the analyze, architect, plan and develop "
    "prompts (or get_prompt) for the personas; read documents with read_doc and keep the version it returns: "
    "write_doc and edit_section need it as expected_version. check_gates says where a feature stands and why, "
    "trace_requirements which acceptance criteria lack a test, plan_status and update_task track the plan. "
    "mix_compile (warnings_as_errors=true, as Torus CI), mix_test and mix_format return diagnostics as data. "
    "With git: approve_doc pins a document's content, spec_diff and spec_history show what changed, spec_drift "
    "whether the code moved ahead of the plan, changed_files the change under work. "
    "check_guidelines checks the coding guidelines on the files you changed. "
    "workspace_info explains which project is in use."
)


def create_server(root: str | None = None, cwd: Path | None = None) -> MCPServer:
    """The torus-mcp server for the project at `root` (None: TORUS_ROOT, client roots, or cwd)."""
    state = ServerState(cli_root=root, cwd=cwd)
    bus = InMemorySubscriptionBus()
    server = MCPServer(
        "torus",
        title="Torus spec-driven development",
        version=__version__,
        instructions=INSTRUCTIONS,
        subscriptions=bus,
        lifespan=change_feed_lifespan(state, bus),
    )
    register_doc_tools(server, state)
    register_prompts(server, state)
    # Before the resources: templates are matched in registration order, and .../status must win
    # over the generic document template.
    register_gate_tools(server, state)
    register_history_tools(server, state)
    register_mix_tools(server, state)
    register_guideline_tools(server, state)
    register_resources(server, state)
    install_protocol_handlers(server, state)
    return server
