"""`mix format --check-formatted` output: the files it rejects, their diffs, unparsable files."""

from __future__ import annotations

import pytest

from tests.mix.parse.captures import read_capture
from torus_mcp.mix.parse.scan import parse_format_output


def test_1_14_lists_the_files() -> None:
    result = parse_format_output(read_capture("1.14/format_check_formatted_fail.combined"))
    assert result.unformatted_files == ["lib/warnings.ex", "lib/badly_formatted.ex"]
    assert result.diffs == {}
    assert result.check_failed and result.mix_errors == [] and result.unparsed_lines == 0


@pytest.mark.parametrize("version", ["1.15", "1.16", "1.18"])
def test_1_15_and_later_print_a_coloured_absolute_path_and_a_diff(version: str) -> None:
    raw = read_capture(f"{version}/format_check_formatted_fail.combined")
    assert "\x1b[31m" in raw  # red even though the output was piped
    result = parse_format_output(raw)
    path = "/home/dev/elixir_probe/lib/badly_formatted.ex"
    assert result.unformatted_files == [path]
    diff = result.diffs[path].splitlines()
    assert diff[0] == "1 1  |defmodule ElixirProbe.BadlyFormatted do"
    assert "2   -|  def f(a,b),   do: a+b" in diff
    assert "  2 +|  def f(a, b), do: a + b" in diff
    assert result.unparsed_lines == 0


def test_a_file_that_does_not_parse() -> None:
    result = parse_format_output(read_capture("1.14/format_check_formatted_syntax_error_file.combined"))
    (diag,) = result.diagnostics
    assert (diag.file, diag.line, diag.column, diag.exception, diag.kind) == (
        "lib/syntax_extra_end.ex",
        6,
        1,
        "SyntaxError",
        "syntax_error",
    )
    assert result.check_failed and result.unformatted_files == []


@pytest.mark.parametrize(
    "rel",
    ["1.14/format_check_formatted_single_file.combined", "1.14/format_check_formatted_dry_run.combined"],
)
def test_formatted_projects_print_nothing(rel: str) -> None:
    result = parse_format_output(read_capture(rel))
    assert not result.check_failed
    assert result.unformatted_files == [] and result.diagnostics == []


def test_several_files_with_diffs() -> None:
    text = (
        "** (Mix) mix format failed due to --check-formatted.\n"
        "The following files are not formatted:\n\n"
        "\x1b[1m\x1b[31m/app/lib/a.ex\n\x1b[0m\n"
        "1  -|x  = 1\n  1 +|x = 1\n     |\n\n"
        "\x1b[1m\x1b[31m/app/lib/b.ex\n\x1b[0m\n"
        "2  -|y=2\n  2 +|y = 2\n\n"
    )
    result = parse_format_output(text)
    assert result.unformatted_files == ["/app/lib/a.ex", "/app/lib/b.ex"]
    assert result.diffs["/app/lib/b.ex"] == "2  -|y=2\n  2 +|y = 2"


def test_the_file_list_ends_where_another_block_starts() -> None:
    # A pasted CI log goes on after the check; the next step's output names no unformatted file.
    log = (
        "** (Mix) mix format failed due to --check-formatted.\n"
        "The following files are not formatted:\n\n"
        "/home/ci/app/lib/bad.ex\n\n"
        "Compiling 2 files (.ex)\n"
        "Generated app app\n"
    )
    result = parse_format_output(log)
    assert result.unformatted_files == ["/home/ci/app/lib/bad.ex"]
