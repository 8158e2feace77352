"""Change notifications for edits made outside the server, and for derived resources, in both eras.

The 2025-11-25 era subscribes with resources/subscribe and hears notifications/resources/updated
and list_changed; the 2026-07-28 era opens a subscriptions/listen stream. Edits are made straight
to the files, as an editor or `git pull` would. Waits are bounded (10 s) and never asserted as times.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.subscriptions import ResourcesListChanged, ResourceUpdated

from tests.server.calls import call_ok
from torus_mcp.server import create_server

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning"),
]

PRD = "torus://features/canvas-preview/prd.md"
PLAN = "torus://features/canvas-preview/plan.md"
STATUS = "torus://features/canvas-preview/status"
INDEX = "torus://features"
WAIT = 10.0


class Heard:
    """What one client was told, as (kind, uri) pairs: ("updated", uri) or ("list_changed", None)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str | None]] = []
        self._changed = anyio.Event()

    def add(self, kind: str, uri: str | None) -> None:
        self.events.append((kind, uri))
        self._changed.set()

    async def wait_for(self, kind: str, uri: str | None = None) -> float:
        """Seconds until (kind, uri) arrived (at most WAIT); fails the test if it never does."""
        started = time.perf_counter()
        with anyio.fail_after(WAIT):
            while (kind, uri) not in self.events:
                self._changed = anyio.Event()
                await self._changed.wait()
        return time.perf_counter() - started

    async def settle(self, seconds: float = 1.5) -> None:
        """Let anything still on its way arrive (the watch reports within ~1 s of a change)."""
        await anyio.sleep(seconds)


@asynccontextmanager
async def watching(
    root: Path, mode: str, uris: list[str], list_changes: bool = True
) -> AsyncIterator[tuple[Client, Heard]]:
    """A client of the given era following `uris` (and the resource list) until the block ends."""
    heard = Heard()

    async def on_message(message: object) -> None:
        if mode != "legacy":
            return  # listen-stream events also reach the message handler; they are counted below
        notification = getattr(message, "root", message)
        method = getattr(notification, "method", "")
        if method == "notifications/resources/updated":
            heard.add("updated", str(notification.params.uri))
        elif method == "notifications/resources/list_changed":
            heard.add("list_changed", None)

    async with Client(create_server(str(root)), mode=mode, message_handler=on_message) as client:
        if mode == "legacy":
            if list_changes:
                await client.list_resources()
            for uri in uris:
                await client.subscribe_resource(uri)
            yield client, heard
            return
        listen = client.listen(resources_list_changed=list_changes, resource_subscriptions=uris)
        async with listen as sub, anyio.create_task_group() as tg:

            async def pump() -> None:
                async for event in sub:
                    if isinstance(event, ResourceUpdated):
                        heard.add("updated", event.uri)
                    elif isinstance(event, ResourcesListChanged):
                        heard.add("list_changed", None)

            tg.start_soon(pump)
            yield client, heard
            tg.cancel_scope.cancel()


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


async def test_external_edit_of_a_subscribed_doc_is_announced(project: Path, mode: str) -> None:
    prd = project / "docs/features/canvas-preview/prd.md"
    async with watching(project, mode, [PRD, STATUS]) as (_, heard):
        append(prd, "\nEdited in an editor.\n")
        await heard.wait_for("updated", PRD)
        await heard.wait_for("updated", STATUS)  # the gate report reads the PRD
        await heard.settle()
    assert ("list_changed", None) not in heard.events  # an edit is not a new document


async def test_edits_to_other_documents_are_not_sent_to_a_subscriber(project: Path, mode: str) -> None:
    other = project / "docs/exec-plans/current/epics/authoring/bulk-tagging/fdd.md"
    prd = project / "docs/features/canvas-preview/prd.md"
    async with watching(project, mode, [PRD], list_changes=False) as (_, heard):
        append(other, "\nSomeone else's change.\n")
        append(prd, "\nThen ours.\n")
        await heard.wait_for("updated", PRD)
        await heard.settle()
    assert heard.events == [("updated", PRD)]


async def test_new_feature_directory_changes_the_list(project: Path, mode: str) -> None:
    async with watching(project, mode, [INDEX]) as (_, heard):
        (project / "docs/features/grade-sync").mkdir()
        (project / "docs/features/grade-sync/prd.md").write_text("# Grade sync\n")
        await heard.wait_for("list_changed")
        await heard.wait_for("updated", INDEX)


async def test_new_and_deleted_documents_change_the_list(project: Path, mode: str) -> None:
    plan = project / "docs/features/canvas-preview/plan.md"
    async with watching(project, mode, [PLAN]) as (_, heard):
        plan.unlink()
        await heard.wait_for("list_changed")
        await heard.wait_for("updated", PLAN)
        heard.events.clear()
        (project / "docs/features/canvas-preview/notes.md").write_text("# Notes\n")
        await heard.wait_for("list_changed")


async def test_update_task_notifies_the_subscribed_status(project: Path, mode: str) -> None:
    async with watching(project, mode, [STATUS], list_changes=False) as (client, heard):
        await call_ok(client, "update_task", feature="canvas-preview", phase="2", task="2")
        await heard.wait_for("updated", STATUS)
        await heard.settle()
    # Announced by the tool; the watch sees the same write and must not announce it again.
    assert heard.events == [("updated", STATUS)]


async def test_a_tool_write_is_announced_once(project: Path, mode: str) -> None:
    async with watching(project, mode, [PRD], list_changes=False) as (client, heard):
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd.md")
        await call_ok(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="prd.md",
            content=read["text"] + "\nOne more line.\n",
            expected_version=read["version"],
        )
        await heard.wait_for("updated", PRD)
        await heard.settle()
    assert heard.events == [("updated", PRD)]


async def test_unsubscribed_documents_are_not_announced(project: Path) -> None:
    prd = project / "docs/features/canvas-preview/prd.md"
    async with watching(project, "legacy", [PRD, PLAN], list_changes=False) as (client, heard):
        await client.unsubscribe_resource(PRD)
        append(prd, "\nNobody listens.\n")
        append(project / "docs/features/canvas-preview/plan.md", "\nSomeone listens.\n")
        await heard.wait_for("updated", PLAN)
        await heard.settle()
    assert ("updated", PRD) not in heard.events


def inotify_handles() -> int:
    """Open inotify instances of this process (each running watch holds one or two)."""
    count = 0
    for entry in os.scandir("/proc/self/fd"):
        try:
            count += os.readlink(entry.path) == "anon_inode:inotify"
        except OSError:
            continue
    return count


async def wait_for_handles(predicate) -> int:
    with anyio.fail_after(WAIT):
        while not predicate(count := inotify_handles()):
            await anyio.sleep(0.05)
    return count


async def test_the_watch_starts_with_the_first_listing_never_at_start_up(project: Path, mode: str) -> None:
    before = inotify_handles()
    async with Client(create_server(str(project)), mode=mode) as client:
        await client.list_tools()
        await call_ok(client, "list_features")
        await client.read_resource(INDEX)
        await anyio.sleep(0.3)
        assert inotify_handles() == before, "the watch started before anyone asked for the resources"
        await client.list_resources()
        await wait_for_handles(lambda n: n > before)
    # The server stopped: so did its watch.
    await wait_for_handles(lambda n: n == before)


async def test_set_level_is_answered_and_leaves_the_server_log_alone(project: Path) -> None:
    logger = logging.getLogger("torus_mcp")
    level = logger.level
    async with Client(create_server(str(project)), mode="legacy") as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = await client.set_logging_level("debug")
    assert result is not None
    assert logger.level == level


async def test_the_watch_follows_the_root_the_client_roots_settle(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over stdio the client's roots pick the project at the first tool call; a watch begun before
    that (on the working directory's project) moves to the chosen one."""
    from mcp_types import ListRootsResult, Root

    monkeypatch.delenv("TORUS_ROOT", raising=False)
    chosen = tmp_path / "chosen"
    shutil.copytree(project, chosen)
    heard = Heard()

    async def on_message(message: object) -> None:
        notification = getattr(message, "root", message)
        if getattr(notification, "method", "") == "notifications/resources/updated":
            heard.add("updated", str(notification.params.uri))

    async def list_roots(context: object) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=chosen.as_uri())])

    server = create_server(None, cwd=project)
    async with Client(
        server, mode="legacy", message_handler=on_message, list_roots_callback=list_roots
    ) as client:
        await client.list_resources()  # the watch starts on the working directory's project
        info = await call_ok(client, "workspace_info")
        await client.subscribe_resource(PRD)  # and moves to the project the roots chose
        await heard.settle()  # past the first quiet period, so only the watch itself can report the edit
        heard.events.clear()
        append(chosen / "docs/features/canvas-preview/prd.md", "\nEdited in the chosen project.\n")
        await heard.wait_for("updated", PRD)
    assert info["rule"] == "client roots" and info["root"] == str(chosen.resolve())
