"""Fields of ExUnit failures and summaries, read off the raw captures by hand."""

from __future__ import annotations

import pytest

from tests.mix.parse.captures import VERSIONS, read_capture
from torus_mcp.mix.parse.scan import parse_test_output
from torus_mcp.mix.parse.test import parse_finished_line, parse_summary_line


def _by_name(rel: str) -> dict:
    result = parse_test_output(read_capture(rel))
    return {f.name: f for f in result.failures}


@pytest.mark.parametrize("version", VERSIONS)
def test_doctest_failure(version: str) -> None:
    failure = _by_name(f"{version}/test_seed0.combined")["doctest ElixirProbe.hello/0 (2)"]
    assert (failure.module, failure.file, failure.line, failure.kind) == (
        "ElixirProbeTest",
        "test/elixir_probe_test.exs",
        3,
        "doctest",
    )
    assert failure.message.splitlines()[0] == "Doctest failed"
    assert "  iex> ElixirProbe.add(1, 2)" in failure.message.splitlines()
    assert (failure.code, failure.left, failure.right) == ("ElixirProbe.add(1, 2) === 4", "3", "4")
    assert failure.stacktrace == ["lib/elixir_probe.ex:14: ElixirProbe (module)"]
    assert failure.exception is None


@pytest.mark.parametrize("version", VERSIONS)
def test_assertion_failure(version: str) -> None:
    failure = _by_name(f"{version}/test_seed0.combined")["test assertion with == and map diff"]
    assert (failure.file, failure.line, failure.kind, failure.message) == (
        "test/elixir_probe_test.exs",
        9,
        "failure",
        "Assertion with == failed",
    )
    assert (
        failure.code
        == 'assert %{a: 1, b: [1, 2, 3], c: "hello world"} == %{a: 1, b: [1, 2, 4], c: "hello word"}'
    )
    assert failure.left == '%{a: 1, b: [1, 2, 3], c: "hello world"}'
    assert failure.right == '%{a: 1, b: [1, 2, 4], c: "hello word"}'
    assert failure.stacktrace == ["test/elixir_probe_test.exs:10: (test)"]


@pytest.mark.parametrize("version", VERSIONS)
def test_raised_exceptions_are_errors(version: str) -> None:
    failures = _by_name(f"{version}/test_seed0.combined")
    raised = failures["test raises exception"]
    assert (raised.kind, raised.exception, raised.message) == (
        "error",
        "KeyError",
        "key :missing not found in: %{}",
    )
    assert raised.code == 'test "raises exception" do'
    assert (failures["test exit in test"].exception, failures["test exit in test"].message) == (
        "exit",
        ":shutdown_now",
    )
    assert failures["test throw in test"].exception == "throw"
    crash = failures["test linked process crash"]
    assert crash.exception.startswith("EXIT from #PID<") and crash.kind == "error"
    assert crash.message.splitlines()[0] == "an exception was raised:"
    assert "** (RuntimeError) crash in linked process" in crash.message
    timeout = failures["test times out"]
    assert timeout.exception == "ExUnit.TimeoutError"
    assert timeout.message.startswith("test timed out after 50ms. You can change the timeout:")
    assert timeout.message.splitlines()[-1].startswith('where "x" is the timeout given as integer')
    assert timeout.code == "Process.sleep(500)"
    assert timeout.stacktrace[1] == "test/elixir_probe_test.exs:58: (test)"
    assert len(timeout.stacktrace) == 5


@pytest.mark.parametrize("version", VERSIONS)
def test_setup_all_failure_and_duplicate_numbers(version: str) -> None:
    result = parse_test_output(read_capture(f"{version}/test_seed0.combined"))
    (setup_all,) = [f for f in result.failures if f.kind == "setup_all"]
    assert setup_all.module == "ElixirProbe.SetupAllFailTest"
    assert (setup_all.exception, setup_all.message) == ("RuntimeError", "setup_all blew up")
    assert setup_all.file == "test/setup_all_test.exs" and setup_all.line is None
    assert (
        setup_all.stacktrace[0]
        == "test/setup_all_test.exs:5: ElixirProbe.SetupAllFailTest.__ex_unit_setup_all_0/1"
    )
    numbers = [f.number for f in result.failures]
    if version == "1.18":
        # 1.18 numbers the setup_all failure 0 and prints it first.
        assert numbers[0] == 0 and result.failures[0] is setup_all
    else:
        # ExUnit numbers are not unique: the setup_all failure repeats the last number.
        assert numbers.count(19) == 2 and result.failures[-1] is setup_all


@pytest.mark.parametrize("version", VERSIONS)
def test_logger_output_between_failures_is_not_a_diagnostic(version: str) -> None:
    result = parse_test_output(read_capture(f"{version}/test_seed0.combined"))
    assert result.compile.errors == 0
    assert result.logged_error_count == 2
    assert result.logged_errors[0].startswith("Process #PID<")
    assert result.logged_errors[1] == "an error log line"


def test_seed_before_and_after_the_run() -> None:
    old = parse_test_output(read_capture("1.14/test_default.combined"))
    assert old.seed == 33807 and old.summary.seed == 33807  # "Randomized with seed" after the summary
    new = parse_test_output(read_capture("1.18/test_only_tag_no_match.combined"))
    assert new.seed == 126717 and new.summary.seed == 126717  # "Running ExUnit with seed" before the run


def test_durations() -> None:
    result = parse_test_output(read_capture("1.14/test_slowest_3.combined"))
    assert result.summary.duration_seconds == 0.5
    assert parse_finished_line("Finished in 1.2 seconds (0.3s on load, 0.1s async, 0.8s sync)") == (1.2, 0.3)
    assert parse_finished_line("Finished in 0.03 seconds (0.00s async, 0.03s sync)") == (0.03, None)
    assert parse_finished_line("Finished at noon") == (None, None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3 doctests, 23 tests, 19 failures, 1 excluded, 2 invalid, 2 skipped", (23, 19, 1, 2, 2, 3, None)),
        ("1 test, 0 failures", (1, 0, None, None, None, None, None)),
        ("2 doctests, 3 tests, 1 failure, 1 excluded, 2 skipped", (3, 1, 1, 2, None, 2, None)),
        # 1.19 leaves excluded tests out of the count and shows them last, in parentheses.
        ("3 tests, 0 failures (1 excluded)", (3, 0, 1, None, None, None, None)),
        ("2 tests, 1 failure (2 excluded)", (2, 1, 2, None, None, None, None)),
        ("3 doctests, 22 tests, 19 failures, 2 invalid, 2 skipped (1 excluded)", (22, 19, 1, 2, 2, 3, None)),
        ("5 properties, 10 tests, 1 failure", (10, 1, None, None, None, None, 5)),
    ],
)
def test_summary_lines(line: str, expected: tuple) -> None:
    s = parse_summary_line(line)
    assert s is not None
    assert (s.tests, s.failures, s.excluded, s.skipped, s.invalid, s.doctests, s.properties) == expected


@pytest.mark.parametrize("line", ["3 tests passed", "10 apples, 2 failures", "1 test", "tests, failures"])
def test_not_summary_lines(line: str) -> None:
    assert parse_summary_line(line) is None


def test_1_19_summary_lines_from_the_reconstruction() -> None:
    lines = [
        line
        for line in read_capture("1.19/test_summary_lines.reconstructed.txt").splitlines()
        if line and not line.startswith("#")
    ]
    summaries = [s for s in map(parse_summary_line, lines) if s is not None]
    assert [(s.tests, s.failures, s.excluded) for s in summaries] == [
        (3, 0, 1),
        (1, 0, 3),
        (2, 1, 2),
        (1, 1, 3),
    ]


def test_umbrella_runs_one_suite_per_app() -> None:
    result = parse_test_output(read_capture("1.14/umbrella/umbrella_test_app_a_fails.combined"))
    assert [(s.app, s.tests, s.failures) for s in result.summaries] == [("app_a", 1, 1), ("app_b", 1, 1)]
    assert (result.summary.tests, result.summary.failures) == (2, 2)
    # The failure location is relative to the umbrella root, the stacktrace to the child app.
    assert [(f.app, f.file, f.line) for f in result.failures] == [
        ("app_a", "apps/app_a/test/app_a_test.exs", 3),
        ("app_b", "apps/app_b/test/app_b_test.exs", 5),
    ]
    assert result.failures[0].stacktrace == ["test/app_a_test.exs:3: (test)"]


def test_umbrella_stops_at_a_failing_app() -> None:
    result = parse_test_output(read_capture("1.14/umbrella/umbrella_test_with_error_in_app_b.combined"))
    assert result.summary is None and result.failures == []
    assert [(d.app, d.severity) for d in result.compile.diagnostics] == [
        ("app_a", "warning"),
        ("app_a", "warning"),
        ("app_b", "error"),
    ]


def test_trace_mode_progress_lines_are_understood() -> None:
    result = parse_test_output(read_capture("1.14/test_trace_seed0.combined"))
    assert len(result.failures) == 19 and result.summary.failures == 18
    # `\r` rewrote each "* test" line in place; only the test's own stdout is left over.
    assert result.unparsed_sample == ["167: some stdout from test"]


def test_test_file_compile_errors() -> None:
    result = parse_test_output(read_capture("1.18/test_test_file_compile_error.combined"))
    assert result.summary is None
    assert [(d.file, d.line, d.kind) for d in result.compile.diagnostics] == [
        ("test/compile_error_test.exs", 4, "undefined_function"),
        ("test/compile_error_test.exs", None, "compile_error"),
    ]
    syntax = parse_test_output(read_capture("1.14/test_test_file_syntax_error.combined"))
    errors = [d for d in syntax.compile.diagnostics if d.severity == "error"]
    assert [(d.file, d.line, d.column, d.kind) for d in errors] == [
        ("test/syntax_error_test.exs", 7, 1, "syntax_error")
    ]


def test_run_level_outcomes() -> None:
    missing = parse_test_output(read_capture("1.18/test_nonexistent_path.combined"))
    assert missing.no_tests_reason == (
        'Paths given to "mix test" did not match any directory/file: test/nope_test.exs'
    )
    only = parse_test_output(read_capture("1.14/test_only_tag_no_match.combined"))
    assert only.no_tests_reason == 'The --only option was given to "mix test" but no test was executed'
    assert "All tests have been excluded." in only.notes
    wae = parse_test_output(
        read_capture("1.18/test_warnings_as_errors_passing_suite_with_test_warning.combined")
    )
    assert wae.warnings_as_errors_failed and wae.summary.failures == 0
    assert parse_test_output(read_capture("1.14/test_max_failures_1_seed0.combined")).max_failures_reached
    raised = parse_test_output(read_capture("1.14/test_raise_flag.combined"))
    assert raised.compile.mix_errors == ['"mix test" failed']


@pytest.mark.parametrize("version", VERSIONS)
def test_forced_colours_parse_like_plain_output(version: str) -> None:
    def key(rel: str) -> list[tuple]:
        # Module order differs between the two runs: compare as sorted lists.
        return sorted(
            (f.name, f.file, f.line, f.kind, f.exception, f.code, f.left, f.right)
            for f in parse_test_output(read_capture(rel)).failures
            if f.kind != "setup_all" and f.name != "test linked process crash"
        )

    assert key(f"{version}/test_color_forced_seed0.combined") == key(f"{version}/test_seed0.combined")


@pytest.mark.parametrize("version", VERSIONS)
def test_an_umbrella_run_keeps_the_seed_of_its_suites_in_the_combined_summary(version: str) -> None:
    # One suite per app, each with the seed (after its summary up to 1.16, before the run from 1.17).
    result = parse_test_output(read_capture(f"{version}/umbrella/umbrella_test_app_a_fails.combined"))
    assert [(s.app, s.seed) for s in result.summaries] == [("app_a", 0), ("app_b", 0)]
    assert result.summary is not None and (result.summary.seed, result.seed) == (0, 0)


def test_a_repeated_error_log_line_is_kept_once_and_counted_each_time() -> None:
    log = (
        "..\n12:00:01.000 [error] Postgrex.Protocol failed to connect: connection refused\n"
        "..\n12:00:02.000 [error] Postgrex.Protocol failed to connect: connection refused\n"
        "12:00:03.000 [error] an error log line\n\n"
        "Finished in 0.1 seconds\n4 tests, 0 failures\n"
    )
    result = parse_test_output(log)
    assert result.logged_errors == [
        "Postgrex.Protocol failed to connect: connection refused",
        "an error log line",
    ]
    assert result.logged_error_count == 3


def test_warning_and_info_log_lines_are_not_logged_errors() -> None:
    log = (
        "12:00:01.000 [warning] retrying the connection\n"
        "12:00:02.000 [info] started\n"
        "[warn] a bare warning\n\n"
        "Finished in 0.1 seconds\n1 test, 0 failures\n"
    )
    result = parse_test_output(log)
    assert (result.logged_errors, result.logged_error_count) == ([], 0)
