"""`torus-mcp test [PATH[:LINE] ...]`: run `mix test` in the project and print parsed results.

The same runner and summary as the `mix_test` tool (failures first, exact counts, the full log on
disk). Exit status: 0 when every test passed, 1 on failures, invalid tests, compile errors or a
timeout, 2 when mix could not be run (no mix, deps not fetched, Postgres down, a refused --env or
path), 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from torus_mcp.commands.compile import add_run_options, execute

if TYPE_CHECKING:
    from torus_mcp.mix.models import MixRun


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", help="test files or directories, optionally with :LINE")
    parser.add_argument("--failed", action="store_true", help="only the tests that failed last time")
    parser.add_argument("--stale", action="store_true", help="only tests whose code changed")
    parser.add_argument("--only", action="append", default=[], metavar="TAG", help="run only tests with TAG")
    parser.add_argument("--exclude", action="append", default=[], metavar="TAG", help="skip tests with TAG")
    parser.add_argument("--seed", type=int, default=None, help="seed for the test order")
    parser.add_argument("--max-failures", type=int, default=None, help="stop after N failures")
    parser.add_argument(
        "--warnings-as-errors", action="store_true", help="fail on compile warnings, as Torus CI does"
    )
    parser.add_argument(
        "--no-db-check", action="store_true", help="do not probe the Postgres that config/test.exs names"
    )
    add_run_options(parser)


def run(args: argparse.Namespace) -> int:
    from torus_mcp.mix.operations import TestSelection, test_project

    selection = TestSelection(
        paths=list(getattr(args, "paths", None) or []),
        failed_only=bool(getattr(args, "failed", False)),
        stale=bool(getattr(args, "stale", False)),
        only=list(getattr(args, "only", None) or []),
        exclude=list(getattr(args, "exclude", None) or []),
        seed=getattr(args, "seed", None),
        max_failures=getattr(args, "max_failures", None),
    )

    async def call(root: Path, env: dict[str, str], on_progress: object) -> MixRun:
        return await test_project(
            root,
            selection,
            warnings_as_errors=bool(getattr(args, "warnings_as_errors", False)),
            env=env,
            timeout=getattr(args, "timeout", None),
            on_progress=on_progress,  # type: ignore[arg-type]
            structured=not getattr(args, "text_only", False),
            check_db=not getattr(args, "no_db_check", False),
        )

    return execute("test", args, call)
