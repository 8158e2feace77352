"""Attacks on the HTTP transport, each test named after what it pins: bearer token, DNS rebinding
(Host, Origin), oversized bodies, a slow client. Raw HTTP where the SDK client would not send the
attack; the SDK client where a real client is the point. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import anyio
import httpx2
import pytest
from mcp.shared.exceptions import MCPError

from tests.server.calls import call_ok
from tests.server.http_support import TOKEN, http_client, post, raw_request, serve_in_process
from torus_mcp.documents import MAX_DOC_BYTES
from torus_mcp.server.http import MAX_BODY_BYTES, HttpOptions, build_app

pytestmark = pytest.mark.anyio

INITIALIZE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
).encode()


def port_of(url: str) -> int:
    port = urlparse(url).port
    assert port is not None
    return port


def app_for(root: Path, token: str | None = None):
    return build_app(HttpOptions(root=str(root)), token)


async def test_missing_or_wrong_token_is_401_and_says_nothing_more(project: Path, mode: str) -> None:
    async with serve_in_process(app_for(project, TOKEN)) as url:
        port = port_of(url)
        answers = [
            await raw_request(port, post(port, INITIALIZE, headers=headers))
            for headers in (
                {},
                {"Authorization": "Bearer wrong-token-0123456789abcdef"},
                {"Authorization": f"Bearer {TOKEN}x"},
                {"Authorization": f"Bearer {TOKEN[:-1]}"},
                {"Authorization": f"Basic {TOKEN}"},
                {"Authorization": TOKEN},
            )
        ]
        async with http_client(url, mode, token=TOKEN) as client:
            listed = await call_ok(client, "list_features")
        with pytest.raises(Exception) as refused:
            async with http_client(url, mode, token="not-the-token-0123456789"):
                pass
    for status, headers, body in answers:
        assert (status, body) == (401, b"Unauthorized\n")
        assert headers["www-authenticate"] == "Bearer"
    assert listed["features"]
    assert refused.group_contains(MCPError, depth=None) or isinstance(refused.value, MCPError)


async def test_token_is_required_even_on_loopback_once_configured(project: Path) -> None:
    async with serve_in_process(app_for(project, TOKEN)) as url:
        status, _, _ = await raw_request(port_of(url), post(port_of(url), INITIALIZE))
    assert status == 401


async def test_dns_rebinding_bad_host_is_421(project: Path) -> None:
    async with serve_in_process(app_for(project)) as url:
        port = port_of(url)
        rebound = await raw_request(port, post(port, INITIALIZE, host=f"attacker.example:{port}"))
        bare_name = await raw_request(port, post(port, INITIALIZE, host="attacker.example"))
        ours = await raw_request(port, post(port, INITIALIZE, host=f"localhost:{port}"))
    assert rebound[0] == 421 and bare_name[0] == 421
    assert ours[0] == 200


async def test_dns_rebinding_bad_origin_is_403(project: Path) -> None:
    async with serve_in_process(app_for(project)) as url:
        port = port_of(url)
        foreign = await raw_request(
            port, post(port, INITIALIZE, headers={"Origin": "http://attacker.example"})
        )
        lookalike = await raw_request(
            port, post(port, INITIALIZE, headers={"Origin": "http://localhost.attacker.example"})
        )
        ours = await raw_request(port, post(port, INITIALIZE, headers={"Origin": f"http://localhost:{port}"}))
    assert foreign[0] == 403 and lookalike[0] == 403
    assert ours[0] == 200


async def test_oversized_body_is_413(project: Path) -> None:
    oversized = b"x" * (MAX_BODY_BYTES + 1)
    async with serve_in_process(app_for(project)) as url:
        port = port_of(url)
        # The declared length alone is refused: the body need not even be sent.
        declared = await raw_request(port, post(port, oversized)[: -len(oversized)])
        # Without Content-Length the body is counted as it streams in.
        head = post(port, b"").replace(b"Content-Length: 0\r\n", b"Transfer-Encoding: chunked\r\n")
        chunk = b"%x\r\n%s\r\n" % (1 << 20, b"y" * (1 << 20))
        streamed = await raw_request(port, head + chunk * 9 + b"0\r\n\r\n", piece=len(chunk))
    assert declared[0] == 413 and streamed[0] == 413


async def test_the_body_cap_admits_the_largest_document(project: Path) -> None:
    """A 2 MiB document of quotes and newlines nearly doubles as JSON; it must still get through."""
    content = '"\n' * (MAX_DOC_BYTES // 2)
    async with serve_in_process(app_for(project)) as url, http_client(url, "legacy") as client:
        written = await call_ok(client, "write_doc", feature="canvas-preview", doc="big.md", content=content)
    assert written["created"] and written["size"] == len(content)
    assert len(json.dumps(content)) > 4 * 1024 * 1024  # over the SDK's default cap: ours is set on purpose


async def test_a_slow_client_does_not_block_the_others(project: Path, mode: str) -> None:
    """One client sends its headers and a fraction of its body, then stalls. Others are served."""
    async with serve_in_process(app_for(project)) as url:
        port = port_of(url)
        stalled = INITIALIZE + b" " * 1000
        request = post(port, stalled)
        async with await anyio.connect_tcp("127.0.0.1", port) as slow:
            await slow.send(request[: len(request) - 900])
            with anyio.fail_after(20):
                async with http_client(url, mode) as client:
                    for _ in range(3):
                        await call_ok(client, "read_doc", feature="canvas-preview", doc="prd")
                # A second stalled session opener must not hold up new sessions either.
                async with await anyio.connect_tcp("127.0.0.1", port) as slow_too:
                    await slow_too.send(request[:200])
                    async with http_client(url, mode) as client:
                        await call_ok(client, "list_features")


async def test_unauthorized_requests_never_reach_the_server(project: Path) -> None:
    """The token gate answers before the MCP app reads a byte: an oversized body without a token
    is a 401, not a 413, and no session is created."""
    async with serve_in_process(app_for(project, TOKEN)) as url:
        port = port_of(url)
        status, headers, _ = await raw_request(port, post(port, b"x" * (MAX_BODY_BYTES + 1))[:400])
        async with httpx2.AsyncClient() as http:
            probe = await http.post(
                url,
                content=INITIALIZE,
                headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
            )
    assert status == 401 and "mcp-session-id" not in headers
    assert probe.status_code == 401 and "mcp-session-id" not in probe.headers
