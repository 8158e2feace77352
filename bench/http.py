"""Throughput and tail latency of torus-mcp over Streamable HTTP against a bare MCPServer, same run.

Run: `python bench/http.py [--clients 8] [--calls 500] [--rounds 2]` (prints PASS/FAIL, exits 0).

Both servers run as uvicorn with 2 worker processes in stateless mode on a free loopback port:
    torus-mcp  `torus-mcp serve --http --stateless --workers 2 --root <copy of examples/torus-example>`
    baseline   a bare MCPServer with one trivial tool (`echo`), its Streamable HTTP app in stateless
               mode, `uvicorn --factory --workers 2`, access log off as torus-mcp's is
The load: 8 concurrent clients, each with its own keep-alive connection, sending 500 `tools/call`
requests one after another (torus-mcp: `read_doc` of canvas-preview/prd.md; baseline: `echo`).
Requests are raw 2025-11-25 stateless POSTs (no session, the answer as one SSE event) from httpx2,
so the client costs the same for both and little. Rounds alternate torus, bare, torus, bare; the
best round of each is compared (a round disturbed by other work on the machine only gets slower).

Target: throughput ratio torus/bare >= 0.7. p50 and p99 latency are printed for context.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path, where its own name would hide the
# standard library's `http` package from everything imported below.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx2

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PROJECT = REPO_ROOT / "examples" / "torus-example"
TARGET = 0.7
WARMUP_CALLS = 20
START_TIMEOUT = 60.0

BARE_APP = '''\
"""A bare MCPServer with one trivial tool, served stateless: the baseline torus-mcp is measured against."""

from mcp.server.mcpserver import MCPServer


def app():
    server = MCPServer("bare")

    @server.tool()
    def echo(text: str) -> str:
        """Return the text unchanged."""
        return text

    return server.streamable_http_app(stateless_http=True, host="127.0.0.1")
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], cwd: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {process.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{' '.join(command)} did not listen within {START_TIMEOUT} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def call_body(ident: int, tool: str, arguments: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": ident,
            "method": "tools/call",
            "params": {"name": tool, "arguments": arguments},
        }
    ).encode()


HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2025-11-25",
}


def answer_of(response: httpx2.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    text = response.text
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        text = next(line[5:] for line in text.splitlines() if line.startswith("data:"))
    message = json.loads(text)
    result = message.get("result")
    if result is None or result.get("isError"):
        raise RuntimeError(f"call failed: {message}")
    return result


async def load(
    url: str, clients: int, calls: int, tool: str, arguments: dict[str, Any]
) -> tuple[float, list[float]]:
    """(wall seconds, per-call latencies) of `clients` concurrent clients making `calls` calls each."""
    latencies: list[float] = []
    warmed: list[int] = []
    all_warm, go = anyio.Event(), anyio.Event()

    async def client(index: int) -> None:
        async with httpx2.AsyncClient(timeout=60) as http:
            for n in range(WARMUP_CALLS):
                answer_of(await http.post(url, content=call_body(n, tool, arguments), headers=HEADERS))
            warmed.append(index)
            if len(warmed) == clients:
                all_warm.set()
            await go.wait()
            for n in range(calls):
                started = time.perf_counter()
                response = await http.post(url, content=call_body(n, tool, arguments), headers=HEADERS)
                answer_of(response)
                latencies.append(time.perf_counter() - started)

    async with anyio.create_task_group() as tg:
        for index in range(clients):
            tg.start_soon(client, index)
        await all_warm.wait()  # every client connected and warmed up (both workers have imported all)
        began = time.perf_counter()
        go.set()
    return time.perf_counter() - began, latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def measure(
    name: str, command: list[str], cwd: Path, port: int, args: argparse.Namespace, call: tuple[str, dict]
) -> dict[str, float]:
    process = start(command, cwd, port)
    try:
        wall, latencies = anyio.run(load, f"http://127.0.0.1:{port}/mcp", args.clients, args.calls, *call)
    finally:
        stop(process)
    result = {
        "throughput": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p99": percentile(latencies, 0.99),
    }
    print(
        f"   {name:9} {result['throughput']:8.1f} calls/s  p50 {ms(result['p50'])}  p99 {ms(result['p99'])}"
        f"  ({len(latencies)} calls in {wall:.2f} s)"
    )
    return result


def best(rounds: list[dict[str, float]], key: str, pick: Callable[..., float]) -> float:
    return pick(r[key] for r in rounds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--calls", type=int, default=500, help="calls per client (default 500)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each server (default 2)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="torus-bench-http-") as scratch:
        scratch_dir = Path(scratch)
        root = scratch_dir / "torus"
        shutil.copytree(EXAMPLE_PROJECT, root, ignore=shutil.ignore_patterns("_build", "deps"))
        (scratch_dir / "bare_app.py").write_text(BARE_APP)
        script = Path(sys.executable).parent / "torus-mcp"

        def torus_command(port: int) -> list[str]:
            return [
                str(script),
                "serve",
                "--http",
                "--stateless",
                "--workers",
                "2",
                "--port",
                str(port),
                "--root",
                str(root),
            ]

        def bare_command(port: int) -> list[str]:
            return [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_app:app",
                "--factory",
                "--workers",
                "2",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
                "--no-server-header",
            ]

        read_doc = ("read_doc", {"feature": "canvas-preview", "doc": "prd.md"})
        echo = ("echo", {"text": "hello"})
        print(
            f"python {sys.version.split()[0]}; {args.clients} clients x {args.calls} calls, 2 workers, stateless"
        )
        torus_rounds, bare_rounds = [], []
        for number in range(1, args.rounds + 1):
            print(f"round {number}")
            port = free_port()
            torus_rounds.append(measure("torus-mcp", torus_command(port), scratch_dir, port, args, read_doc))
            port = free_port()
            bare_rounds.append(measure("bare", bare_command(port), scratch_dir, port, args, echo))

    torus_best = best(torus_rounds, "throughput", max)
    bare_best = best(bare_rounds, "throughput", max)
    ratio = torus_best / bare_best
    print(
        f"best throughput: torus-mcp {torus_best:.1f} calls/s, bare {bare_best:.1f} calls/s; "
        f"p99 torus-mcp {ms(best(torus_rounds, 'p99', min))}, bare {ms(best(bare_rounds, 'p99', min))}"
    )
    print(f"throughput ratio {ratio:.3f} (target >= {TARGET}): {'PASS' if ratio >= TARGET else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
