"""`torus-mcp compile` and `torus-mcp test`: the runner from a terminal, with real mix."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from torus_mcp.cli import main
from torus_mcp.commands import compile as compile_command
from torus_mcp.commands import test as test_command

pytestmark = pytest.mark.mix


def _args(module: object, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root")
    module.add_arguments(parser)  # type: ignore[attr-defined]
    args = parser.parse_args(argv)
    args.stdout, args.stderr = io.StringIO(), io.StringIO()
    return args


def test_compile_prints_the_tool_summary_as_json(built_projects: dict[str, Path]) -> None:
    args = _args(compile_command, ["--root", str(built_projects["warnings_app"]), "--format", "json"])
    assert compile_command.run(args) == 0
    payload = json.loads(args.stdout.getvalue())
    assert payload["ok"] is True and payload["exit_code"] == 0
    assert payload["diagnostics"]["warnings"] == 7
    assert payload["structured_source"] == "json"
    assert payload["log_uri"] == f"torus://runs/{payload['run_id']}/log"


def test_compile_with_warnings_as_errors_fails(built_projects: dict[str, Path]) -> None:
    args = _args(compile_command, ["--root", str(built_projects["warnings_app"]), "--warnings-as-errors"])
    assert compile_command.run(args) == 1
    text = args.stdout.getvalue()
    assert "7 warnings" in text and "warnings-as-errors" in text


def test_test_prints_failures_first_and_exits_1(built_projects: dict[str, Path]) -> None:
    args = _args(test_command, ["--root", str(built_projects["test_outcomes_app"]), "--seed", "0"])
    assert test_command.run(args) == 1
    text = args.stdout.getvalue()
    assert "8 tests, 3 failures" in text
    assert "test/outcomes_test.exs:9: test fails an equality assertion" in text
    assert "full log:" in text


def test_the_dispatcher_runs_the_test_command(
    built_projects: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = built_projects["test_outcomes_app"]
    assert main(["test", "--root", str(root), "test/outcomes_test.exs:5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("mix test: ok")
    assert "4 tests, 0 failures, 2 doctests, 5 excluded" in out


def test_problems_before_mix_runs_exit_2(tmp_path: Path) -> None:
    args = _args(compile_command, ["--root", str(tmp_path)])
    assert compile_command.run(args) == 2
    assert "has no mix.exs" in args.stderr.getvalue()
    (tmp_path / "mix.exs").write_text("")
    args = _args(test_command, ["--root", str(tmp_path), "--env", "ERL_FLAGS=-s init stop"])
    assert test_command.run(args) == 2
    assert "ERL_FLAGS is not allowed" in args.stderr.getvalue()
    args = _args(test_command, ["--root", str(tmp_path), "--env", "MIX_ENV"])
    assert test_command.run(args) == 2
    assert "not NAME=VALUE" in args.stderr.getvalue()
