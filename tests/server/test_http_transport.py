"""torus-mcp over Streamable HTTP: the SDK client on real sockets (127.0.0.1), in both protocol eras.

The app under test is the one `torus-mcp serve --http` serves (`build_app`), run by uvicorn on this
test's event loop; test_http_command.py starts the command itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import ListRootsResult, Root

from tests.conftest import EXAMPLE_PROJECT
from tests.mix.projects import copy_project
from tests.server.calls import call_ok
from tests.server.http_support import http_client, serve_in_process
from tests.shared_data import require_mix
from torus_mcp.server.http import HttpOptions, build_app

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning"),
]

PRD = "torus://features/canvas-preview/prd.md"


def app_for(root: Path, **options: object):
    return build_app(HttpOptions(root=str(root), **options), None)


async def test_tools_prompts_and_resources_over_http(project: Path, mode: str) -> None:
    async with serve_in_process(app_for(project)) as url, http_client(url, mode) as client:
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="plan")
        prompt = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "1"})
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        prd = await client.read_resource(PRD)
        completion = await client.complete(
            {"type": "ref/prompt", "name": "develop"}, {"name": "feature", "value": "canv"}
        )
    assert read["text"] == (project / "docs/features/canvas-preview/plan.md").read_text()
    assert "## Phase 1" in prompt.messages[0].content.text
    assert PRD in listed
    assert prd.contents[0].text == (project / "docs/features/canvas-preview/prd.md").read_text()
    assert completion.completion.values == ["canvas-preview"]


async def test_client_roots_are_ignored_over_http(project: Path, tmp_path: Path, mode: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(EXAMPLE_PROJECT, elsewhere)
    shutil.rmtree(elsewhere / "docs/features/canvas-preview")
    asked: list[bool] = []

    async def list_roots(context: object) -> ListRootsResult:
        asked.append(True)
        return ListRootsResult(roots=[Root(uri=elsewhere.as_uri())])

    async with (
        serve_in_process(app_for(project)) as url,
        http_client(url, mode, list_roots_callback=list_roots) as client,
    ):
        info = await call_ok(client, "workspace_info")
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd")
    assert info["rule"] == "--root" and info["root"] == str(project.resolve())
    assert read["feature"] == "canvas-preview"
    assert asked == []


async def test_subscriber_hears_an_external_edit_over_http(project: Path, mode: str) -> None:
    prd = project / "docs/features/canvas-preview/prd.md"
    heard = anyio.Event()

    async def on_message(message: object) -> None:
        notification = getattr(message, "root", message)
        if getattr(notification, "method", "") == "notifications/resources/updated":
            heard.set()

    async with (
        serve_in_process(app_for(project)) as url,
        http_client(url, mode, message_handler=on_message) as client,
    ):
        if mode == "legacy":
            await client.subscribe_resource(PRD)
            prd.write_text(prd.read_text() + "\nEdited outside.\n")
            with anyio.fail_after(10):
                await heard.wait()
        else:
            async with client.listen(resource_subscriptions=[PRD]) as sub:
                prd.write_text(prd.read_text() + "\nEdited outside.\n")
                with anyio.fail_after(10):
                    event = await sub.__anext__()
            assert event.uri == PRD


async def test_stateless_server_refuses_subscribe_and_says_why(project: Path) -> None:
    async with (
        serve_in_process(app_for(project, stateless=True)) as url,
        http_client(url, "legacy") as client,
    ):
        with pytest.raises(MCPError) as refused:
            await client.subscribe_resource(PRD)
        listed = await client.list_resources()
    assert (
        "--stateless" in refused.value.error.message and "subscriptions/listen" in refused.value.error.message
    )
    assert listed.resources


async def test_stateless_server_still_streams_listen_events(project: Path) -> None:
    prd = project / "docs/features/canvas-preview/prd.md"
    async with (
        serve_in_process(app_for(project, stateless=True)) as url,
        http_client(url, "auto") as client,
        client.listen(resource_subscriptions=[PRD]) as sub,
    ):
        prd.write_text(prd.read_text() + "\nEdited outside.\n")
        with anyio.fail_after(10):
            event = await sub.__anext__()
    assert event.uri == PRD


async def test_mix_compile_reports_progress_over_http(tmp_path: Path, mode: str) -> None:
    require_mix()
    root = copy_project("warnings_app", tmp_path)
    # Module bodies run at compile time: this one holds the compile for a few of the runner's
    # one-second progress ticks, however fast the machine.
    (root / "lib" / "slow_to_compile.ex").write_text(
        "defmodule WarningsApp.SlowToCompile do\n  Process.sleep(3_000)\nend\n"
    )
    events: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        events.append((progress, total, message))

    async with serve_in_process(app_for(root)) as url, http_client(url, mode) as client:
        result = await client.call_tool("mix_compile", {"force": True}, progress_callback=on_progress)
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["diagnostics"]["warnings"] == 7
    assert events, "no progress notification reached the client over HTTP"
    assert all(message for _, _, message in events)


def test_building_the_server_imports_neither_the_http_stack_nor_a_watch() -> None:
    """Start-up stays lean: uvicorn, watchfiles and the HTTP module are imported only inside the
    functions that serve HTTP or start the watch. (The SDK itself imports uvicorn through
    sse-starlette, and with it watchfiles, so their presence in sys.modules says nothing about
    torus-mcp; the HTTP module's absence does.)"""
    code = (
        "import sys; from torus_mcp.server import create_server; create_server(sys.argv[1]); "
        "print(sorted(m for m in sys.modules if m.startswith('torus_mcp.server')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE_PROJECT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "torus_mcp.server.http" not in out.stdout and "torus_mcp.server.bearer_token" not in out.stdout
    assert "torus_mcp.server.watch" in out.stdout  # the module is there; the watch itself is not started
    package = Path(__file__).resolve().parents[2] / "torus_mcp"
    for path in package.rglob("*.py"):
        for line in path.read_text().splitlines():
            if line.startswith(("import uvicorn", "from uvicorn", "import watchfiles", "from watchfiles")):
                pytest.fail(f"{path.relative_to(package.parent)} imports {line.split()[1]} at module level")


def test_serve_over_stdio_does_not_load_the_http_module(project: Path, tmp_path: Path) -> None:
    """The stdio server answers a request without ever importing the HTTP transport."""
    probe = tmp_path / "sitecustomize.py"
    probe.write_text(
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('HTTP-LOADED\\n' if 'torus_mcp.server.http' in sys.modules "
        "else 'HTTP-NOT-LOADED\\n'))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    request = (
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
        '"capabilities":{},"clientInfo":{"name":"t","version":"0"}}}\n'
    )
    out = subprocess.run(
        [sys.executable, "-m", "torus_mcp", "serve", "--root", str(project)],
        input=request,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert '"id":1' in out.stdout.replace(" ", "")
    assert "HTTP-NOT-LOADED" in out.stderr
