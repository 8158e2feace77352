"""Serving torus-mcp over Streamable HTTP in tests, and connecting to it the way clients do.

Two ways to run a server, both on 127.0.0.1 only:
- `serve_in_process`: the HTTP app under uvicorn on this test's event loop (port picked by the
  kernel), for the many tests that only need the transport;
- `http_server`: the real `torus-mcp serve --http` command in a subprocess, for what only the
  command does (worker processes, start-up refusals, a token file).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

TOKEN = "test-token-0123456789abcdef"
START_TIMEOUT = 60.0


def console_script() -> Path:
    return Path(sys.executable).parent / "torus-mcp"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def serve_in_process(app: Any) -> AsyncIterator[str]:
    """Serve an ASGI app on a kernel-chosen loopback port; yields the /mcp URL."""
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_config=None, lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve)
        with anyio.fail_after(START_TIMEOUT):
            while not server.started:
                await anyio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            server.should_exit = True


@asynccontextmanager
async def http_client(
    url: str, mode: str, token: str | None = None, **client_kwargs: Any
) -> AsyncIterator[Any]:
    """An SDK client over Streamable HTTP, sending the bearer token when given."""
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=300)) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, mode=mode, **client_kwargs) as client:
            yield client


@dataclass
class RunningServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


@contextmanager
def http_server(root: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[RunningServer]:
    """`torus-mcp serve --http --root ROOT ARGS` on a free loopback port, stopped afterwards."""
    port = free_port()
    stderr_path = root.parent / f"server-{port}.log"
    command = [str(console_script()), "serve", "--http", "--port", str(port), "--root", str(root), *args]
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    running = RunningServer(f"http://127.0.0.1:{port}/mcp", port, process, stderr_path)
    try:
        wait_until_listening(running)
        yield running
    finally:
        stop(process)


def wait_until_listening(running: RunningServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise AssertionError(f"the server exited ({running.process.returncode}): {running.stderr()}")
        try:
            socket.create_connection(("127.0.0.1", running.port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the server did not listen within {START_TIMEOUT} s: {running.stderr()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (uvicorn and its workers), then make sure it is gone."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, 15)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass


async def raw_request(
    port: int, request: bytes, timeout: float = 15.0, piece: int = 65536
) -> tuple[int, dict[str, str], bytes]:
    """Send raw HTTP/1.1 bytes; (status, headers, body) of the answer.

    The request goes out in pieces and, between pieces, an answer is looked for: a server that
    answers early (an oversized body) and closes is heard before further bytes would reset the
    connection and lose its answer."""
    data = b""
    with anyio.fail_after(timeout):
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            for start in range(0, len(request), piece):
                await stream.send(request[start : start + piece])
                with anyio.move_on_after(0.02):
                    data += await stream.receive()
                if data:
                    break
            while not _complete(data):
                try:
                    data += await stream.receive()
                except (anyio.EndOfStream, anyio.BrokenResourceError, ConnectionError):
                    break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 "), f"no HTTP answer: {data[:200]!r}"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split(" ", 2)[1]), headers, body


def _complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


def post(port: int, body: bytes, headers: dict[str, str] | None = None, host: str | None = None) -> bytes:
    """A raw POST /mcp request with JSON content, `Connection: close`."""
    lines = [
        "POST /mcp HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{port}'}",
        "Content-Type: application/json",
        "Accept: application/json, text/event-stream",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
