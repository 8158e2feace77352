"""Protocol plumbing the high-level server does not do for us, kept in one place.

- `resources/list` must enumerate the documents on disk, not only the statically registered
  resources, so it is answered here.
- Change notifications: `ChangeFeed` tells clients of both eras that resources changed, whether a
  tool wrote them or someone edited the files. 2026-07-28 clients hear through
  `subscriptions/listen` streams (the SDK's subscription bus); 2025-11-25 clients through
  `resources/subscribe` (per connection, per URI) and `notifications/resources/list_changed` (to
  connections that listed resources or subscribed). The watch of the spec tree starts with the
  first `resources/list`, `resources/subscribe` or `subscriptions/listen`, never at start-up, and
  runs in a task group the server's lifespan owns.
- `logging/setLevel` is answered, without changing the process's own log level: over HTTP one
  client must not silence (or flood) the server's log for everyone. The log goes to stderr at the
  level `--log-level` set.
- `prompts/get` with an unknown name or a missing argument is answered with INVALID_PARAMS naming
  what exists, instead of the generic internal error the SDK gives in the 2026-07-28 era.
- The server advertises `listChanged` for resources on every transport; the SDK's default
  initialization options leave it off.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import anyio
from mcp.server.connection import Connection
from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.stdio import stdio_server
from mcp.server.subscriptions import ResourcesListChanged, ResourceUpdated, SubscriptionBus
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    EmptyResult,
    GetPromptRequestParams,
    ListResourcesResult,
    PaginatedRequestParams,
    Resource,
    SetLevelRequestParams,
    SubscribeRequestParams,
    UnsubscribeRequestParams,
)
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from torus_mcp.catalog import feature_title
from torus_mcp.personas import doc_uri, mime_type_of
from torus_mcp.server.state import ServerState
from torus_mcp.server.watch import SpecChange, SpecWatch, affected_resources

log = logging.getLogger("torus_mcp")
# resources/list answers in pages of this many resources (a Torus checkout has hundreds of documents).
RESOURCE_PAGE_SIZE = 200

# A client that stopped reading must not hold up the notifications of the others.
NOTIFY_TIMEOUT_SECONDS = 5.0


class ChangeFeed:
    """Who is told which resources changed, and the watch that notices changes made outside the server.

    One per server lifespan (a process serving HTTP or stdio, or one in-memory connection).
    """

    def __init__(self, state: ServerState, bus: SubscriptionBus) -> None:
        self._state = state
        self._bus = bus
        self._subscriptions: dict[Connection, set[str]] = {}
        self._task_group: anyio.abc.TaskGroup | None = None
        self._watch: SpecWatch | None = None
        self.watching = False

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ChangeFeed]:
        async with anyio.create_task_group() as task_group:
            self._task_group = task_group
            try:
                yield self
            finally:
                self._task_group = None
                if self._watch is not None:
                    self._watch.stop()
                task_group.cancel_scope.cancel()

    def follow(self, connection: Connection | None) -> None:
        """A client takes an interest in the resources: start the watch, and remember a 2025-11-25
        connection so it hears when the list changes."""
        self._start_watch()
        if connection is None or not _has_back_channel(connection) or connection in self._subscriptions:
            return
        self._subscriptions[connection] = set()
        connection.exit_stack.callback(self._subscriptions.pop, connection, None)

    def subscribe(self, connection: Connection | None, uri: str) -> None:
        if connection is None or not _has_back_channel(connection):
            raise MCPError(
                code=INVALID_REQUEST,
                message="resources/subscribe needs a connection the server can send notifications on; this "
                "server runs stateless (--stateless). Use subscriptions/listen, or a server started without "
                "--stateless.",
            )
        self.follow(connection)
        self._subscriptions[connection].add(uri)

    def unsubscribe(self, connection: Connection | None, uri: str) -> None:
        if connection is not None:
            self._subscriptions.get(connection, set()).discard(uri)

    def absorb_written(self, doc_uris: Iterable[str]) -> None:
        if self._watch is not None:
            self._watch.absorb(doc_uris)

    async def announce(self, change: SpecChange, caller: Connection | None = None) -> None:
        """Tell every listener and every subscribed connection; `caller` hears about list changes even
        if it never listed (it made the change)."""
        if change.list_changed:
            await self._bus.publish(ResourcesListChanged())
        for uri in change.uris:
            await self._bus.publish(ResourceUpdated(uri=uri))
        targets = dict(self._subscriptions)
        if caller is not None and _has_back_channel(caller):
            targets.setdefault(caller, set())
        for connection, uris in targets.items():
            try:
                with anyio.move_on_after(NOTIFY_TIMEOUT_SECONDS):
                    if change.list_changed:
                        await connection.send_resource_list_changed()
                    for uri in change.uris:
                        if uri in uris:
                            await connection.send_resource_updated(uri)
            except Exception as exc:  # one broken connection must not silence the others
                log.debug("could not notify a client: %s", exc)

    def _start_watch(self) -> None:
        try:
            root = self._state.workspace().root
        except ValueError as exc:
            log.warning("cannot watch the spec tree: %s", exc)
            return
        if self.watching and self._watch is not None and self._watch.root in (None, root):
            return
        if self._task_group is None:
            return
        if self._watch is not None:
            # The root moved (the client's roots settled it after the watch began): watch the new one.
            self._watch.stop()
        watch = SpecWatch(self._state, self.announce)
        try:
            watch.prime()
        except (OSError, ValueError) as exc:
            log.warning("cannot watch the spec tree: %s", exc)
            return
        self._watch = watch
        self.watching = True
        self._task_group.start_soon(self._run_watch, self._watch)

    async def _run_watch(self, watch: SpecWatch) -> None:
        try:
            await watch.run()
        except Exception as exc:
            # A watch that cannot run (inotify limits, an unreadable tree) must not take the server
            # down: tools still announce their own writes. The next follow() tries again.
            log.warning("cannot watch the spec tree for changes: %s", exc)
            if self._watch is watch:
                self.watching = False


def change_feed_lifespan(state: ServerState, bus: SubscriptionBus) -> Callable[[Any], Any]:
    """The server lifespan: one ChangeFeed (and its task group) while the server runs."""

    @contextlib.asynccontextmanager
    async def lifespan(_server: Any) -> AsyncIterator[ChangeFeed]:
        async with ChangeFeed(state, bus).running() as feed:
            yield feed

    return lifespan


def install_protocol_handlers(server: MCPServer, state: ServerState) -> None:
    lowlevel = server._lowlevel_server

    async def list_resources(ctx: Any, params: PaginatedRequestParams | None) -> ListResourcesResult:
        _feed(ctx).follow(_connection_of(ctx.session))
        resources = list(await server.list_resources())
        try:
            resources.extend(_document_resources(state))
        except ValueError as exc:
            # A broken .torus-mcp.toml must not hide the static resources; it is logged and shown
            # by workspace_info.
            log.warning("cannot list spec documents: %s", exc)
        start = _page_start(params.cursor if params else None)
        end = start + RESOURCE_PAGE_SIZE
        return ListResourcesResult(
            resources=resources[start:end], next_cursor=str(end) if end < len(resources) else None
        )

    async def subscribe(ctx: Any, params: SubscribeRequestParams) -> EmptyResult:
        _feed(ctx).subscribe(_connection_of(ctx.session), str(params.uri))
        return EmptyResult()

    async def unsubscribe(ctx: Any, params: UnsubscribeRequestParams) -> EmptyResult:
        _feed(ctx).unsubscribe(_connection_of(ctx.session), str(params.uri))
        return EmptyResult()

    async def set_level(ctx: Any, params: SetLevelRequestParams) -> EmptyResult:
        return EmptyResult()

    sdk_listen = lowlevel.get_request_handler("subscriptions/listen")
    if sdk_listen is not None:

        async def listen(ctx: Any, params: Any) -> Any:
            _feed(ctx).follow(None)
            return await sdk_listen.handler(ctx, params)

        lowlevel.add_request_handler("subscriptions/listen", sdk_listen.params_type, listen)

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

    sdk_options = lowlevel.create_initialization_options

    def initialization_options(notification_options: NotificationOptions | None = None, *args, **kwargs):
        options = notification_options or NotificationOptions(resources_changed=True)
        return sdk_options(options, *args, **kwargs)

    # Every transport (stdio, HTTP, in-memory) builds its options through this method.
    lowlevel.create_initialization_options = initialization_options


def _page_start(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit():
        raise MCPError(
            code=INVALID_PARAMS,
            message=f"resources/list cursor {cursor!r} is not one this server gave; start again without a cursor.",
        )
    return int(cursor)


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
    """After a tool wrote documents: tell clients of both eras what changed (the documents, the pack's
    status, the index) and whether the list changed."""
    request = ctx.request_context
    feed = _feed(request)
    feed.absorb_written(uris)
    change = SpecChange(affected_resources(uris, (), list_changed), list_changed)
    # Best effort: a client that went away must not turn a successful write into an error.
    with contextlib.suppress(Exception):
        await feed.announce(change, caller=_connection_of(request.session))


def _feed(ctx: Any) -> ChangeFeed:
    feed = ctx.lifespan_context
    if not isinstance(feed, ChangeFeed):
        raise RuntimeError("the torus-mcp server runs without its lifespan; build it with create_server()")
    return feed


def _connection_of(session: Any) -> Connection | None:
    """The connection a request came on. The SDK keeps it private on the per-request session; it is
    what identifies a 2025-11-25 client across requests and owns the standalone channel."""
    connection = getattr(session, "_connection", None)
    return connection if isinstance(connection, Connection) else None


def _has_back_channel(connection: Connection) -> bool:
    """A 2025-11-25 connection that can carry notifications outside a request (2026-07-28 clients
    hear through subscriptions/listen instead)."""
    return connection.has_standalone_channel and connection.protocol_version not in MODERN_PROTOCOL_VERSIONS


async def run_stdio(server: MCPServer) -> None:
    lowlevel = server._lowlevel_server
    async with stdio_server() as (read_stream, write_stream):
        await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
