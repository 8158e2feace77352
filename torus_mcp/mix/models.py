"""Structured results of parsing `mix compile`, `mix test` and `mix format` output.

The parsers fill the parsed fields; a runner later fills the run fields of `MixRunResult`
(exit code, duration, log location, dropped bytes). Every runner field is optional so a saved
log can be parsed on its own. Fields are only ever added here, never renamed: the runner and
the server build on these names.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

Severity = Literal["error", "warning", "info"]
DiagnosticSource = Literal["text", "json"]
TestFailureKind = Literal["failure", "invalid", "setup_all", "doctest", "error"]
MixCommand = Literal["compile", "test", "format", "unknown"]


class Location(BaseModel):
    """One place a diagnostic points at (1.16+ warnings can list several)."""

    file: str | None = Field(default=None, description="Path as printed (relative to its app)")
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    context: str | None = Field(
        default=None, description="Text after the position, e.g. `MyApp.Mod.fun/1` or `Mod (module)`"
    )


class Diagnostic(BaseModel):
    """A compiler warning or error, in a shape that does not depend on the Elixir version."""

    severity: Severity
    message: str = Field(description="Full message text; may span several lines")
    file: str | None = Field(default=None, description="Path as printed, or None when Elixir gave none")
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    kind: str = Field(
        default="unknown",
        description="Stable short slug derived from the message for grouping, e.g. `unused_variable`",
    )
    context: str | None = Field(default=None, description="`Mod.fun/arity` or `Mod (module)` when printed")
    related: list[Location] = Field(
        default_factory=list, description="Further locations of the same warning ('found at 2 locations')"
    )
    exception: str | None = Field(
        default=None, description="Exception module for errors, e.g. `CompileError`, `SyntaxError`"
    )
    compiler: str | None = Field(default=None, description="`elixir`, `erlang` or `mix` when known")
    stacktrace: list[str] = Field(
        default_factory=list, description="Frames printed under an exception (errors raised while compiling)"
    )
    app: str | None = Field(default=None, description="Umbrella child app (`==> app` header) that printed it")
    source: DiagnosticSource = "text"
    log_line: int | None = Field(default=None, description="1-based line of the log where it starts")


class TestFailure(BaseModel):
    """One ExUnit failure block (a numbered `  N) test ...` entry)."""

    __test__ = False  # not a pytest test class, despite the name

    name: str = Field(
        description="Name as ExUnit prints it: `test does x`, `doctest Mod.fun/1 (2)`, `setup_all`"
    )
    module: str | None = None
    file: str | None = None
    line: int | None = None
    kind: TestFailureKind = "failure"
    message: str = ""
    exception: str | None = Field(default=None, description="`ArgumentError` for `** (ArgumentError) ...`")
    code: str | None = None
    left: str | None = None
    right: str | None = None
    stacktrace: list[str] = Field(default_factory=list)
    number: int | None = Field(default=None, description="As printed; ExUnit failure numbers are not unique")
    app: str | None = None
    source: DiagnosticSource = "text"
    log_line: int | None = None


class TestSummary(BaseModel):
    """The `N tests, M failures, ...` line plus `Finished in` and `Randomized with seed`."""

    __test__ = False

    tests: int = 0
    failures: int = 0
    excluded: int | None = None
    skipped: int | None = None
    invalid: int | None = None
    doctests: int | None = None
    properties: int | None = None
    seed: int | None = None
    duration_seconds: float | None = None
    load_seconds: float | None = None
    app: str | None = None


class CompileResult(BaseModel):
    """Diagnostics and facts from compiler output (also the compile part of a `mix test`)."""

    diagnostics: list[Diagnostic] = Field(default_factory=list)
    warnings_as_errors_failed: bool = Field(
        default=False, description="'Compilation failed due to warnings while using --warnings-as-errors'"
    )
    compiled: list[str] = Field(
        default_factory=list, description="'Compiling N files (.ex)' lines, e.g. `3 files (.ex)`"
    )
    generated_apps: list[str] = Field(default_factory=list, description="Apps named by 'Generated X app'")
    apps: list[str] = Field(default_factory=list, description="Umbrella apps seen in `==> app` headers")
    mix_errors: list[str] = Field(default_factory=list, description="`** (Mix) ...` messages")
    unparsed_lines: int = Field(default=0, description="Lines that looked meaningful but were not understood")
    unparsed_sample: list[str] = Field(default_factory=list)
    notes: list[str] = Field(
        default_factory=list, description="Other messages worth knowing (deadlocks, deps, build lock)"
    )

    @computed_field
    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @computed_field
    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    @computed_field
    @property
    def infos(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "info")


class TestResult(BaseModel):
    """Parsed `mix test` output: compile diagnostics printed first, then ExUnit's report."""

    __test__ = False

    compile: CompileResult = Field(default_factory=CompileResult)
    failures: list[TestFailure] = Field(default_factory=list)
    summary: TestSummary | None = Field(default=None, description="Totals over all summaries")
    summaries: list[TestSummary] = Field(default_factory=list, description="One per app in an umbrella")
    seed: int | None = None
    no_tests_reason: str | None = Field(
        default=None, description="e.g. 'Paths given to \"mix test\" did not match any directory/file: ...'"
    )
    notes: list[str] = Field(default_factory=list, description="Other lines worth knowing (mix messages)")
    unparsed_lines: int = 0
    unparsed_sample: list[str] = Field(default_factory=list)
    warnings_as_errors_failed: bool = Field(
        default=False, description="'ERROR! Test suite aborted ... due to warnings ... --warnings-as-errors'"
    )
    max_failures_reached: bool = False
    logged_errors: list[str] = Field(
        default_factory=list, description="Distinct `[error]` log lines printed during the run (first 20)"
    )
    logged_error_count: int = 0


class FormatResult(BaseModel):
    """Parsed `mix format --check-formatted` output."""

    unformatted_files: list[str] = Field(default_factory=list)
    diffs: dict[str, str] = Field(default_factory=dict, description="Diff per file (1.15+ print one)")
    diagnostics: list[Diagnostic] = Field(default_factory=list, description="Files it could not parse")
    mix_errors: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="What the run did besides checking")
    unparsed_lines: int = 0
    unparsed_sample: list[str] = Field(default_factory=list)

    @computed_field
    @property
    def check_failed(self) -> bool:
        return bool(self.unformatted_files or self.diagnostics or self.mix_errors)


class MixRunResult(BaseModel):
    """A mix run: parsed output plus what the runner knows. Parsers leave the run fields empty."""

    command: MixCommand = "unknown"
    compile: CompileResult | None = None
    test: TestResult | None = None
    format: FormatResult | None = None
    # Filled by the runner, not by the parsers.
    argv: list[str] | None = None
    exit_code: int | None = None
    duration_seconds: float | None = None
    timed_out: bool = False
    cancelled: bool = False
    log_path: str | None = None
    log_uri: str | None = None
    log_bytes: int | None = None
    dropped_bytes: int = Field(default=0, description="Output bytes not kept in memory (they are in the log)")
    truncated: bool = False
    structured_source: DiagnosticSource = Field(
        default="text", description="`json` when the injected Elixir helpers produced the data"
    )


class MixRun(MixRunResult):
    """A parsed mix run plus the id of its record (its full log is `torus://runs/{run_id}/log`)."""

    run_id: str | None = None
    fallback_reason: str | None = Field(
        default=None, description="Why the structured data of the Elixir helpers was not used"
    )
    build_lock: tuple[str, int] | None = Field(
        default=None, description="('build' | 'deps', OS pid) of a lock another mix process held"
    )
