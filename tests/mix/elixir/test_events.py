"""Loading the helpers' JSON lines into the parsers' models (hand-written events here; the
fixture projects exercise the real helpers in test_mix_compile.py and test_mix_test.py)."""

from __future__ import annotations

import json
from pathlib import Path

from torus_mcp.mix.elixir.events import load_compile_events, load_test_events


def _write(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def _umbrella(tmp_path: Path) -> Path:
    root = tmp_path / "umbrella"
    (root / "apps" / "alpha" / "lib").mkdir(parents=True)
    (root / "mix.exs").write_text("")
    (root / "apps" / "alpha" / "mix.exs").write_text("")
    return root


def test_compile_events_become_app_relative_diagnostics(tmp_path: Path) -> None:
    root = _umbrella(tmp_path)
    path = _write(
        tmp_path / "events.jsonl",
        [
            {
                "event": "diagnostic",
                "severity": "warning",
                "file": str(root / "apps/alpha/lib/alpha.ex"),
                "line": 3,
                "column": None,
                "message": 'variable "x" is unused (if the variable is not meant to be used, prefix it)',
                "compiler": "Elixir",
            },
            {
                "event": "diagnostic",
                "severity": "error",
                "file": str(root / "apps/alpha/lib/alpha.ex"),
                "line": 7,
                "message": "** (CompileError) lib/alpha.ex:7: undefined function nope/0 (expected Alpha to...)\n\n",
                "compiler": "Elixir",
            },
            {"event": "diagnostic", "severity": "information", "file": None, "line": 0, "message": "note"},
            {"event": "compile_finished", "status": "error", "elixir": "1.14.0"},
        ],
    )
    data = load_compile_events(path, root)
    assert data is not None and data.complete and data.status == "error"
    warning, error, info = data.diagnostics
    assert (warning.file, warning.line, warning.app, warning.kind) == (
        "lib/alpha.ex",
        3,
        "alpha",
        "unused_variable",
    )
    assert warning.source == "json" and warning.compiler == "elixir"
    assert error.exception == "CompileError"
    assert error.message.startswith("undefined function nope/0")
    assert (info.severity, info.file, info.line) == ("info", None, None)


def test_a_cut_short_compile_file_is_incomplete_and_garbage_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"event":"diagnostic","severity":"warning","file":null,"line":1,"message":"m"}\nnot json\n[1]\n'
    )
    data = load_compile_events(path, tmp_path)
    assert data is not None and not data.complete and data.status is None
    assert len(data.diagnostics) == 1
    assert len(data.problems) == 2
    assert load_compile_events(tmp_path / "missing.jsonl", tmp_path) is None
    assert load_compile_events(None, tmp_path) is None


def test_test_events_give_failures_and_counts(tmp_path: Path) -> None:
    root = tmp_path
    test_file = str(root / "test/a_test.exs")
    started = {"event": "suite_started", "seed": 7, "cwd": str(root), "app": "a"}
    passed = {"event": "test_finished", "state": "passed", "test_type": "test", "file": test_file, "line": 2}
    failed = {
        "event": "test_finished",
        "state": "failed",
        "test_type": "test",
        "name": "test adds",
        "module": "ATest",
        "file": test_file,
        "line": 5,
        "failures": [
            {
                "kind": "error",
                "exception": "ExUnit.AssertionError",
                "message": "Assertion with == failed",
                "code": "assert 1 == 2",
                "left": "1",
                "right": "2",
                "stacktrace": ["test/a_test.exs:6: (test)"],
            }
        ],
    }
    raised = {
        **failed,
        "name": "test raises",
        "line": 9,
        "failures": [{"exception": "ArgumentError", "message": "boom"}],
    }
    doctest = {**failed, "name": "doctest A.f/0 (1)", "test_type": "doctest", "line": 3}
    invalid = {
        "event": "test_finished",
        "state": "invalid",
        "test_type": "test",
        "module": "BTest",
        "name": "test b",
    }
    module_failed = {
        "event": "module_failed",
        "module": "BTest",
        "file": str(root / "test/b_test.exs"),
        "failures": [{"exception": "RuntimeError", "message": "setup_all blew up"}],
    }
    excluded = {"event": "test_finished", "state": "excluded", "test_type": "test"}
    finished = {"event": "suite_finished", "run_us": 50_000, "load_us": None}
    path = _write(
        tmp_path / "t.jsonl",
        [started, passed, failed, raised, doctest, invalid, module_failed, excluded, finished],
    )
    data = load_test_events(path, root)
    assert data is not None and data.complete
    summary = data.summary
    assert (summary.tests, summary.doctests, summary.failures) == (5, 1, 3)
    assert (summary.invalid, summary.excluded, summary.skipped, summary.seed) == (1, 1, None, 7)
    kinds = [(f.kind, f.name, f.file, f.line) for f in data.failures]
    assert kinds == [
        ("failure", "test adds", "test/a_test.exs", 5),
        ("error", "test raises", "test/a_test.exs", 9),
        ("doctest", "doctest A.f/0 (1)", "test/a_test.exs", 3),
        ("setup_all", "setup_all", "test/b_test.exs", None),
    ]
    assert data.failures[0].exception is None and data.failures[0].left == "1"
    assert data.failures[1].exception == "ArgumentError" and data.failures[1].message == "boom"
    assert data.invalid_tests == ["BTest: test b"]
    assert all(f.app is None for f in data.failures)


def test_umbrella_suites_are_added_up_and_named_by_app(tmp_path: Path) -> None:
    root = _umbrella(tmp_path)
    events = []
    for app, state in (("alpha", "failed"), ("beta", "passed")):
        events += [
            {"event": "suite_started", "seed": 0, "cwd": str(root / "apps" / app), "app": app},
            {
                "event": "test_finished",
                "state": state,
                "test_type": "test",
                "name": "test x",
                "file": str(root / "apps" / app / "test/x_test.exs"),
                "line": 4,
                "failures": [{"message": "Assertion with == failed"}] if state == "failed" else [],
            },
            {"event": "suite_finished", "run_us": 1000},
        ]
    data = load_test_events(_write(tmp_path / "u.jsonl", events), root)
    assert data is not None and data.suites == 2
    assert (data.summary.tests, data.summary.failures) == (2, 1)
    assert [s.app for s in data.summaries] == ["alpha", "beta"]
    (failure,) = data.failures
    assert (failure.file, failure.app) == ("apps/alpha/test/x_test.exs", "alpha")


def test_no_suite_means_the_formatter_never_ran(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.jsonl", [{"event": "formatter_error", "message": "x"}])
    assert load_test_events(path, tmp_path) is None
    path = _write(tmp_path / "t2.jsonl", [{"event": "suite_started", "cwd": str(tmp_path)}])
    data = load_test_events(path, tmp_path)
    assert data is not None and not data.complete


def test_an_umbrella_run_cut_short_in_its_second_suite_is_incomplete(tmp_path: Path) -> None:
    root = _umbrella(tmp_path)
    path = _write(
        tmp_path / "events.jsonl",
        [
            {"event": "suite_started", "seed": 0, "cwd": str(root / "apps" / "alpha"), "app": "alpha"},
            {"event": "test_finished", "state": "passed", "name": "test a", "module": "AlphaTest"},
            {"event": "suite_finished", "run_us": 1000, "load_us": 10},
            {"event": "suite_started", "seed": 0, "cwd": str(root / "apps" / "beta"), "app": "beta"},
            {"event": "test_finished", "state": "passed", "name": "test b", "module": "BetaTest"},
        ],
    )
    data = load_test_events(path, root)
    assert data is not None and (data.suites, len(data.summaries), data.complete) == (2, 1, False)
