"""Start-up and per-call latency of torus-mcp against a bare MCPServer, over stdio, side by side.

Run: `python bench/startup.py [--runs 10] [--calls 200]` (prints numbers, never fails).

1. Start-up: time from spawning the process to the answer of its first `tools/list`, for
   `python -m torus_mcp serve --root <copy of the example project>` and for a bare MCPServer with
   one trivial tool (written to a temporary file, same interpreter). Runs are interleaved
   (torus, bare, torus, bare, ...); the medians and the median of the paired ratios are printed
   (target: <= 1.15).
2. Per call: median latency of `read_doc` on the example's prd.md against the bare server's trivial
   tool, both over an open stdio connection, calls interleaved (target: ratio <= 1.5).

Both servers are driven by the same raw JSON-RPC client over the subprocess pipes (initialize,
notifications/initialized, then requests), so client overhead is identical and tiny.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PROJECT = REPO_ROOT / "examples" / "torus-example"
EXAMPLE_FEATURE = "canvas-preview"
PROTOCOL_VERSION = "2025-11-25"
STARTUP_TARGET = 1.15
CALL_TARGET = 1.5
WARMUP_CALLS = 10

BARE_SERVER = '''\
"""A bare MCPServer with one trivial tool: the baseline torus-mcp is measured against."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("bare")


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


if __name__ == "__main__":
    server.run()
'''


class StdioPeer:
    """A raw JSON-RPC client on a server subprocess's stdin/stdout (newline-delimited JSON)."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("TORUS_ROOT", None)
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        self.process.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited (code {self.process.poll()}) before answering {method}")
            answer = json.loads(line)
            # Notifications and server requests are skipped; only our answer ends the wait.
            if answer.get("id") == ident and ("result" in answer or "error" in answer):
                if "error" in answer:
                    raise RuntimeError(f"{method} failed: {answer['error']}")
                return answer["result"]

    def handshake(self) -> None:
        self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "bench-startup", "version": "0"},
            },
        )
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


def time_to_first_tools_list(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    peer = StdioPeer(command, cwd)
    try:
        peer.handshake()
        tools = peer.request("tools/list")
        elapsed = time.perf_counter() - started
        if not tools.get("tools"):
            raise RuntimeError(f"{command}: tools/list answered no tools")
        return elapsed
    finally:
        peer.close()


def call_latency(peer: StdioPeer, name: str, arguments: dict[str, Any]) -> float:
    started = time.perf_counter()
    result = peer.request("tools/call", {"name": name, "arguments": arguments})
    elapsed = time.perf_counter() - started
    if result.get("isError"):
        raise RuntimeError(f"{name} failed: {result.get('content')}")
    return elapsed


def paired_median_ratio(measured: list[float], baseline: list[float]) -> float:
    """Median of the run-by-run ratios: each pair ran back to back, so drift in machine load cancels."""
    return statistics.median(m / b for m, b in zip(measured, baseline, strict=True))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "OVER TARGET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="start-ups of each server (default 10)")
    parser.add_argument("--calls", type=int, default=200, help="measured calls of each tool (default 200)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="torus-bench-") as scratch:
        scratch_dir = Path(scratch)
        root = scratch_dir / "torus"
        shutil.copytree(EXAMPLE_PROJECT, root, ignore=shutil.ignore_patterns("_build", "deps"))
        bare_script = scratch_dir / "bare_server.py"
        bare_script.write_text(BARE_SERVER)
        torus_cmd = [sys.executable, "-m", "torus_mcp", "serve", "--root", str(root)]
        bare_cmd = [sys.executable, str(bare_script)]

        print(f"python {sys.version.split()[0]} at {sys.executable}")
        print(f"torus-mcp: {' '.join(torus_cmd)}")
        print(f"baseline:  {' '.join(bare_cmd)}\n")

        # One unmeasured start of each so both read their modules from a warm page cache.
        time_to_first_tools_list(torus_cmd, scratch_dir)
        time_to_first_tools_list(bare_cmd, scratch_dir)
        torus_starts, bare_starts = [], []
        for _ in range(args.runs):
            torus_starts.append(time_to_first_tools_list(torus_cmd, scratch_dir))
            bare_starts.append(time_to_first_tools_list(bare_cmd, scratch_dir))
        torus_start, bare_start = statistics.median(torus_starts), statistics.median(bare_starts)
        start_ratio = paired_median_ratio(torus_starts, bare_starts)
        print(f"1. spawn -> first tools/list answer, {args.runs} runs each, interleaved")
        print(
            f"   torus-mcp median {ms(torus_start)}  (min {ms(min(torus_starts))}, max {ms(max(torus_starts))})"
        )
        print(
            f"   bare      median {ms(bare_start)}  (min {ms(min(bare_starts))}, max {ms(max(bare_starts))})"
        )
        print(
            f"   median ratio {start_ratio:.3f} (ratio of medians {torus_start / bare_start:.3f}); "
            f"target <= {STARTUP_TARGET}: {verdict(start_ratio, STARTUP_TARGET)}\n"
        )

        torus, bare = StdioPeer(torus_cmd, scratch_dir), StdioPeer(bare_cmd, scratch_dir)
        try:
            torus.handshake()
            bare.handshake()
            read_doc = ("read_doc", {"feature": EXAMPLE_FEATURE, "doc": "prd.md"})
            echo = ("echo", {"text": "hello"})
            # Warm-up calls are not measured: the first read_doc imports the Markdown parser lazily.
            for _ in range(WARMUP_CALLS):
                call_latency(torus, *read_doc)
                call_latency(bare, *echo)
            torus_calls, bare_calls = [], []
            for _ in range(args.calls):
                torus_calls.append(call_latency(torus, *read_doc))
                bare_calls.append(call_latency(bare, *echo))
        finally:
            torus.close()
            bare.close()
        torus_call, bare_call = statistics.median(torus_calls), statistics.median(bare_calls)
        call_ratio = paired_median_ratio(torus_calls, bare_calls)
        prd_size = (root / "docs" / "features" / EXAMPLE_FEATURE / "prd.md").stat().st_size
        print(f"2. per-call latency over stdio, {args.calls} calls each, interleaved")
        print(f"   read_doc {EXAMPLE_FEATURE}/prd.md ({prd_size:,} bytes) median {ms(torus_call)}")
        print(f"   bare echo                              median {ms(bare_call)}")
        print(
            f"   median ratio {call_ratio:.3f} (ratio of medians {torus_call / bare_call:.3f}); "
            f"target <= {CALL_TARGET}: {verdict(call_ratio, CALL_TARGET)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
