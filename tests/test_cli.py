"""The command line: serve is the default, and global options may come before or after it."""

from __future__ import annotations

import pytest

from torus_mcp.cli import _with_default_command, build_parser


@pytest.mark.parametrize(
    "argv",
    [
        ["--log-level", "INFO", "--root", "/p"],
        ["--root", "/p", "--log-level", "INFO"],
        ["serve", "--root", "/p", "--log-level", "INFO"],
        ["--log-level", "INFO", "serve", "--root", "/p"],
    ],
)
def test_serve_is_the_default_and_options_go_anywhere(argv: list[str]) -> None:
    args = build_parser().parse_args(_with_default_command(argv))
    assert (args.command, args.root, args.log_level) == ("serve", "/p", "INFO")


def test_a_subcommand_keeps_the_global_log_level_unless_it_sets_its_own() -> None:
    parser = build_parser()
    assert parser.parse_args(["--log-level", "DEBUG", "check"]).log_level == "DEBUG"
    assert parser.parse_args(["check", "--log-level", "ERROR"]).log_level == "ERROR"
    assert parser.parse_args(["check"]).log_level == "WARNING"
