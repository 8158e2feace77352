"""Protocol plumbing the high-level server does not do for us, kept in one place.

- `resources/list` must enumerate the documents on disk, not only the statically registered
  resources, so it is answered here.
- `resources/subscribe` / `unsubscribe` and `logging/setLevel` (2025-11-25 era) are accepted here.
- `prompts/get` with an unknown name or a missing argument is answered with INVALID_PARAMS naming
  what exists, instead of the generic internal error the SDK gives in the 2026-07-28 era.
- Change notifications go to both eras: the subscription bus (2026-07-28 `subscriptions/listen`)
  and the legacy session notifications.
- Over stdio the server advertises `listChanged` for resources, which the SDK's default runner
  leaves off.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    EmptyResult,
    GetPromptRequestParams,
    ListResourcesResult,
    PaginatedRequestParams,
    Resource,
    SetLevelRequestParams,
    SubscribeRequestParams,
    UnsubscribeRequestParams,
)

from torus_mcp.catalog import feature_title
from torus_mcp.personas import doc_uri, mime_type_of
from torus_mcp.server.state import ServerState

log = logging.getLogger("torus_mcp")

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "notice": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "alert": logging.CRITICAL,
    "emergency": logging.CRITICAL,
}


def install_protocol_handlers(server: MCPServer, state: ServerState) -> None:
    lowlevel = server._lowlevel_server
    subscribed: set[str] = set()
    state.subscribed_uris = subscribed

    async def list_resources(ctx: Any, params: PaginatedRequestParams | None) -> ListResourcesResult:
        resources = list(await server.list_resources())
        try:
            resources.extend(_document_resources(state))
        except ValueError as exc:
            # A broken .torus-mcp.toml must not hide the static resources; it is logged and shown
            # by workspace_info.
            log.warning("cannot list spec documents: %s", exc)
        return ListResourcesResult(resources=resources)

    async def subscribe(ctx: Any, params: SubscribeRequestParams) -> EmptyResult:
        subscribed.add(str(params.uri))
        return EmptyResult()

    async def unsubscribe(ctx: Any, params: UnsubscribeRequestParams) -> EmptyResult:
        subscribed.discard(str(params.uri))
        return EmptyResult()

    async def set_level(ctx: Any, params: SetLevelRequestParams) -> EmptyResult:
        log.setLevel(_LEVELS.get(params.level, logging.INFO))
        return EmptyResult()

    sdk_get_prompt = lowlevel.get_request_handler("prompts/get")

    async def get_prompt(ctx: Any, params: GetPromptRequestParams) -> Any:
        prompts = {p.name: p for p in await server.list_prompts()}
        prompt = prompts.get(params.name)
        if prompt is None:
            raise MCPError(
                code=INVALID_PARAMS, message=f"no prompt {params.name!r}; prompts: {', '.join(prompts)}."
            )
        given = params.arguments or {}
        missing = [
            a.name for a in prompt.arguments or [] if a.required and not str(given.get(a.name) or "").strip()
        ]
        if missing:
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"the {params.name} prompt needs {', '.join(missing)}: e.g. "
                f"/{params.name} canvas-preview. list_features shows the feature ids.",
            )
        return await sdk_get_prompt.handler(ctx, params)

    lowlevel.add_request_handler("prompts/get", GetPromptRequestParams, get_prompt)
    lowlevel.add_request_handler("resources/list", PaginatedRequestParams, list_resources)
    lowlevel.add_request_handler("resources/subscribe", SubscribeRequestParams, subscribe)
    lowlevel.add_request_handler("resources/unsubscribe", UnsubscribeRequestParams, unsubscribe)
    lowlevel.add_request_handler("logging/setLevel", SetLevelRequestParams, set_level)


def _document_resources(state: ServerState) -> list[Resource]:
    ws = state.workspace()
    resources = []
    for feature in ws.discover():
        title = feature_title(feature)
        for doc in feature.docs():
            path = feature.path / doc
            resources.append(
                Resource(
                    uri=doc_uri(feature.id, doc),
                    name=f"{feature.id}/{doc}",
                    title=f"{title}: {doc}",
                    description=f"{feature.rel_path}/{doc}",
                    mime_type=mime_type_of(doc),
                    size=path.stat().st_size,
                )
            )
    return resources


async def announce_changes(ctx: Context, state: ServerState, uris: list[str], list_changed: bool) -> None:
    """Tell clients of both eras that documents changed (and that the list changed, for new files)."""
    if list_changed:
        await ctx.notify_resources_changed()
    for uri in uris:
        await ctx.notify_resource_updated(uri)
    session = _legacy_session(ctx)
    if session is None:
        return
    # Best effort: a client that went away must not turn a successful write into an error.
    with contextlib.suppress(Exception):
        if list_changed:
            await session.send_resource_list_changed()
        for uri in uris:
            if uri in state.subscribed_uris:
                await session.send_resource_updated(uri)


def _legacy_session(ctx: Context) -> Any | None:
    with contextlib.suppress(Exception):
        session = ctx.request_context.session
        if hasattr(session, "send_resource_list_changed"):
            return session
    return None


async def run_stdio(server: MCPServer) -> None:
    lowlevel = server._lowlevel_server
    options = lowlevel.create_initialization_options(NotificationOptions(resources_changed=True))
    async with stdio_server() as (read_stream, write_stream):
        await lowlevel.run(read_stream, write_stream, options)
