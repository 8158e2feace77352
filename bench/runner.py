"""Runner overhead against plain `mix compile`, in one process, interleaved.

Each repetition runs, in turn and on the same already-compiled copy of the warnings fixture:

    plain     subprocess.run([mix, "compile", "--all-warnings"]) with output captured
    runner    run_mix(root, ["compile", "--all-warnings"]): lock, run record, log file, progress,
              process-group handling
    tool      compile_project(root): what the `mix_compile` tool does (helpers injected, JSON read,
              text parsed, results merged)

Target: median(runner) <= 1.05 * median(plain) + 100 ms. The tool line is reported for context
(its mix command differs: it loads the helper modules before mix starts).

    python bench/runner.py [--reps N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

from torus_mcp.mix.operations import compile_project
from torus_mcp.mix.run.runner import run_mix

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "elixir" / "warnings_app"
ARGS = ["compile", "--all-warnings"]


def plain(root: Path, mix: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [mix, *ARGS],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=True,
    )
    return time.perf_counter() - started


async def runner(root: Path) -> float:
    started = time.perf_counter()
    run = await run_mix(root, ARGS, timeout=300)
    assert run.exit_code == 0, run.output
    return time.perf_counter() - started


async def tool(root: Path) -> float:
    started = time.perf_counter()
    result = await compile_project(root)
    assert result.exit_code == 0 and result.compile is not None and result.compile.warnings == 7
    return time.perf_counter() - started


async def main(reps: int) -> int:
    mix = shutil.which("mix")
    if mix is None:
        print("mix is not on PATH; install Elixir (apt-get install elixir) to run this benchmark")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "warnings_app"
        shutil.copytree(FIXTURE, root)
        subprocess.run([mix, "compile"], cwd=root, stdin=subprocess.DEVNULL, capture_output=True, check=False)
        # Warm-up: the helper cache, the OS page cache, the first import of each module.
        plain(root, mix)
        await runner(root)
        await tool(root)
        times: dict[str, list[float]] = {"plain": [], "runner": [], "tool": []}
        for _ in range(reps):
            times["plain"].append(plain(root, mix))
            times["runner"].append(await runner(root))
            times["tool"].append(await tool(root))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"{name:7s} median {medians[name] * 1000:7.1f} ms   "
            f"min {min(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms   (n={len(values)})"
        )
    budget = 1.05 * medians["plain"] + 0.100
    ratio = medians["runner"] / medians["plain"]
    print(
        f"runner / plain = {ratio:.3f}x  (budget {budget * 1000:.0f} ms: {'OK' if medians['runner'] <= budget else 'OVER'})"
    )
    print(f"tool / plain   = {medians['tool'] / medians['plain']:.3f}x")
    return 0 if medians["runner"] <= budget else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=9)
    sys.exit(anyio.run(main, parser.parse_args().reps))
