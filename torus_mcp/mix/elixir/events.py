"""Reading the JSON lines the injected Elixir helpers wrote into the parsers' models.

`torus_mcp/mix/elixir/torus_mcp_compile.exs` writes `diagnostic` events and a final
`compile_finished`; `torus_mcp_formatter.exs` writes `suite_started`, `test_finished`,
`module_failed` and `suite_finished` per suite (one suite per app in an umbrella). Paths arrive
absolute and leave in the shape the text parser gives: diagnostics relative to their app (with
`app` set in an umbrella), test files relative to the project root.

A file that is missing, empty or cut short (the VM was killed, a formatter failed to load, which
ExUnit does silently) gives `None` or `complete=False`, and the caller falls back to the text.
Odd lines never raise: they are counted in `problems`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from torus_mcp.mix.models import Diagnostic, Severity, TestFailure, TestSummary
from torus_mcp.mix.parse.kinds import diagnostic_kind  # the text parser's slugs: both group alike
from torus_mcp.mix.parse.test import combine_summaries

_SEVERITIES: dict[str, Severity] = {
    "error": "error",
    "warning": "warning",
    "information": "info",
    "info": "info",
    "hint": "info",
}
# `** (CompileError) lib/x.ex:3: undefined ...`, `** (SyntaxError) invalid syntax found on lib/x.ex:6:1:`
_EXCEPTION_PREFIX = re.compile(r"^\*\* \((?P<exception>[\w.]+)\) (?P<rest>.*)$", re.S)
_PATH_PREFIX = re.compile(r"^(?:invalid syntax found on )?(?:[A-Za-z]:)?[^\s:]+(?::\d+){0,2}:(?: |\n|$)")
_ASSERTION = "ExUnit.AssertionError"


class StructuredCompile(BaseModel):
    status: str | None = Field(description="ok, noop or error as mix returned it; None when cut short")
    complete: bool
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    elixir: str | None = None
    problems: list[str] = Field(default_factory=list, description="Lines that could not be read")


class StructuredTests(BaseModel):
    complete: bool = Field(description="Every suite that started also finished")
    suites: int
    failures: list[TestFailure] = Field(default_factory=list)
    summary: TestSummary
    summaries: list[TestSummary] = Field(default_factory=list)
    invalid_tests: list[str] = Field(default_factory=list, description="`Module: test name` of invalid tests")
    max_failures_reached: bool = False
    problems: list[str] = Field(default_factory=list)


def read_events(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The JSON objects of a JSON-lines file and the lines that were not JSON objects."""
    events: list[dict[str, Any]] = []
    problems: list[str] = []
    try:
        data = Path(path).read_bytes()
    except OSError:
        return events, problems
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            event = json.loads(raw)
        except ValueError:
            problems.append(f"line {number}: not JSON: {raw[:120].decode('utf-8', 'replace')}")
            continue
        if isinstance(event, dict) and isinstance(event.get("event"), str):
            events.append(event)
        else:
            problems.append(f"line {number}: not an event object")
    return events, problems


def load_compile_events(path: Path | str | None, root: Path) -> StructuredCompile | None:
    """Diagnostics from the compile task's file; None when the task wrote nothing at all."""
    if path is None:
        return None
    events, problems = read_events(Path(path))
    if not events:
        return None
    root = Path(root).resolve()
    diagnostics = []
    finished: dict[str, Any] | None = None
    for event in events:
        if event["event"] == "diagnostic":
            diagnostic = _diagnostic(event, root)
            if diagnostic is None:
                problems.append(f"unreadable diagnostic: {str(event)[:160]}")
            else:
                diagnostics.append(diagnostic)
        elif event["event"] == "compile_finished":
            finished = event
    return StructuredCompile(
        status=_text(finished.get("status")) if finished else None,
        complete=finished is not None,
        diagnostics=diagnostics,
        elixir=_text(finished.get("elixir")) if finished else None,
        problems=problems,
    )


def _diagnostic(event: dict[str, Any], root: Path) -> Diagnostic | None:
    severity = _SEVERITIES.get(str(event.get("severity")))
    message = _text(event.get("message"))
    if severity is None or message is None:
        return None
    exception = _text(event.get("exception"))
    prefixed = _EXCEPTION_PREFIX.match(message)
    if prefixed:
        exception = exception or prefixed.group("exception")
        message = _PATH_PREFIX.sub("", prefixed.group("rest"), count=1)
    message = message.rstrip()
    file, app = _app_relative(_text(event.get("file")), root)
    compiler = (_text(event.get("compiler")) or "").lower()
    return Diagnostic(
        severity=severity,
        message=message,
        file=file,
        line=_positive(event.get("line")),
        column=_positive(event.get("column")),
        end_line=_positive(event.get("end_line")),
        end_column=_positive(event.get("end_column")),
        kind=diagnostic_kind(message, exception),
        exception=exception,
        compiler="elixir"
        if compiler == "elixir"
        else "erlang"
        if compiler.startswith("erl")
        else compiler or None,
        app=app,
        source="json",
    )


def load_test_events(path: Path | str | None, root: Path) -> StructuredTests | None:
    """Failures and counts from the formatter's file; None when no suite ever started (the
    formatter did not load, or the run stopped before ExUnit began)."""
    if path is None:
        return None
    events, problems = read_events(Path(path))
    if not any(e["event"] == "suite_started" for e in events):
        return None
    root = Path(root).resolve()
    failures: list[TestFailure] = []
    summaries: list[TestSummary] = []
    invalid: list[str] = []
    started = finished = 0
    counts: dict[str, int] = {}
    app: str | None = None
    seed: int | None = None
    max_failures = False
    for event in events:
        kind = event["event"]
        if kind == "suite_started":
            started += 1
            counts = {"tests": 0, "doctests": 0, "properties": 0, "failures": 0}
            counts |= {"excluded": 0, "skipped": 0, "invalid": 0}
            seed = _int(event.get("seed"))
            cwd = _text(event.get("cwd"))
            in_child = cwd is not None and Path(cwd).resolve() != root
            app = _text(event.get("app")) if in_child else None
        elif kind == "test_finished":
            _count_test(event, counts)
            state = event.get("state")
            if state == "failed":
                failures.append(_test_failure(event, root, app))
            elif state == "invalid":
                invalid.append(f"{event.get('module')}: {event.get('name')}")
        elif kind == "module_failed":
            failures.append(_module_failure(event, root, app))
        elif kind == "suite_finished":
            finished += 1
            summaries.append(_summary(counts, seed, event, app))
        elif kind == "max_failures_reached":
            max_failures = True
        elif kind == "formatter_error":
            problems.append(f"formatter error: {event.get('message')}")
    total = combine_summaries(summaries) or _summary(counts, seed, {}, app)
    return StructuredTests(
        complete=started == finished,
        suites=started,
        failures=failures,
        summary=total,
        summaries=summaries,
        invalid_tests=invalid,
        max_failures_reached=max_failures,
        problems=problems,
    )


def _count_test(event: dict[str, Any], counts: dict[str, int]) -> None:
    test_type = event.get("test_type")
    bucket = "doctests" if test_type == "doctest" else "properties" if test_type == "property" else "tests"
    counts[bucket] += 1
    state = event.get("state")
    if state == "failed":
        counts["failures"] += 1
    elif state in ("excluded", "skipped", "invalid"):
        counts[str(state)] += 1


def _summary(
    counts: dict[str, int], seed: int | None, finished: dict[str, Any], app: str | None
) -> TestSummary:
    run_us, load_us = _int(finished.get("run_us")), _int(finished.get("load_us"))

    # ExUnit prints these only when non-zero; None keeps the shape the text parser gives.
    def optional(name: str) -> int | None:
        return counts.get(name) or None

    return TestSummary(
        tests=counts.get("tests", 0),
        failures=counts.get("failures", 0),
        excluded=optional("excluded"),
        skipped=optional("skipped"),
        invalid=optional("invalid"),
        doctests=optional("doctests"),
        properties=optional("properties"),
        seed=seed,
        duration_seconds=round(((run_us or 0) + (load_us or 0)) / 1e6, 6) if run_us is not None else None,
        load_seconds=round(load_us / 1e6, 6) if load_us is not None else None,
        app=app,
    )


def _test_failure(event: dict[str, Any], root: Path, app: str | None) -> TestFailure:
    first = _first_failure(event)
    exception = _text(first.get("exception"))
    kind = "doctest" if event.get("test_type") == "doctest" else "failure"
    if kind == "failure" and exception not in (None, _ASSERTION):
        kind = "error"
    return TestFailure(
        name=_text(event.get("name")) or "(unnamed test)",
        module=_text(event.get("module")),
        file=root_relative(_text(event.get("file")), root),
        line=_int(event.get("line")),
        kind=kind,
        message=_failure_message(first),
        exception=None if exception == _ASSERTION else exception,
        code=_text(first.get("code")),
        left=_text(first.get("left")),
        right=_text(first.get("right")),
        stacktrace=[s for s in first.get("stacktrace") or [] if isinstance(s, str)],
        app=app,
        source="json",
    )


def _module_failure(event: dict[str, Any], root: Path, app: str | None) -> TestFailure:
    first = _first_failure(event)
    return TestFailure(
        name="setup_all",
        module=_text(event.get("module")),
        file=root_relative(_text(event.get("file")), root),
        kind="setup_all",
        message=_failure_message(first),
        exception=_text(first.get("exception")),
        stacktrace=[s for s in first.get("stacktrace") or [] if isinstance(s, str)],
        app=app,
        source="json",
    )


def _first_failure(event: dict[str, Any]) -> dict[str, Any]:
    failures = event.get("failures")
    if isinstance(failures, list) and failures and isinstance(failures[0], dict):
        return failures[0]
    return {}


def _failure_message(failure: dict[str, Any]) -> str:
    message = _text(failure.get("message"))
    if message is None:
        message = _text(failure.get("banner")) or ""
    return message.rstrip()


def _app_relative(file: str | None, root: Path) -> tuple[str | None, str | None]:
    """A diagnostic's path relative to the app that owns it, and that app's name in an umbrella."""
    if file is None:
        return None, None
    path = Path(file)
    if not path.is_absolute():
        return file, None
    path = path.resolve()
    for parent in path.parents:
        if parent == root or root not in parent.parents:
            break
        if (parent / "mix.exs").is_file():
            return path.relative_to(parent).as_posix(), parent.name
    return root_relative(file, root), None


def root_relative(file: str | None, root: Path) -> str | None:
    """A path mix printed, relative to the project when it is inside it (1.15+ print absolute ones)."""
    if file is None:
        return None
    path = Path(file)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return file
    return file


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _positive(value: Any) -> int | None:
    number = _int(value)
    return number if number else None
