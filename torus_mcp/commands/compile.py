"""`torus-mcp compile`: run `mix compile --all-warnings` in the project and print parsed diagnostics.

The same operation and result as the `mix_compile` tool (`mix.operations.compile_project`, then
`mix.summary.report_run`): a readable digest by default, the tool's JSON with `--format json`.
Exit status: 0 when the build has no errors (warnings alone are fine; use --warnings-as-errors as
Torus CI does), 1 when it has problems or timed out, 2 when mix could not be run (no mix, no
mix.exs, deps not fetched, a refused --env, ...), 130 on Ctrl-C.

`add_run_options` and `report` are shared with `torus-mcp test`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from torus_mcp.mix.models import MixRun
    from torus_mcp.mix.run.progress import ProgressEvent
    from torus_mcp.mix.summary import MixReport


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="recompile every file (mix compile --force)")
    parser.add_argument(
        "--warnings-as-errors", action="store_true", help="fail on any warning, as Torus CI does"
    )
    add_run_options(parser)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment for mix, e.g. MIX_ENV=test (names must be allowed by [mix] env_allowlist)",
    )
    parser.add_argument("--timeout", type=float, default=None, help="seconds before mix is killed")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text for people, json for tools"
    )
    parser.add_argument(
        "--limit", type=int, default=20, help="diagnostics and failures shown in full (-1: all; default 20)"
    )
    parser.add_argument(
        "--text-only",
        action="store_true",
        help="parse mix's text output only, without the injected Elixir helpers",
    )
    parser.add_argument(
        "--progress", action="store_true", help="print progress lines to stderr while mix runs"
    )


def run(args: argparse.Namespace) -> int:
    from torus_mcp.mix.operations import compile_project

    async def call(root: Path, env: dict[str, str], on_progress: object) -> MixRun:
        return await compile_project(
            root,
            force=bool(getattr(args, "force", False)),
            warnings_as_errors=bool(getattr(args, "warnings_as_errors", False)),
            env=env,
            timeout=getattr(args, "timeout", None),
            on_progress=on_progress,  # type: ignore[arg-type]
            structured=not getattr(args, "text_only", False),
        )

    return execute("compile", args, call)


def execute(name: str, args: argparse.Namespace, call: object) -> int:
    """Resolve the root, parse --env, run `call(root, env, on_progress)` and report; see the module doc."""
    import anyio

    from torus_mcp.mix.run.preflight import MixPreflightError
    from torus_mcp.mix.run.settings import MixEnvError, MixSettingsError
    from torus_mcp.mix.summary import report_run
    from torus_mcp.workspace import WorkspaceError, resolve_root

    stdout: TextIO = getattr(args, "stdout", None) or sys.stdout
    stderr: TextIO = getattr(args, "stderr", None) or sys.stderr
    try:
        root = resolve_root(getattr(args, "root", None), os.environ, None, Path.cwd()).root
        env = parse_env(getattr(args, "env", None) or [])
    except (WorkspaceError, ValueError) as exc:
        print(f"{name}: {exc}", file=stderr)
        return 2

    async def progress(event: ProgressEvent) -> None:
        print(f"[{event.elapsed_seconds:5.0f}s] {event.message}", file=stderr, flush=True)

    on_progress = progress if getattr(args, "progress", False) else None
    try:
        run = anyio.run(call, root, env, on_progress)  # type: ignore[arg-type]
    except (MixPreflightError, MixEnvError, MixSettingsError, ValueError) as exc:
        print(f"{name}: {exc}", file=stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{name}: interrupted; mix was stopped", file=stderr)
        return 130
    return report(report_run(run, limit=getattr(args, "limit", 20)), args, stdout)


def parse_env(pairs: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--env {pair!r} is not NAME=VALUE, e.g. --env MIX_ENV=test")
        env[name] = value
    return env


def report(result: MixReport, args: argparse.Namespace, out: TextIO) -> int:
    """Print the run as the tools return it; 1 when it shows problems, else 0."""
    import json

    from torus_mcp.commands.parse_mix import _write_text

    if getattr(args, "format", "text") == "json":
        # The tool's structured content; the command has always named its `source` this way.
        payload = {
            ("structured_source" if key == "source" else key): value
            for key, value in result.model_dump(mode="json").items()
        }
        out.write(json.dumps(payload, indent=2) + "\n")
    else:
        _write_text(result, out)
        if result.timed_out:
            print(
                f"timed out after {result.duration_seconds:.0f}s; mix and its processes were stopped",
                file=out,
            )
        if result.dropped_bytes:
            print(f"output: {result.dropped_bytes} bytes were kept only in the log", file=out)
        if result.fallback_reason and result.source == "text" and result.fallback_reason != "not requested":
            print(f"note: parsed from mix's text ({result.fallback_reason})", file=out)
        duration = f" in {result.duration_seconds:.1f}s" if result.duration_seconds is not None else ""
        print(
            f"exit code {result.exit_code}{duration}; full log: {result.log_path} (run {result.run_id})",
            file=out,
        )
    return 0 if result.ok else 1
