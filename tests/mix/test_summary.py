"""Token budgets: exact totals, a bounded sample (errors and hard failures first), groups for the rest."""

from __future__ import annotations

import json

import pytest

from tests.mix.parse.captures import CAPTURES, read_capture
from torus_mcp.mix.models import Diagnostic, MixRunResult, TestFailure
from torus_mcp.mix.parse.scan import parse_mix_output, parse_test_output
from torus_mcp.mix.summary import budget_diagnostics, budget_failures, clip, digest_run, run_has_problems


def _warning(n: int, file: str = "lib/a.ex", kind: str = "unused_variable") -> Diagnostic:
    return Diagnostic(severity="warning", message=f"warning {n}", file=file, line=n, kind=kind, log_line=n)


def test_errors_come_first_and_totals_stay_exact() -> None:
    diags = [_warning(n, file=f"lib/f{n % 3}.ex") for n in range(40)]
    diags.append(Diagnostic(severity="error", message="boom", file="lib/z.ex", line=1, kind="compile_error"))
    digest = budget_diagnostics(diags, limit=5)
    assert [d.severity for d in digest.shown] == ["error", "warning", "warning", "warning", "warning"]
    assert [d.line for d in digest.shown[1:]] == [0, 1, 2, 3]  # log order within a severity
    assert (digest.total, digest.errors, digest.warnings, digest.omitted) == (41, 1, 40, 36)
    assert sum(digest.by_file.values()) == 41 and sum(digest.by_kind.values()) == 41
    assert list(digest.by_file)[:3] == ["lib/f0.ex", "lib/f1.ex", "lib/f2.ex"]  # largest group first
    assert digest.by_kind == {"unused_variable": 40, "compile_error": 1}


def test_limits() -> None:
    diags = [_warning(n) for n in range(30)]
    assert len(budget_diagnostics(diags).shown) == 20
    assert len(budget_diagnostics(diags, limit=-1).shown) == 30
    assert budget_diagnostics(diags, limit=0).omitted == 30
    assert budget_diagnostics([]).total == 0


def test_long_texts_are_clipped_in_the_digest_only() -> None:
    long = Diagnostic(severity="warning", message="x" * 5000, kind="type_warning")
    (shown,) = budget_diagnostics([long], text_chars=100).shown
    assert shown.message.startswith("x" * 100) and "4900 more characters in the log" in shown.message
    assert len(long.message) == 5000
    assert clip("short", 100) == "short" and clip(None, 5) is None and clip("abc", 0) == "abc"


def test_failures_budget() -> None:
    result = parse_test_output(read_capture("1.14/test_seed0.combined"))
    digest = budget_failures(result.failures, limit=3, frames=2)
    assert digest.total == 20 and digest.omitted == 17
    assert digest.shown[0].kind == "setup_all"  # it invalidates whole modules: first
    assert all(f.kind == "error" for f in digest.shown[1:])
    assert digest.by_kind == {"failure": 10, "error": 7, "doctest": 2, "setup_all": 1}
    timeout = budget_failures([f for f in result.failures if f.name == "test times out"], frames=2).shown[0]
    assert timeout.stacktrace[-1] == "… 3 more frames in the log" and len(timeout.stacktrace) == 3


def test_huge_left_and_right_are_clipped() -> None:
    failure = TestFailure(
        name="test big", left="[" + "1, " * 100_000 + "]", right="[]", message="Assertion failed"
    )
    (shown,) = budget_failures([failure], text_chars=200).shown
    assert len(shown.left) < 300 and shown.right == "[]"


def test_digest_of_a_test_run() -> None:
    digest = digest_run(parse_mix_output(read_capture("1.18/test_seed0.combined")), limit=5)
    assert digest.command == "test" and not digest.ok
    assert digest.tests.failures == 19 and digest.seed == 0
    assert digest.failures.total == 20 and len(digest.failures.shown) == 5
    assert digest.diagnostics.warnings == 6 and len(digest.diagnostics.shown) == 5


def test_digest_is_much_smaller_than_the_full_result_and_counts_everything() -> None:
    parts = [
        f'    warning: variable "v{n}" is unused (if the variable is not meant to be used, prefix it with an '
        f"underscore)\n    │\n {n:>3} │     v{n} = 1\n    │     ~\n    │\n    └─ lib/m{n % 7}.ex:{n}:5: M.f/1\n\n"
        for n in range(1, 301)
    ]
    result = parse_mix_output("Compiling 7 files (.ex)\n" + "".join(parts) + "Generated app app\n")
    digest = digest_run(result)
    payload = json.loads(digest.model_dump_json())
    assert payload["diagnostics"]["total"] == 300 and payload["diagnostics"]["omitted"] == 280
    assert sum(payload["diagnostics"]["by_file"].values()) == 300
    assert len(digest.model_dump_json()) < len(result.model_dump_json()) / 5
    assert digest.ok  # warnings alone are not a failure


def test_format_digest() -> None:
    digest = digest_run(parse_mix_output(read_capture("1.18/format_check_formatted_fail.combined")))
    assert digest.command == "format" and not digest.ok
    assert digest.unformatted_files == ["/home/dev/elixir_probe/lib/badly_formatted.ex"]


# Where the parsed log and mix's exit status disagree, and why.
EXIT_STATUS_EXCEPTIONS = {
    # `mix compile --return-errors` exits 0 even when compilation fails.
    **{
        f"1.14/compile_error_{name}_return_errors.combined": "return-errors exits 0"
        for name in (
            "bad_pattern_compile_error",
            "mismatched_delimiter",
            "raise_in_module_body",
            "syntax_extra_end",
            "token_missing_end",
            "undefined_local_function",
            "undefined_struct",
            "undefined_variable",
            "unterminated_string",
            "warning_plus_error",
        )
    },
    **{
        f"{v}/compile_error_warning_plus_error_return_errors.combined": "return-errors"
        for v in ("1.15", "1.16", "1.18")
    },
    # The CLI formatter was replaced: the failures are not in the text at all (exit 2).
    **{f"{v}/test_formatter_not_loaded.combined": "no report" for v in ("1.14", "1.15", "1.16", "1.18")},
    **{
        f"{v}/test_json_formatter_via_ERL_FLAGS_pa.combined": "no report"
        for v in ("1.14", "1.15", "1.16", "1.18")
    },
}


def _with_meta() -> list[str]:
    rels = []
    for meta in CAPTURES.rglob("*.meta.json"):
        combined = meta.with_name(meta.name.removesuffix(".meta.json") + ".combined")
        if combined.exists():
            rels.append(str(combined.relative_to(CAPTURES)))
    return sorted(rels)


@pytest.mark.parametrize("rel", _with_meta())
def test_problems_match_the_exit_status(rel: str) -> None:
    meta = json.loads(read_capture(rel.removesuffix(".combined") + ".meta.json"))
    problems = run_has_problems(parse_mix_output(read_capture(rel)))
    if rel in EXIT_STATUS_EXCEPTIONS:
        assert problems != (meta["exit_code"] != 0)
    else:
        assert problems == (meta["exit_code"] != 0)


def test_a_runner_exit_status_counts() -> None:
    assert run_has_problems(MixRunResult(command="compile", exit_code=1))
    assert run_has_problems(MixRunResult(command="test", timed_out=True))
    assert not run_has_problems(MixRunResult(command="compile", exit_code=0))


def test_by_file_lists_the_largest_files_and_counts_them_all() -> None:
    diags = [_warning(n, file=f"lib/f{n:02d}.ex") for n in range(30)] + [_warning(99, file="lib/f00.ex")]
    digest = budget_diagnostics(diags)
    assert digest.files == 30 and len(digest.by_file) == 20
    assert next(iter(digest.by_file.items())) == ("lib/f00.ex", 2)


def test_inline_items_leave_out_empty_fields() -> None:
    digest = budget_diagnostics([_warning(1)])
    (item,) = json.loads(digest.model_dump_json())["shown"]
    assert item == {
        "severity": "warning",
        "message": "warning 1",
        "file": "lib/a.ex",
        "line": 1,
        "kind": "unused_variable",
        "log_line": 1,
    }


def test_a_text_at_the_limit_is_left_whole() -> None:
    assert clip("x" * 10, 10) == "x" * 10
    assert clip("x" * 11, 10) == "x" * 10 + "… [1 more characters in the log]"


def test_invalid_tests_are_a_problem_even_without_failures() -> None:
    # A setup_all failure invalidates its module's tests; the summary may be all that is left of it.
    result = parse_test_output("5 tests, 0 failures, 3 invalid\n")
    run = MixRunResult(command="test", test=result, exit_code=None)
    assert result.summary is not None and result.summary.invalid == 3 and not result.failures
    assert run_has_problems(run) and not digest_run(run).ok
