"""Counts for every captured mix run (tests/data/elixir-outputs, copied from ../shared).

Each row was counted by hand once from the raw capture (and cross-checked with grep): warnings,
errors, numbered ExUnit failure blocks, the summary line as (tests, failures, excluded, skipped,
invalid, doctests) added up over umbrella apps, and the seed. Where a `.diagnostics.jsonl` or
`.results.jsonl` exists, test_json_truth.py compares against it instead of trusting this table.

Notes on counts that look odd:
- 1.15+ print `error: ...` for each error and then `** (CompileError) ... cannot compile module X
  (errors have been logged)`: that is two errors, as Mix's own diagnostics (and the JSON) say.
- The `[error]` Logger lines of the linked-process test (`** (RuntimeError) crash in linked
  process`) are log output, not compiler errors: none of the test runs has a compile error.
- `--trace` runs have 19 failure blocks but 18 failures: the timeout test passes under --trace.
- `test_formatter_not_loaded` and `test_json_formatter_via_ERL_FLAGS_pa` replaced ExUnit's CLI
  formatter, so the text has compile warnings and no test report at all.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from tests.mix.parse.captures import CAPTURES, read_capture
from torus_mcp.mix.parse.scan import (
    LogScan,
    parse_compile_output,
    parse_mix_output,
    parse_test_output,
    scan_log,
)


class Expect(NamedTuple):
    command: str
    warnings: int
    errors: int
    failure_blocks: int
    summary: tuple[int | None, ...] | None
    seed: int | None
    flags: frozenset[str] = frozenset()


COUNTS: dict[str, Expect] = {
    "1.14/code_with_diagnostics_demo.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.14/compile_after_wae_failure_noop.combined": Expect("compile", 19, 0, 0, None, None),
    "1.14/compile_all_warnings_noop.combined": Expect("compile", 22, 0, 0, None, None),
    "1.14/compile_diagnostics_task_error.combined": Expect("compile", 1, 1, 0, None, None),
    "1.14/compile_diagnostics_task_force_warnings.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/compile_diagnostics_task_noop.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.14/compile_diagnostics_task_noop_all_warnings.combined": Expect("compile", 22, 0, 0, None, None),
    "1.14/compile_diagnostics_task_syntax_error.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_bad_pattern_compile_error.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_bad_pattern_compile_error_return_errors.combined": Expect(
        "compile", 0, 1, 0, None, None
    ),
    "1.14/compile_error_mismatched_delimiter.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_mismatched_delimiter_return_errors.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_raise_in_module_body.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_raise_in_module_body_return_errors.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_struct_deadlock.combined": Expect("compile", 0, 2, 0, None, None),
    "1.14/compile_error_syntax_extra_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_syntax_extra_end_return_errors.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_token_missing_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_token_missing_end_return_errors.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_two_files.combined": Expect("compile", 1, 1, 0, None, None),
    "1.14/compile_error_undefined_local_function.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_undefined_local_function_return_errors.combined": Expect(
        "compile", 0, 1, 0, None, None
    ),
    "1.14/compile_error_undefined_macro_require.combined": Expect("compile", 1, 0, 0, None, None),
    "1.14/compile_error_undefined_macro_require_return_errors.combined": Expect(
        "unknown", 0, 0, 0, None, None
    ),
    "1.14/compile_error_undefined_struct.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_undefined_struct_return_errors.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_undefined_variable.combined": Expect("compile", 1, 1, 0, None, None),
    "1.14/compile_error_undefined_variable_pty.combined": Expect("compile", 1, 1, 0, None, None),
    "1.14/compile_error_undefined_variable_return_errors.combined": Expect("compile", 1, 1, 0, None, None),
    "1.14/compile_error_unterminated_string.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_unterminated_string_return_errors.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/compile_error_warning_plus_error.combined": Expect("compile", 1, 1, 0, None, None),
    "1.14/compile_error_warning_plus_error_return_errors.combined": Expect("compile", 1, 1, 0, None, None),
    "1.14/compile_force.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/compile_force_ansi_enabled_via_erl.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/compile_force_pty_NO_COLOR.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/compile_force_pty_tty_colors.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/compile_force_return_errors_warnings_only.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/compile_force_verbose.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/compile_force_warnings_as_errors.combined": Expect(
        "compile", 21, 0, 0, None, None, frozenset({"compile_wae"})
    ),
    "1.14/compile_list.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.14/compile_noop_second_run.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.14/compile_warnings_clean_build.combined": Expect("compile", 21, 0, 0, None, None),
    "1.14/deps/deps_get_git_unreachable.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/deps/deps_get_no_hex_stdin_devnull.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/deps/deps_missing_mix_compile.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/deps/deps_missing_mix_compile_no_deps_check.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/deps/deps_missing_mix_test.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/deps/deps_missing_path_and_git_mix_compile.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/deps/deps_missing_path_and_git_mix_test.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/deps/deps_path_dep_without_mix_exs.combined": Expect(
        "compile", 0, 0, 0, None, None, frozenset({"mix_errors=1"})
    ),
    "1.14/format_check_formatted_dry_run.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.14/format_check_formatted_fail.combined": Expect(
        "format", 0, 0, 0, None, None, frozenset({"unformatted=2"})
    ),
    "1.14/format_check_formatted_single_file.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.14/format_check_formatted_syntax_error_file.combined": Expect("format", 0, 1, 0, None, None),
    "1.14/format_stdin_dash.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.14/test_all_pass_single_file.combined": Expect("test", 0, 0, 0, (2, 0, None, None, None, None), 0),
    "1.14/test_all_pass_single_file_trace.combined": Expect(
        "test", 0, 0, 0, (2, 0, None, None, None, None), 0
    ),
    "1.14/test_color_forced_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_default.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 33807),
    "1.14/test_exit_status_7.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_failed_rerun.combined": Expect("test", 3, 0, 19, (18, 18, None, None, 2, 2), 0),
    "1.14/test_file_only.combined": Expect("test", 0, 0, 3, (4, 2, None, None, 2, None), 0),
    "1.14/test_formatter_not_loaded.combined": Expect("compile", 3, 0, 0, None, None),
    "1.14/test_include_skip_and_slow_seed0.combined": Expect("test", 3, 0, 22, (23, 21, None, None, 2, 3), 0),
    "1.14/test_json_formatter_via_ELIXIR_ERL_OPTIONS_pa.combined": Expect(
        "test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0
    ),
    "1.14/test_json_formatter_via_ERL_FLAGS_pa.combined": Expect("compile", 3, 0, 0, None, None),
    "1.14/test_json_formatter_via_elixir_r.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_lib_compile_error.combined": Expect("compile", 0, 1, 0, None, None),
    "1.14/test_max_failures_1_seed0.combined": Expect(
        "test", 3, 0, 1, (3, 1, 1, 2, None, 2), 0, frozenset({"max_failures"})
    ),
    "1.14/test_misnamed_test_file_ex_extension.combined": Expect(
        "test", 0, 0, 0, (2, 0, None, None, None, None), 0
    ),
    "1.14/test_nonexistent_path.combined": Expect("test", 0, 0, 0, None, None, frozenset({"no_tests"})),
    "1.14/test_only_line.combined": Expect("test", 3, 0, 1, (19, 1, 21, None, None, 3), 0),
    "1.14/test_only_tag_no_match.combined": Expect(
        "test", 3, 0, 0, (23, 0, 26, None, None, 3), 372084, frozenset({"no_tests"})
    ),
    "1.14/test_passing_suite_with_test_warning.combined": Expect(
        "test", 1, 0, 0, (1, 0, None, None, None, None), 0
    ),
    "1.14/test_pty_no_color_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_pty_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_raise_flag.combined": Expect(
        "test", 0, 0, 3, (4, 2, None, None, 2, None), 0, frozenset({"mix_errors=1"})
    ),
    "1.14/test_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_seed0_again_same_order.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_slowest_3.combined": Expect("test", 3, 0, 19, (23, 18, 1, 2, 2, 3), 0),
    "1.14/test_test_file_compile_error.combined": Expect("test", 0, 1, 0, None, None),
    "1.14/test_test_file_syntax_error.combined": Expect("test", 3, 1, 0, None, None),
    "1.14/test_trace_seed0.combined": Expect("test", 3, 0, 19, (23, 18, 1, 2, 2, 3), 0),
    "1.14/test_warnings_as_errors_passing_suite_with_test_warning.combined": Expect(
        "test", 1, 0, 0, (1, 0, None, None, None, None), 0, frozenset({"test_wae"})
    ),
    "1.14/test_warnings_as_errors_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.14/test_with_lib_compile_warnings_seed0.combined": Expect(
        "test", 21, 0, 3, (4, 2, None, None, 2, None), 0
    ),
    "1.14/umbrella/umbrella_cmd_test.combined": Expect("test", 0, 1, 1, (1, 1, None, None, None, None), 0),
    "1.14/umbrella/umbrella_compile_ok.combined": Expect("compile", 2, 0, 0, None, None),
    "1.14/umbrella/umbrella_compile_warning_and_error.combined": Expect("compile", 2, 1, 0, None, None),
    "1.14/umbrella/umbrella_diagnostics_task.combined": Expect("compile", 2, 1, 0, None, None),
    "1.14/umbrella/umbrella_test_app_a_fails.combined": Expect(
        "test", 0, 0, 2, (2, 2, None, None, None, None), 0, frozenset({"summaries=2"})
    ),
    "1.14/umbrella/umbrella_test_inside_child_app.combined": Expect(
        "test", 0, 0, 1, (1, 1, None, None, None, None), 0
    ),
    "1.14/umbrella/umbrella_test_path_from_root.combined": Expect(
        "test", 0, 0, 1, (1, 1, None, None, None, None), 0
    ),
    "1.14/umbrella/umbrella_test_with_error_in_app_b.combined": Expect("compile", 2, 1, 0, None, None),
    "1.15/code_with_diagnostics_demo.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.15/compile_after_wae_failure_noop.combined": Expect("compile", 21, 0, 0, None, None),
    "1.15/compile_all_warnings_noop.combined": Expect("compile", 22, 0, 0, None, None),
    "1.15/compile_diagnostics_task_error.combined": Expect("compile", 1, 2, 0, None, None),
    "1.15/compile_diagnostics_task_force_warnings.combined": Expect("compile", 21, 0, 0, None, None),
    "1.15/compile_diagnostics_task_noop.combined": Expect("compile", 22, 0, 0, None, None),
    "1.15/compile_diagnostics_task_syntax_error.combined": Expect("compile", 0, 1, 0, None, None),
    "1.15/compile_error_bad_pattern_compile_error.combined": Expect("compile", 0, 2, 0, None, None),
    "1.15/compile_error_mismatched_delimiter.combined": Expect("compile", 0, 1, 0, None, None),
    "1.15/compile_error_raise_in_module_body.combined": Expect("compile", 0, 1, 0, None, None),
    "1.15/compile_error_struct_deadlock.combined": Expect("compile", 0, 2, 0, None, None),
    "1.15/compile_error_syntax_extra_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.15/compile_error_token_missing_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.15/compile_error_two_files.combined": Expect("compile", 0, 3, 0, None, None),
    "1.15/compile_error_undefined_local_function.combined": Expect("compile", 0, 2, 0, None, None),
    "1.15/compile_error_undefined_macro_require.combined": Expect("compile", 1, 0, 0, None, None),
    "1.15/compile_error_undefined_struct.combined": Expect("compile", 0, 2, 0, None, None),
    "1.15/compile_error_undefined_variable.combined": Expect("compile", 0, 2, 0, None, None),
    "1.15/compile_error_unterminated_string.combined": Expect("compile", 0, 1, 0, None, None),
    "1.15/compile_error_warning_plus_error.combined": Expect("compile", 1, 2, 0, None, None),
    "1.15/compile_error_warning_plus_error_pty_colors.combined": Expect("compile", 1, 2, 0, None, None),
    "1.15/compile_error_warning_plus_error_return_errors.combined": Expect("compile", 1, 2, 0, None, None),
    "1.15/compile_force_pty_tty_colors.combined": Expect("compile", 21, 0, 0, None, None),
    "1.15/compile_force_warnings_as_errors.combined": Expect(
        "compile", 21, 0, 0, None, None, frozenset({"compile_wae"})
    ),
    "1.15/compile_noop_second_run.combined": Expect("compile", 22, 0, 0, None, None),
    "1.15/compile_warnings_clean_build.combined": Expect("compile", 21, 0, 0, None, None),
    "1.15/format_check_formatted_fail.combined": Expect(
        "format", 0, 0, 0, None, None, frozenset({"unformatted=1"})
    ),
    "1.15/test_all_pass_single_file.combined": Expect("test", 0, 0, 0, (2, 0, None, None, None, None), 0),
    "1.15/test_color_forced_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.15/test_exit_status_7.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.15/test_failed_rerun.combined": Expect("test", 3, 0, 19, (18, 18, None, None, 2, 2), 0),
    "1.15/test_formatter_not_loaded.combined": Expect("compile", 3, 0, 0, None, None),
    "1.15/test_include_skip_and_slow_seed0.combined": Expect("test", 3, 0, 22, (23, 21, None, None, 2, 3), 0),
    "1.15/test_json_formatter_via_ERL_FLAGS_pa.combined": Expect("compile", 3, 0, 0, None, None),
    "1.15/test_json_formatter_via_elixir_r.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.15/test_lib_compile_error.combined": Expect("compile", 0, 2, 0, None, None),
    "1.15/test_max_failures_1_seed0.combined": Expect(
        "test", 3, 0, 1, (1, 1, None, None, None, None), 0, frozenset({"max_failures"})
    ),
    "1.15/test_misnamed_test_file_ex_extension.combined": Expect(
        "test", 0, 0, 0, (2, 0, None, None, None, None), 0
    ),
    "1.15/test_nonexistent_path.combined": Expect("test", 0, 0, 0, None, None, frozenset({"no_tests"})),
    "1.15/test_only_line.combined": Expect("test", 3, 0, 1, (19, 1, 21, None, None, 3), 0),
    "1.15/test_only_tag_no_match.combined": Expect(
        "test", 3, 0, 0, (23, 0, 26, None, None, 3), 885300, frozenset({"no_tests"})
    ),
    "1.15/test_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.15/test_test_file_compile_error.combined": Expect("test", 0, 2, 0, None, None),
    "1.15/test_test_file_syntax_error.combined": Expect("test", 3, 1, 0, None, None),
    "1.15/test_trace_seed0.combined": Expect("test", 3, 0, 19, (23, 18, 1, 2, 2, 3), 0),
    "1.15/test_warnings_as_errors_passing_suite_with_test_warning.combined": Expect(
        "test", 1, 0, 0, (1, 0, None, None, None, None), 0, frozenset({"test_wae"})
    ),
    "1.15/umbrella/umbrella_compile_warning_and_error.combined": Expect("compile", 2, 2, 0, None, None),
    "1.15/umbrella/umbrella_test_app_a_fails.combined": Expect(
        "test", 2, 0, 2, (2, 2, None, None, None, None), 0, frozenset({"summaries=2"})
    ),
    "1.16/compile_after_wae_failure_noop.combined": Expect("compile", 21, 0, 0, None, None),
    "1.16/compile_all_warnings_noop.combined": Expect("compile", 19, 0, 0, None, None),
    "1.16/compile_diagnostics_task_error.combined": Expect("compile", 1, 2, 0, None, None),
    "1.16/compile_diagnostics_task_force_warnings.combined": Expect("compile", 21, 0, 0, None, None),
    "1.16/compile_diagnostics_task_noop.combined": Expect("compile", 19, 0, 0, None, None),
    "1.16/compile_diagnostics_task_syntax_error.combined": Expect("compile", 0, 1, 0, None, None),
    "1.16/compile_error_bad_pattern_compile_error.combined": Expect("compile", 0, 2, 0, None, None),
    "1.16/compile_error_mismatched_delimiter.combined": Expect("compile", 0, 1, 0, None, None),
    "1.16/compile_error_raise_in_module_body.combined": Expect("compile", 0, 1, 0, None, None),
    "1.16/compile_error_struct_deadlock.combined": Expect("compile", 0, 2, 0, None, None),
    "1.16/compile_error_syntax_extra_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.16/compile_error_token_missing_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.16/compile_error_two_files.combined": Expect("compile", 0, 3, 0, None, None),
    "1.16/compile_error_undefined_local_function.combined": Expect("compile", 0, 2, 0, None, None),
    "1.16/compile_error_undefined_macro_require.combined": Expect("compile", 1, 0, 0, None, None),
    "1.16/compile_error_undefined_struct.combined": Expect("compile", 0, 2, 0, None, None),
    "1.16/compile_error_undefined_variable.combined": Expect("compile", 0, 2, 0, None, None),
    "1.16/compile_error_unterminated_string.combined": Expect("compile", 0, 1, 0, None, None),
    "1.16/compile_error_warning_plus_error.combined": Expect("compile", 1, 2, 0, None, None),
    "1.16/compile_error_warning_plus_error_pty_colors.combined": Expect("compile", 1, 2, 0, None, None),
    "1.16/compile_error_warning_plus_error_return_errors.combined": Expect("compile", 1, 2, 0, None, None),
    "1.16/compile_force_pty_tty_colors.combined": Expect("compile", 21, 0, 0, None, None),
    "1.16/compile_force_warnings_as_errors.combined": Expect(
        "compile", 21, 0, 0, None, None, frozenset({"compile_wae"})
    ),
    "1.16/compile_noop_second_run.combined": Expect("compile", 19, 0, 0, None, None),
    "1.16/compile_warnings_clean_build.combined": Expect("compile", 21, 0, 0, None, None),
    "1.16/format_check_formatted_fail.combined": Expect(
        "format", 0, 0, 0, None, None, frozenset({"unformatted=1"})
    ),
    "1.16/test_all_pass_single_file.combined": Expect("test", 0, 0, 0, (2, 0, None, None, None, None), 0),
    "1.16/test_color_forced_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.16/test_exit_status_7.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.16/test_failed_rerun.combined": Expect("test", 3, 0, 19, (18, 18, None, None, 2, 2), 0),
    "1.16/test_formatter_not_loaded.combined": Expect("compile", 3, 0, 0, None, None),
    "1.16/test_include_skip_and_slow_seed0.combined": Expect("test", 3, 0, 22, (23, 21, None, None, 2, 3), 0),
    "1.16/test_json_formatter_via_ERL_FLAGS_pa.combined": Expect("compile", 3, 0, 0, None, None),
    "1.16/test_json_formatter_via_elixir_r.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.16/test_lib_compile_error.combined": Expect("compile", 0, 2, 0, None, None),
    "1.16/test_max_failures_1_seed0.combined": Expect(
        "test", 3, 0, 1, (1, 1, None, None, None, None), 0, frozenset({"max_failures"})
    ),
    "1.16/test_misnamed_test_file_ex_extension.combined": Expect(
        "test", 0, 0, 0, (2, 0, None, None, None, None), 0
    ),
    "1.16/test_nonexistent_path.combined": Expect("test", 0, 0, 0, None, None, frozenset({"no_tests"})),
    "1.16/test_only_line.combined": Expect("test", 3, 0, 1, (19, 1, 21, None, None, 3), 0),
    "1.16/test_only_tag_no_match.combined": Expect(
        "test", 3, 0, 0, (23, 0, 26, None, None, 3), 500658, frozenset({"no_tests"})
    ),
    "1.16/test_seed0.combined": Expect("test", 3, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.16/test_test_file_compile_error.combined": Expect("test", 0, 2, 0, None, None),
    "1.16/test_test_file_syntax_error.combined": Expect("test", 3, 1, 0, None, None),
    "1.16/test_trace_seed0.combined": Expect("test", 3, 0, 19, (23, 18, 1, 2, 2, 3), 0),
    "1.16/test_warnings_as_errors_passing_suite_with_test_warning.combined": Expect(
        "test", 1, 0, 0, (1, 0, None, None, None, None), 0, frozenset({"test_wae"})
    ),
    "1.16/umbrella/umbrella_compile_warning_and_error.combined": Expect("compile", 2, 2, 0, None, None),
    "1.16/umbrella/umbrella_test_app_a_fails.combined": Expect(
        "test", 2, 0, 2, (2, 2, None, None, None, None), 0, frozenset({"summaries=2"})
    ),
    "1.18/code_with_diagnostics_demo.combined": Expect("unknown", 0, 0, 0, None, None),
    "1.18/compile_after_wae_failure_noop.combined": Expect("compile", 20, 0, 0, None, None),
    "1.18/compile_all_warnings_noop.combined": Expect("compile", 20, 0, 0, None, None),
    "1.18/compile_diagnostics_task_error.combined": Expect("compile", 1, 2, 0, None, None),
    "1.18/compile_diagnostics_task_force_warnings.combined": Expect("compile", 22, 0, 0, None, None),
    "1.18/compile_diagnostics_task_noop.combined": Expect("compile", 20, 0, 0, None, None),
    "1.18/compile_diagnostics_task_syntax_error.combined": Expect("compile", 0, 1, 0, None, None),
    "1.18/compile_error_bad_pattern_compile_error.combined": Expect("compile", 0, 2, 0, None, None),
    "1.18/compile_error_mismatched_delimiter.combined": Expect("compile", 0, 1, 0, None, None),
    "1.18/compile_error_raise_in_module_body.combined": Expect("compile", 0, 1, 0, None, None),
    "1.18/compile_error_struct_deadlock.combined": Expect("compile", 0, 2, 0, None, None),
    "1.18/compile_error_syntax_extra_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.18/compile_error_token_missing_end.combined": Expect("compile", 0, 1, 0, None, None),
    "1.18/compile_error_two_files.combined": Expect("compile", 0, 3, 0, None, None),
    "1.18/compile_error_undefined_local_function.combined": Expect("compile", 0, 2, 0, None, None),
    "1.18/compile_error_undefined_macro_require.combined": Expect("compile", 1, 0, 0, None, None),
    "1.18/compile_error_undefined_struct.combined": Expect("compile", 0, 2, 0, None, None),
    "1.18/compile_error_undefined_variable.combined": Expect("compile", 0, 2, 0, None, None),
    "1.18/compile_error_unterminated_string.combined": Expect("compile", 0, 1, 0, None, None),
    "1.18/compile_error_warning_plus_error.combined": Expect("compile", 1, 2, 0, None, None),
    "1.18/compile_error_warning_plus_error_pty_colors.combined": Expect("compile", 1, 2, 0, None, None),
    "1.18/compile_error_warning_plus_error_return_errors.combined": Expect("compile", 1, 2, 0, None, None),
    "1.18/compile_force_pty_tty_colors.combined": Expect("compile", 22, 0, 0, None, None),
    "1.18/compile_force_warnings_as_errors.combined": Expect(
        "compile", 22, 0, 0, None, None, frozenset({"compile_wae"})
    ),
    "1.18/compile_noop_second_run.combined": Expect("compile", 20, 0, 0, None, None),
    "1.18/compile_warnings_clean_build.combined": Expect("compile", 22, 0, 0, None, None),
    "1.18/format_check_formatted_fail.combined": Expect(
        "format", 0, 0, 0, None, None, frozenset({"unformatted=1"})
    ),
    "1.18/test_all_pass_single_file.combined": Expect("test", 0, 0, 0, (2, 0, None, None, None, None), 0),
    "1.18/test_color_forced_seed0.combined": Expect("test", 6, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.18/test_exit_status_7.combined": Expect("test", 6, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.18/test_failed_rerun.combined": Expect("test", 6, 0, 19, (18, 18, None, None, 2, 2), 0),
    "1.18/test_formatter_not_loaded.combined": Expect("compile", 6, 0, 0, None, None),
    "1.18/test_include_skip_and_slow_seed0.combined": Expect("test", 6, 0, 22, (23, 21, None, None, 2, 3), 0),
    "1.18/test_json_formatter_via_ERL_FLAGS_pa.combined": Expect("compile", 6, 0, 0, None, None),
    "1.18/test_json_formatter_via_elixir_r.combined": Expect("test", 6, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.18/test_lib_compile_error.combined": Expect("compile", 0, 2, 0, None, None),
    "1.18/test_max_failures_1_seed0.combined": Expect(
        "test", 6, 0, 1, (1, 0, None, None, 1, None), 0, frozenset({"max_failures"})
    ),
    "1.18/test_misnamed_test_file_ex_extension.combined": Expect(
        "test", 0, 0, 0, (2, 0, None, None, None, None), 0
    ),
    "1.18/test_nonexistent_path.combined": Expect("test", 0, 0, 0, None, None, frozenset({"no_tests"})),
    "1.18/test_only_line.combined": Expect("test", 4, 0, 1, (19, 1, 21, None, None, 3), 0),
    "1.18/test_only_tag_no_match.combined": Expect(
        "test", 6, 0, 0, (23, 0, 26, None, None, 3), 126717, frozenset({"no_tests"})
    ),
    "1.18/test_seed0.combined": Expect("test", 6, 0, 20, (23, 19, 1, 2, 2, 3), 0),
    "1.18/test_test_file_compile_error.combined": Expect("test", 0, 2, 0, None, 0),
    "1.18/test_test_file_syntax_error.combined": Expect("test", 0, 1, 0, None, 0),
    "1.18/test_trace_seed0.combined": Expect("test", 6, 0, 19, (23, 18, 1, 2, 2, 3), 0),
    "1.18/test_warnings_as_errors_passing_suite_with_test_warning.combined": Expect(
        "test", 1, 0, 0, (1, 0, None, None, None, None), 0, frozenset({"test_wae"})
    ),
    "1.18/umbrella/umbrella_compile_warning_and_error.combined": Expect("compile", 2, 2, 0, None, None),
    "1.18/umbrella/umbrella_diagnostics_task.combined": Expect("compile", 2, 2, 0, None, None),
    "1.18/umbrella/umbrella_test_app_a_fails.combined": Expect(
        "test", 4, 0, 2, (2, 2, None, None, None, None), 0, frozenset({"summaries=2"})
    ),
    "1.19/compile_error_deadlock_slogan_with_line.reconstructed.txt": Expect("compile", 0, 2, 0, None, None),
    "1.19/compile_error_mismatched_delimiter.reconstructed.txt": Expect("compile", 0, 1, 0, None, None),
    "1.19/compile_error_syntax.reconstructed.txt": Expect("compile", 0, 1, 0, None, None),
    "1.19/compile_error_token_missing.reconstructed.txt": Expect("compile", 0, 1, 0, None, None),
    "1.19/compile_error_undefined_variable.reconstructed.txt": Expect("compile", 0, 2, 0, None, None),
    "1.19/compile_warning_group_multi_location.reconstructed.txt": Expect("compile", 1, 0, 0, None, None),
    "1.19/compile_warning_no_file.reconstructed.txt": Expect("compile", 1, 0, 0, None, None),
    "1.19/compile_warning_unused_variable.reconstructed.txt": Expect("compile", 1, 0, 0, None, None),
    "1.19/test_misnamed_files_warning.reconstructed.txt": Expect("compile", 1, 0, 0, None, None),
    "1.19/test_summary_lines.reconstructed.txt": Expect(
        "test", 0, 0, 0, (7, 2, 9, None, None, None), 0, frozenset({"summaries=4"})
    ),
    "1.19/test_warnings_as_errors_exit_codes.reconstructed.txt": Expect(
        "test", 0, 0, 0, None, None, frozenset({"test_wae"})
    ),
    "crlf/elixirc_1.14_crlf_source.combined": Expect("compile", 1, 0, 0, None, None),
    "crlf/elixirc_1.18_crlf_source.combined": Expect("compile", 1, 0, 0, None, None),
}


def _flags(scan: LogScan) -> frozenset[str]:
    flags = set()
    if scan.compile_wae_failed:
        flags.add("compile_wae")
    if scan.test_wae_failed:
        flags.add("test_wae")
    if scan.unformatted_files:
        flags.add(f"unformatted={len(scan.unformatted_files)}")
    if scan.mix_errors:
        flags.add(f"mix_errors={len(scan.mix_errors)}")
    if scan.no_tests_reason:
        flags.add("no_tests")
    if scan.max_failures_reached:
        flags.add("max_failures")
    if len(scan.summaries) > 1:
        flags.add(f"summaries={len(scan.summaries)}")
    return frozenset(flags)


@pytest.mark.parametrize("rel", sorted(COUNTS))
def test_capture_counts(rel: str) -> None:
    expect = COUNTS[rel]
    text = read_capture(rel)
    result = parse_mix_output(text)
    assert result.command == expect.command

    test = parse_test_output(text)
    compile_result = parse_compile_output(text)
    assert (compile_result.warnings, compile_result.errors) == (expect.warnings, expect.errors)
    assert (test.compile.warnings, test.compile.errors) == (expect.warnings, expect.errors)
    assert len(test.failures) == expect.failure_blocks
    summary = test.summary
    got = (
        None
        if summary is None
        else (
            summary.tests,
            summary.failures,
            summary.excluded,
            summary.skipped,
            summary.invalid,
            summary.doctests,
        )
    )
    assert got == expect.summary
    assert test.seed == expect.seed
    assert _flags(scan_log(text)) == expect.flags


def test_every_capture_has_a_row() -> None:
    on_disk = {
        str(p.relative_to(CAPTURES)) for p in [*CAPTURES.rglob("*.combined"), *CAPTURES.glob("1.19/*.txt")]
    }
    assert on_disk == set(COUNTS), "add a hand-counted row for each new capture"


def test_captures_cover_every_version() -> None:
    versions = {rel.split("/", 1)[0] for rel in COUNTS}
    assert {"1.14", "1.15", "1.16", "1.18", "1.19", "crlf"} <= versions
