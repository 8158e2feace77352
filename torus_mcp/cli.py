"""The `torus-mcp` command: serve (default), demo, and the domain's command-line tools.

Subcommands live in `torus_mcp.commands.<name>` modules exposing `add_arguments(parser)` and
`run(args) -> int`; they import their heavy dependencies inside `run`, so building this parser stays
cheap and `serve` starts fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from collections.abc import Sequence

from torus_mcp import __version__

LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]
LOG_LEVEL_HELP = "log level (logs go to stderr; stdout belongs to the protocol)"

# name -> (module, one-line help). Modules that are not present in this build are left out.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "torus_mcp.commands.demo",
        "run the main job end to end on a copy of the bundled example project",
    ),
    "check": ("torus_mcp.commands.check", "check the workflow gates of spec packs (for CI)"),
    "drift": ("torus_mcp.commands.drift", "code and documents changed since a feature's plan was settled"),
    "lint": ("torus_mcp.commands.lint", "check the Torus coding guidelines on Elixir and HEEx files"),
    "compile": ("torus_mcp.commands.compile", "run mix compile and print parsed diagnostics"),
    "test": ("torus_mcp.commands.test", "run mix test and print parsed results"),
    "parse-mix": ("torus_mcp.commands.parse_mix", "parse a saved mix log into structured diagnostics"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="torus-mcp",
        description="MCP server for Torus spec-driven development. Without a subcommand: serve over stdio.",
    )
    parser.add_argument("--version", action="version", version=f"torus-mcp {__version__}")
    parser.add_argument("--log-level", default="WARNING", choices=LOG_LEVELS, help=LOG_LEVEL_HELP)
    # Every subcommand takes --root and --log-level too, so options may come in any order; the
    # subcommand's --log-level has no default of its own and so never hides the global one.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log-level", default=argparse.SUPPRESS, choices=LOG_LEVELS, help=LOG_LEVEL_HELP)
    common.add_argument(
        "--root",
        default=None,
        help="project root (default: TORUS_ROOT, the client's roots, or the nearest mix.exs above the cwd)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = sub.add_parser(
        "serve",
        help="serve MCP over stdio (the default) or Streamable HTTP (--http)",
        description="Serve MCP over stdio, or with --http over Streamable HTTP for a team.",
        parents=[common],
    )
    _add_http_arguments(serve)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        command = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def _add_http_arguments(serve: argparse.ArgumentParser) -> None:
    http = serve.add_argument_group(
        "Streamable HTTP",
        "Over HTTP the project root must be given (--root or TORUS_ROOT) and client roots are ignored. "
        "Resource subscriptions and change notifications to 2025-11-25 clients need the stateful mode "
        "(the default); --stateless answers resources/subscribe with an error.",
    )
    http.add_argument("--http", action="store_true", help="serve Streamable HTTP at http://HOST:PORT/mcp")
    http.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)"
    )
    http.add_argument("--port", type=int, default=8848, help="TCP port (default 8848)")
    http.add_argument(
        "--stateless",
        action="store_true",
        help="no sessions: every request stands alone, so several --workers can serve; no resources/subscribe",
    )
    http.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (above 1 needs --stateless)"
    )
    http.add_argument(
        "--token-file",
        default=None,
        help="file whose first line is the bearer token clients must send (else TORUS_MCP_TOKEN); "
        "required for a non-loopback --host",
    )
    http.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name clients use to reach the server, besides loopback and --host (repeatable)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(_with_default_command(args_list))
    logging.basicConfig(
        level=getattr(logging, args.log_level),
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    logging.getLogger("torus_mcp").setLevel(getattr(logging, args.log_level))
    if args.command in (None, "serve"):
        return _serve_http(args) if getattr(args, "http", False) else _serve(args.root)
    return int(args.run(args) or 0)


def _with_default_command(args: list[str]) -> list[str]:
    """Without a subcommand, `torus-mcp [options]` means `torus-mcp serve [options]`."""
    if any(a in {"serve", *SUBCOMMANDS} for a in args) or {"-h", "--help", "--version"} & set(args):
        return args
    return ["serve", *args]


def _serve(root: str | None) -> int:
    import anyio

    from torus_mcp.server import create_server
    from torus_mcp.server.protocol import run_stdio
    from torus_mcp.workspace import WorkspaceError

    try:
        server = create_server(root)
    except WorkspaceError as exc:
        print(f"torus-mcp: {exc}", file=sys.stderr)
        return 2
    # Everything built so far (modules, schemas, the server) lives as long as the process: keep it
    # out of the garbage collector's scans so parsing large spec packs pays only for its own objects.
    gc.freeze()
    anyio.run(run_stdio, server)
    return 0


def _serve_http(args: argparse.Namespace) -> int:
    import os

    from torus_mcp.server.http import HttpOptions, HttpSetupError, check_options, serve_http
    from torus_mcp.workspace import WorkspaceError

    root = args.root or os.environ.get("TORUS_ROOT")
    if not root:
        print(
            "torus-mcp: serve --http needs --root (or TORUS_ROOT): over HTTP the project is fixed by whoever "
            "runs the server, never chosen by a client.",
            file=sys.stderr,
        )
        return 2
    options = HttpOptions(
        root=root,
        host=args.host,
        port=args.port,
        stateless=args.stateless,
        workers=args.workers,
        token_file=args.token_file,
        allowed_hosts=tuple(args.allow_host),
        log_level=args.log_level,
    )
    try:
        token = check_options(options, os.environ)
        mode = "stateless" if options.stateless else "stateful"
        print(
            f"torus-mcp: serving {root} at {options.url} ({mode}, {options.workers} worker(s), "
            f"{'bearer token required' if token else 'no token: loopback only'})",
            file=sys.stderr,
        )
        serve_http(options, token)
    except (HttpSetupError, WorkspaceError) as exc:
        print(f"torus-mcp: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
