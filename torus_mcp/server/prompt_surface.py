"""The four personas as MCP prompts, argument completion, and the get_prompt tool for clients without prompts."""

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer, UserMessage
from mcp_types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    EmbeddedResource,
    PromptReference,
    ResourceTemplateReference,
    TextResourceContents,
)
from pydantic import Field

from torus_mcp.catalog import TEMPLATE_DOCS
from torus_mcp.documents import page_of
from torus_mcp.personas import PERSONA_DESCRIPTIONS, RenderedPrompt, render_persona
from torus_mcp.server.doc_tools import READ_ONLY, FeatureArg, OffsetArg, client_roots_parameter
from torus_mcp.server.errors import prompt_errors, tool_errors
from torus_mcp.server.results import PromptText
from torus_mcp.server.state import ServerState

MAX_COMPLETIONS = 100

PromptFeature = Annotated[str, Field(description="Feature slug, e.g. canvas-preview (or <epic>/<feature>)")]
PromptPhase = Annotated[
    str | None,
    Field(description="Phase number from plan.md, e.g. 2 (omit to take the next phase with an open task)"),
]
PromptDescription = Annotated[
    str | None,
    Field(description="Informal description of the feature (omit and the assistant will ask for it)"),
]


def _messages(rendered: RenderedPrompt) -> list[UserMessage]:
    messages = [UserMessage(rendered.text)]
    for doc in rendered.documents:
        resource = TextResourceContents(uri=doc.uri, mime_type=doc.mime_type, text=doc.text)
        messages.append(UserMessage(EmbeddedResource(type="resource", resource=resource)))
    return messages


def register_prompts(server: MCPServer, state: ServerState) -> None:
    ClientRoots = client_roots_parameter(state)

    def render(name: str, feature: str, roots=None, **kwargs: str | None) -> RenderedPrompt:
        ws = state.workspace(roots)
        from torus_mcp.server.gate_tools import gate_summary_for

        return render_persona(
            ws, name, ws.resolve_feature(feature), gate_summary=gate_summary_for(ws), **kwargs
        )

    @server.prompt(
        name="analyze", title="Torus: analyze (prd.md)", description=PERSONA_DESCRIPTIONS["analyze"]
    )
    def analyze(feature: PromptFeature, description: PromptDescription = None) -> list[UserMessage]:
        with prompt_errors():
            return _messages(render("analyze", feature, description=description))

    @server.prompt(
        name="architect", title="Torus: architect (fdd.md)", description=PERSONA_DESCRIPTIONS["architect"]
    )
    def architect(feature: PromptFeature) -> list[UserMessage]:
        with prompt_errors():
            return _messages(render("architect", feature))

    @server.prompt(name="plan", title="Torus: plan (plan.md)", description=PERSONA_DESCRIPTIONS["plan"])
    def plan(feature: PromptFeature) -> list[UserMessage]:
        with prompt_errors():
            return _messages(render("plan", feature))

    @server.prompt(
        name="develop", title="Torus: develop a phase", description=PERSONA_DESCRIPTIONS["develop"]
    )
    def develop(feature: PromptFeature, phase: PromptPhase = None) -> list[UserMessage]:
        with prompt_errors():
            return _messages(render("develop", feature, phase=phase))

    @server.tool(annotations=READ_ONLY)
    def get_prompt(
        name: Annotated[
            Literal["analyze", "architect", "plan", "develop"],
            Field(description="The persona prompt to render"),
        ],
        feature: FeatureArg,
        phase: Annotated[str | None, Field(description="develop only: phase number, e.g. 2")] = None,
        description: Annotated[
            str | None, Field(description="analyze only: informal feature description")
        ] = None,
        offset: OffsetArg = 0,
        roots: ClientRoots = None,
    ) -> PromptText:
        """Render a Torus persona prompt (analyze, architect, plan, develop) as plain text with its spec
        documents inlined: the same content as the MCP prompt, for clients that cannot use MCP prompts.
        Follow the returned text as your instructions. Long prompts come in pages; continue with offset."""
        with tool_errors():
            rendered = render(name, feature, roots, phase=phase, description=description)
            page = page_of(rendered.as_text(), offset)
            return PromptText(
                name=name,
                feature=rendered.feature,
                phase=rendered.phase,
                documents=[d.uri for d in rendered.documents],
                text=page.text,
                offset=page.offset,
                next_offset=page.next_offset,
                total_chars=page.total_chars,
            )

    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        chosen = dict(context.arguments or {}) if context else {}
        values = _candidates(state, ref, argument.name, chosen)
        prefix = argument.value or ""
        matches = [v for v in values if v.startswith(prefix)]
        return Completion(
            values=matches[:MAX_COMPLETIONS], total=len(matches), has_more=len(matches) > MAX_COMPLETIONS
        )


def _candidates(state: ServerState, ref, name: str, chosen: dict[str, str]) -> list[str]:
    """Values an argument can take, from the live spec tree."""
    try:
        ws = state.workspace()
        if name == "feature":
            features = ws.discover()
            ids = [f.id for f in features]
            # A slug alone resolves when unique, so offer it too for packs under epics.
            slugs = [f.slug for f in features if f.epic and sum(g.slug == f.slug for g in features) == 1]
            return sorted(set(ids) | set(slugs))
        if name == "phase" and chosen.get("feature"):
            from torus_mcp.specs.plan.parse import parse_plan

            feature = ws.resolve_feature(chosen["feature"])
            plan_path = feature.path / "plan.md"
            if not plan_path.is_file():
                return []
            plan = parse_plan(plan_path.read_text(encoding="utf-8", errors="replace"))
            return [p.key for p in plan.phases if p.key is not None]
        if name == "doc":
            if isinstance(ref, ResourceTemplateReference) and "templates" in ref.uri:
                return list(TEMPLATE_DOCS)
            if chosen.get("feature"):
                return ws.resolve_feature(chosen["feature"]).docs()
    except ValueError:
        # Completion is a hint: a half-typed or unknown feature yields no values, never an error.
        return []
    return []
