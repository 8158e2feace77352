"""Odd, cut-short and hostile input: the parsers never raise and say what they did not understand."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mix.parse.captures import read_capture
from torus_mcp.mix.parse.scan import (
    parse_compile_output,
    parse_format_output,
    parse_mix_output,
    parse_test_output,
)

SOURCES = [
    "1.14/test_seed0.combined",
    "1.18/test_seed0.combined",
    "1.16/compile_warnings_clean_build.combined",
    "1.18/compile_error_unterminated_string.combined",
    "1.14/umbrella/umbrella_test_app_a_fails.combined",
    "1.15/format_check_formatted_fail.combined",
]
# Real lines to recombine: the fuzzer then reaches deep into block parsers, not just the dispatch.
_LINES = sorted({line for rel in SOURCES for line in read_capture(rel).splitlines()})


@pytest.mark.parametrize("rel", SOURCES)
def test_every_truncation_of_a_capture_parses(rel: str) -> None:
    lines = read_capture(rel).splitlines(keepends=True)
    full = parse_mix_output("".join(lines))
    for cut in range(len(lines)):
        result = parse_mix_output("".join(lines[:cut]))
        assert result.command in ("compile", "test", "format", "unknown")
    assert full.command != "unknown"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_LINES), st.text(max_size=40)), max_size=60))
def test_shuffled_real_lines_never_raise(lines: list[str]) -> None:
    text = "\n".join(lines)
    parse_mix_output(text)
    parse_test_output(text)
    parse_format_output(text)
    result = parse_compile_output(text)
    assert result.errors + result.warnings + result.infos == len(result.diagnostics)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    parse_mix_output(text)


@pytest.mark.parametrize(
    "text",
    [
        "warning: cut short",
        "    warning: cut short\n    │",
        "    warning: blank gutter\n    \n    └─ lib/a.ex:1:1",
        "== Compilation error in file lib/a.ex ==",
        "== Compilation error in file lib/a.ex ==\n** (CompileError)",
        "** (",
        "  1) test cut short (M)",
        "  1) test x (M)\n     test/x_test.exs:3\n     code:",
        "The following files are not formatted:",
        "mix format failed for file: lib/a.ex",
        "20:00:00.000 [error]",
        "\x00\x01\x02 binary \xff junk",
        "\r\r\r",
        "└─",
        "  lib/a.ex:1: location without a warning",
    ],
)
def test_fragments(text: str) -> None:
    for parse in (parse_mix_output, parse_compile_output, parse_test_output, parse_format_output):
        parse(text)


def test_unknown_lines_are_counted_and_sampled() -> None:
    text = "\n".join(f"something else {n}" for n in range(50))
    result = parse_compile_output(text)
    assert result.unparsed_lines == 50
    assert len(result.unparsed_sample) == 10
    assert result.unparsed_sample[0] == "1: something else 0"
    assert parse_mix_output(text).command == "unknown"


def test_location_with_a_windows_drive() -> None:
    (diag,) = parse_compile_output(
        "    warning: unused alias X\n    └─ C:/proj/lib/a.ex:3:5: A (module)\n"
    ).diagnostics
    assert (diag.file, diag.line, diag.column, diag.context) == ("C:/proj/lib/a.ex", 3, 5, "A (module)")


def test_hint_after_the_location_belongs_to_the_warning() -> None:
    text = (
        "    warning: Foo.bar/0 is undefined or private\n"
        "    │\n"
        "  3 │   Foo.bar()\n"
        "    │       ~\n"
        "    │\n"
        "    └─ lib/a.ex:3:7: A.f/0\n"
        "    hint: did you mean Foo.baz/0?\n"
        "\n"
        "    warning: unused alias B\n"
        "    └─ lib/a.ex:1:1\n"
    )
    first, second = parse_compile_output(text).diagnostics
    assert first.message.splitlines() == [
        "Foo.bar/0 is undefined or private",
        "hint: did you mean Foo.baz/0?",
    ]
    assert (second.line, second.kind) == (1, "unused_alias")


def test_warning_without_location_then_another_warning() -> None:
    text = "warning: redefining module Foo (current version defined in memory)\nwarning: unused alias B\n  lib/a.ex:2\n"
    first, second = parse_compile_output(text).diagnostics
    assert (first.file, first.kind) == (None, "redefined_module")
    assert (second.file, second.line) == ("lib/a.ex", 2)


def test_huge_left_value_is_kept_whole_by_the_parser() -> None:
    big = "[" + ", ".join(str(n) for n in range(50_000)) + "]"
    text = (
        "  1) test big (M)\n     test/m_test.exs:3\n     Assertion with == failed\n"
        f"     code:  assert x == y\n     left:  {big}\n     right: []\n     stacktrace:\n"
        "       test/m_test.exs:4: (test)\n\n1 test, 1 failure\n"
    )
    (failure,) = parse_test_output(text).failures
    assert failure.left == big and failure.right == "[]"


def test_deadlock_note_without_its_closing_advice_stops_at_the_next_block() -> None:
    text = (
        "Compilation failed because of a deadlock between files.\n"
        "The following files depended on the following modules:\n\n"
        "  lib/a.ex => B\n\n"
        "warning: unused alias X\n  lib/c.ex:1\n"
    )
    result = parse_compile_output(text)
    assert result.notes == [
        "Compilation failed because of a deadlock between files.\n"
        "The following files depended on the following modules:\nlib/a.ex => B"
    ]
    assert [(d.file, d.kind) for d in result.diagnostics] == [("lib/c.ex", "unused_alias")]


def test_a_log_entry_ends_where_the_next_report_begins() -> None:
    text = (
        "12:00:00.000 [error] Postgrex.Protocol (#PID<0.1.0>) failed to connect: ** (DBConnection.ConnectionError) "
        "tcp connect (localhost:5432): connection refused - :econnrefused\n"
        "  1) test needs the db (MyApp.RepoTest)\n     test/repo_test.exs:5\n"
        "     ** (DBConnection.ConnectionError) connection not available\n\n"
        "1 test, 1 failure\n"
    )
    result = parse_test_output(text)
    assert result.logged_error_count == 1
    assert result.logged_errors[0].startswith("Postgrex.Protocol (#PID<0.1.0>) failed to connect")
    (failure,) = result.failures
    assert (failure.exception, failure.kind) == ("DBConnection.ConnectionError", "error")
