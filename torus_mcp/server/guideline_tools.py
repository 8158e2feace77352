"""The coding-guideline check as a tool, and its rules as the torus://guides/rules resource."""

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from torus_mcp.guidelines.report import GuidelineReport
from torus_mcp.guidelines.sources import SourceSelectionError
from torus_mcp.server.doc_tools import READ_ONLY, client_roots_parameter
from torus_mcp.server.errors import resource_errors, tool_errors
from torus_mcp.server.state import ServerState

RULES_URI = "torus://guides/rules"
INLINE_FINDINGS = 100

PathsArg = Annotated[
    list[str] | None,
    Field(
        description='Files or directories relative to the project root, e.g. ["lib/oli/accounts.ex", '
        '"lib/oli_web/live"]; omit to check the change under work'
    ),
]
SinceArg = Annotated[
    str | None,
    Field(
        description="Without paths: check what changed since this git ref (e.g. HEAD~3) instead of the main branch"
    ),
]


def register_guideline_tools(server: MCPServer, state: ServerState) -> None:
    ClientRoots = client_roots_parameter(state)

    @server.tool(annotations=READ_ONLY)
    async def check_guidelines(
        paths: PathsArg = None, since: SinceArg = None, roots: ClientRoots = None
    ) -> GuidelineReport:
        """Check the Torus coding guidelines (layering, queries in loops, else-if, String.to_atom, is_*
        names, struct access, Ecto casts, HEEx) on Elixir and HEEx files; by default on the change under
        work (files changed against the main branch plus staged, unstaged and untracked .ex/.exs/.heex).
        Returns findings grouped by file with rule, severity, line, column and message, each cited rule's
        guideline and fix once, and exact counts. Fix every error before finishing; a justified exception
        takes `# torus-mcp: ignore RULE-ID` on the line before. The rules: torus://guides/rules."""
        from torus_mcp.guidelines.checker import check_guidelines as run_check
        from torus_mcp.guidelines.settings import guidelines_config

        with tool_errors(SourceSelectionError):
            workspace = state.workspace(roots)
            config = guidelines_config(workspace.config)
            report = await run_check(workspace.root, paths, since=since, config=config)
            return report.limited(INLINE_FINDINGS)

    @server.resource(
        RULES_URI,
        name="rules",
        title="Coding guideline rules",
        description="The rules check_guidelines applies: id, severity, what it checks, guideline, fix",
        mime_type="text/markdown",
    )
    def guideline_rules() -> str:
        from torus_mcp.guidelines.rule_guide import rules_markdown
        from torus_mcp.guidelines.settings import guidelines_config

        with resource_errors():
            return rules_markdown(guidelines_config(state.workspace().config))
