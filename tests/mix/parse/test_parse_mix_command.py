"""`torus-mcp parse-mix`: a saved log in, a digest out, an exit status CI can use."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mix.parse.captures import capture_path
from tests.shared_data import REPO_ROOT
from torus_mcp.commands import parse_mix


def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    parse_mix.add_arguments(parser)
    args = parser.parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    args.stdout, args.stderr, args.stdin = out, err, io.StringIO(stdin)
    return parse_mix.run(args), out.getvalue(), err.getvalue()


def test_json_digest_of_a_test_run() -> None:
    code, out, err = _run(str(capture_path("1.16/test_seed0.combined")), "--format", "json", "--limit", "4")
    assert code == 1 and err == ""
    data = json.loads(out)
    assert data["command"] == "test" and data["ok"] is False
    assert data["tests"]["failures"] == 19 and data["tests"]["invalid"] == 2
    assert data["failures"]["total"] == 20 and len(data["failures"]["shown"]) == 4
    assert data["diagnostics"]["warnings"] == 3


def test_warnings_only_exit_zero_and_text_lists_them() -> None:
    code, out, _ = _run(str(capture_path("1.18/compile_warnings_clean_build.combined")), "--limit", "2")
    assert code == 0
    assert "compiler: 0 errors, 22 warnings" in out
    assert "src/probe_erl.erl:4:3: warning: variable 'X' is unused [unused_variable]" in out
    assert "… 20 more in the log" in out


def test_errors_exit_one() -> None:
    code, out, _ = _run(str(capture_path("1.14/compile_error_syntax_extra_end.combined")))
    assert code == 1
    assert "lib/syntax_extra_end.ex:6:1: error: unexpected reserved word: end [syntax_error]" in out


def test_stdin() -> None:
    text = capture_path("1.18/format_check_formatted_fail.combined").read_text()
    code, out, _ = _run("-", "--format", "json", stdin=text)
    assert code == 1
    assert json.loads(out)["unformatted_files"] == ["/home/dev/elixir_probe/lib/badly_formatted.ex"]


def test_forced_kind() -> None:
    code, out, _ = _run(
        str(capture_path("1.14/test_lib_compile_error.combined")), "--as", "test", "--format", "json"
    )
    data = json.loads(out)
    assert code == 1 and data["command"] == "test" and data["diagnostics"]["errors"] == 1


def test_github_annotations() -> None:
    code, out, _ = _run(
        str(capture_path("1.18/umbrella/umbrella_test_app_a_fails.combined")), "--format", "github"
    )
    lines = out.splitlines()
    assert code == 1
    assert (
        '::warning file=apps/app_a/lib/app_a.ex,line=3,col=5,title=unused_variable::variable "unused" is unused '
        "(if the variable is not meant to be used, prefix it with an underscore)"
    ) in lines
    failure = next(
        line for line in lines if line.startswith("::error file=apps/app_a/test/app_a_test.exs,line=3")
    )
    assert "title=test fails (AppATest)" in failure
    assert (
        "::Assertion with == failed%0Acode: assert AppA.hello(1) == :other%0Aleft: :world%0Aright: :other"
        in failure
    )
    assert lines[-1] == "mix test: 0 errors, 4 warnings, 2 tests, 2 failures"


def test_github_escapes_properties_and_multi_line_messages() -> None:
    _, out, _ = _run(str(capture_path("1.14/compile_warnings_clean_build.combined")), "--format", "github")
    field = next(line for line in out.splitlines() if "undefined field" in line)
    assert "\n" not in field and "%0A" in field
    # Both locations of a warning found at two places get an annotation.
    assert sum("NoSuchModule.call/0 is undefined" in line for line in out.splitlines()) == 2


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = _run(str(tmp_path / "nope.log"))
    assert code == 2 and out == ""
    assert "cannot read" in err and "- to read it from standard input" in err
    code, _, err = _run(str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    log = tmp_path / "ci.log"
    log.write_bytes(b"warning: unused alias X\xff\n  lib/a.ex:3\n")
    code, out, _ = _run(str(log), "--format", "json")
    assert code == 0 and json.loads(out)["diagnostics"]["warnings"] == 1


@pytest.mark.skipif(
    not (REPO_ROOT / "torus_mcp" / "cli.py").exists(), reason="the torus-mcp dispatcher is not built yet"
)
def test_through_the_torus_mcp_command() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torus_mcp",
            "parse-mix",
            str(capture_path("1.15/test_seed0.combined")),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["tests"]["tests"] == 23
