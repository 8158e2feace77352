"""History benchmark: `spec_history` on a repository with 2,000 commits, against `git log -- <path>`.

Run: `python bench/history.py [--commits 2000] [--runs 15]` (prints numbers and PASS/FAIL, exits 0).

1. A repository is generated with `git fast-import` (seconds, not minutes): a Torus-like project with
   one spec pack (`docs/features/bench-pack/` with prd.md, fdd.md, plan.md) and Elixir code under
   `lib/`; every 4th commit edits prd.md, the others edit fdd.md, plan.md or a code file, so prd.md
   has 500 of the 2,000 commits and the pack about 1,000. A second pack moved with a rename halfway
   (`docs/features/moved` -> `docs/exec-plans/current/features/moved`) gives the follow case.
2. Each case calls `spec_history` on `torus-mcp serve` over stdio with the raw JSON-RPC client of
   bench/startup.py (the whole server path: workspace, git, parsing, the JSON answer on the pipe; no
   client-side schema validation, which is the client's cost) and, interleaved with it, the baseline
   `git log -- <path>` as a subprocess; both list every commit (limit=1000). Printed: medians and
   the median of the paired ratios, target <= 3x:
   - prd.md alone (500 commits)                vs `git log -- <pack>/prd.md`
   - the whole pack (its ~1,000 commits)       vs `git log -- <pack>`
   - a moved pack's prd.md, followed back      vs `git log --follow -- <new path>/prd.md`
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 3.0
PACK = "docs/features/bench-pack"
MOVED_OLD = "docs/features/moved"
MOVED_NEW = "docs/exec-plans/current/features/moved"
LIMIT = 1000


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n" % len(data) + data + b"\n"


def _doc(title: str, revision: int) -> str:
    sections = "".join(
        f"## {n}. Section {n}\n\nText of section {n}, revision {revision}.\n\n" for n in range(1, 12)
    )
    return f"# {title}\n\n{sections}"


def build_repository(root: Path, commits: int) -> None:
    """`commits` commits on master, written by one `git fast-import`."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/master"], cwd=root, check=True)
    stream = bytearray()
    stamp = 1_700_000_000
    moved_at = commits // 2
    for number in range(1, commits + 1):
        stream += b"commit refs/heads/master\n"
        stream += b"mark :%d\n" % number
        stream += b"author Bench <bench@example.com> %d +0000\n" % (stamp + number * 60)
        stream += b"committer Bench <bench@example.com> %d +0000\n" % (stamp + number * 60)
        stream += _blob(f"change {number}")
        if number > 1:
            stream += b"from :%d\n" % (number - 1)
        if number == 1:
            for doc in ("prd.md", "fdd.md", "plan.md"):
                for pack in (PACK, MOVED_OLD):
                    stream += f"M 100644 inline {pack}/{doc}\n".encode() + _blob(_doc(doc, 0))
            stream += b"M 100644 inline mix.exs\n" + _blob("defmodule Bench.MixProject do\nend\n")
        elif number == moved_at:
            stream += f"R {MOVED_OLD} {MOVED_NEW}\n".encode()
        elif number % 4 == 0:
            stream += f"M 100644 inline {PACK}/prd.md\n".encode() + _blob(_doc("prd.md", number))
        elif number % 4 == 1:
            stream += f"M 100644 inline {PACK}/fdd.md\n".encode() + _blob(_doc("fdd.md", number))
        else:
            moved = MOVED_OLD if number < moved_at else MOVED_NEW
            if number % 8 == 2:
                stream += f"M 100644 inline {moved}/prd.md\n".encode() + _blob(_doc("prd.md", number))
            stream += f"M 100644 inline lib/bench/mod_{number % 50}.ex\n".encode() + _blob(
                f"defmodule Bench.Mod{number % 50} do\n  def v, do: {number}\nend\n"
            )
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "master"], cwd=root, check=True)


def git_log(root: Path, *args: str) -> int:
    out = subprocess.run(["git", "log", *args], cwd=root, capture_output=True, check=True).stdout
    return out.count(b"\ncommit ") + out.startswith(b"commit ")


def measure(root: Path, runs: int) -> list[tuple[str, list[float], list[float], int, int]]:
    from startup import StdioPeer

    cases = [
        ("prd.md (no move)", {"feature": "bench-pack", "doc": "prd"}, ["--", f"{PACK}/prd.md"]),
        ("whole pack", {"feature": "bench-pack"}, ["--", PACK]),
        (
            "moved pack's prd.md",
            {"feature": "moved", "doc": "prd"},
            ["--follow", "--", f"{MOVED_NEW}/prd.md"],
        ),
    ]
    results = []
    peer = StdioPeer([sys.executable, "-m", "torus_mcp", "serve", "--root", str(root)], root)
    try:
        peer.handshake()
        for label, arguments, log_args in cases:
            ours, theirs = [], []
            count = git_count = 0
            for run in range(runs + 1):  # the first run of each warms caches and imports
                started = time.perf_counter()
                result = peer.request(
                    "tools/call", {"name": "spec_history", "arguments": {**arguments, "limit": LIMIT}}
                )
                elapsed = time.perf_counter() - started
                if result.get("isError"):
                    raise RuntimeError(f"spec_history failed: {result.get('content')}")
                count = len(result["structuredContent"]["commits"])
                started = time.perf_counter()
                git_count = git_log(root, *log_args)
                baseline = time.perf_counter() - started
                if run:
                    ours.append(elapsed)
                    theirs.append(baseline)
            results.append((label, ours, theirs, count, git_count))
    finally:
        peer.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="torus-bench-history-") as scratch:
        root = Path(scratch) / "project"
        started = time.perf_counter()
        build_repository(root, args.commits)
        print(
            f"repository: {args.commits} commits written by git fast-import in {time.perf_counter() - started:.1f} s"
        )
        worst = 0.0
        for label, ours, theirs, count, git_count in measure(root, args.runs):
            ratio = statistics.median(o / t for o, t in zip(ours, theirs, strict=True))
            worst = max(worst, ratio)
            print(
                f"{label:<22} spec_history {statistics.median(ours) * 1000:7.1f} ms ({count} commits)   "
                f"git log {statistics.median(theirs) * 1000:7.1f} ms ({git_count} commits)   ratio {ratio:.2f}"
            )
        print(f"target: spec_history <= {TARGET}x git log (median of paired ratios, {args.runs} runs each)")
        print(f"{'PASS' if worst <= TARGET else 'FAIL'}: worst ratio {worst:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
