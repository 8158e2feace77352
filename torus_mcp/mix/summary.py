"""Token budgets for mix results: exact totals, a few items inline, the rest left in the log.

A build with 300 warnings is 100+ KB of text; an assistant needs the counts, the errors, a sample
of warnings and where the rest are (grouped by file and by kind), not every line. Items left out
stay reachable in the full log (`log_line` says where each one starts). Long texts (a multi-MB
`left:` value, a 40-line type warning) are cut to a fixed size with a marker saying so.

`report_run` is the one function that shapes a run for the mix tools and the `compile` / `test`
commands alike; `digest_run` shapes a parsed log (`parse-mix`) and is the part they share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, field_serializer

from torus_mcp.mix.models import Diagnostic, MixRun, MixRunResult, TestFailure, TestSummary

DEFAULT_LIMIT = 20
DEFAULT_TEXT_CHARS = 800
DEFAULT_FRAMES = 8
TOP_FILES = 20
NO_TESTS_ERRORS = ('Paths given to "mix test" did not match', "The --only option was given")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_FAILURE_ORDER = {"setup_all": 0, "error": 1, "failure": 2, "doctest": 2, "invalid": 3}


def clip(text: str | None, limit: int) -> str | None:
    """`text` cut to `limit` characters, saying how much was cut."""
    if text is None or limit <= 0 or len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters in the log]"


def _file_key(file: str | None, app: str | None) -> str:
    # Umbrella children print paths relative to themselves: two apps can both have lib/x.ex.
    name = file or "(no file)"
    return f"[{app}] {name}" if app else name


def _without_empty(items: list[dict]) -> list[dict]:
    # Inline items leave out null and empty fields and `source: "text"`: they are the defaults of
    # the item model, and twenty items of `"end_line": null, "related": []` cost more tokens than
    # their messages.
    return [
        {
            k: v
            for k, v in item.items()
            if v is not None and v != [] and v != {} and (k, v) != ("source", "text")
        }
        for item in items
    ]


def _ranked_counts(values: Iterable[str], top: int | None = None) -> dict[str, int]:
    # Largest groups first, ties by name, so the same log always gives the same JSON.
    counts = Counter(values)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top])


class DiagnosticDigest(BaseModel):
    """Compiler diagnostics within a budget: exact totals, errors first, groups for the rest."""

    total: int
    errors: int
    warnings: int
    infos: int
    shown: list[Diagnostic] = Field(description="Errors first, then warnings, in log order")
    omitted: int = Field(description="Diagnostics not shown here; they are in the full log")
    by_file: dict[str, int] = Field(description=f"Diagnostics per file, the {TOP_FILES} largest files first")
    files: int = Field(description="Files with diagnostics (by_file lists at most the largest ones)")
    by_kind: dict[str, int] = Field(description="All diagnostics per kind slug, largest first")

    @field_serializer("shown", mode="wrap")
    def _compact_shown(self, value: list[Diagnostic], handler: SerializerFunctionWrapHandler) -> list[dict]:
        return _without_empty(handler(value))


def budget_diagnostics(
    diagnostics: list[Diagnostic], limit: int = DEFAULT_LIMIT, text_chars: int = DEFAULT_TEXT_CHARS
) -> DiagnosticDigest:
    """At most `limit` diagnostics inline (errors first); totals and groups always count all.

    `limit` < 0 keeps every diagnostic; `text_chars` <= 0 keeps messages whole.
    """
    ordered = sorted(
        range(len(diagnostics)), key=lambda k: (_SEVERITY_ORDER.get(diagnostics[k].severity, 3), k)
    )
    keep = ordered if limit < 0 else ordered[:limit]
    shown = []
    for k in keep:
        diag = diagnostics[k]
        message = clip(diag.message, text_chars)
        shown.append(diag if message == diag.message else diag.model_copy(update={"message": message}))
    return DiagnosticDigest(
        total=len(diagnostics),
        errors=sum(1 for d in diagnostics if d.severity == "error"),
        warnings=sum(1 for d in diagnostics if d.severity == "warning"),
        infos=sum(1 for d in diagnostics if d.severity == "info"),
        shown=shown,
        omitted=len(diagnostics) - len(shown),
        by_file=_ranked_counts((_file_key(d.file, d.app) for d in diagnostics), TOP_FILES),
        files=len({_file_key(d.file, d.app) for d in diagnostics}),
        by_kind=_ranked_counts(d.kind for d in diagnostics),
    )


class FailureDigest(BaseModel):
    """Test failures within a budget: exact totals, the first failures in full (texts clipped)."""

    total: int
    shown: list[TestFailure] = Field(
        description="setup_all failures and errors first, then assertion failures"
    )
    omitted: int = Field(description="Failures not shown here; they are in the full log")
    by_file: dict[str, int] = Field(description=f"Failures per test file, the {TOP_FILES} largest first")
    files: int = Field(description="Test files with failures")
    by_kind: dict[str, int]

    @field_serializer("shown", mode="wrap")
    def _compact_shown(self, value: list[TestFailure], handler: SerializerFunctionWrapHandler) -> list[dict]:
        return _without_empty(handler(value))


def budget_failures(
    failures: list[TestFailure],
    limit: int = DEFAULT_LIMIT,
    text_chars: int = DEFAULT_TEXT_CHARS,
    frames: int = DEFAULT_FRAMES,
) -> FailureDigest:
    """At most `limit` failures inline, each with message/code/left/right clipped to `text_chars`
    and at most `frames` stacktrace frames. `limit` < 0 keeps every failure."""
    ordered = sorted(range(len(failures)), key=lambda k: (_FAILURE_ORDER.get(failures[k].kind, 4), k))
    keep = ordered if limit < 0 else ordered[:limit]
    shown = []
    for k in keep:
        failure = failures[k]
        update: dict[str, object] = {}
        for field in ("message", "code", "left", "right"):
            value = getattr(failure, field)
            clipped = clip(value, text_chars)
            if clipped != value:
                update[field] = clipped
        if frames >= 0 and len(failure.stacktrace) > frames:
            hidden = len(failure.stacktrace) - frames
            update["stacktrace"] = [*failure.stacktrace[:frames], f"… {hidden} more frames in the log"]
        shown.append(failure.model_copy(update=update) if update else failure)
    return FailureDigest(
        total=len(failures),
        shown=shown,
        omitted=len(failures) - len(shown),
        by_file=_ranked_counts((_file_key(f.file, None) for f in failures), TOP_FILES),
        files=len({_file_key(f.file, None) for f in failures}),
        by_kind=_ranked_counts(f.kind for f in failures),
    )


class RunDigest(BaseModel):
    """What a tool returns for a mix run: verdict, exact counts, a budgeted sample, where the rest is."""

    command: str
    ok: bool = Field(description="No compile errors, no test failures, no mix errors, no unformatted files")
    exit_code: int | None = None
    duration_seconds: float | None = None
    diagnostics: DiagnosticDigest
    failures: FailureDigest | None = None
    tests: TestSummary | None = None
    seed: int | None = None
    warnings_as_errors_failed: bool = False
    unformatted_files: list[str] | None = None
    mix_errors: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    unparsed_lines: int = 0
    log_uri: str | None = None
    log_path: str | None = None
    dropped_bytes: int = 0
    truncated: bool = False
    timed_out: bool = False
    cancelled: bool = False


def run_has_problems(result: MixRunResult) -> bool:
    """True when the log shows errors, failures, mix errors, unformatted files or a
    warnings-as-errors abort (warnings alone are not a problem)."""
    compile_part = result.compile or (result.test.compile if result.test else None)
    if compile_part is not None and (
        compile_part.errors or compile_part.mix_errors or compile_part.warnings_as_errors_failed
    ):
        return True
    if result.test is not None:
        summary = result.test.summary
        if result.test.failures or result.test.warnings_as_errors_failed:
            return True
        # A bad path or an --only that matches nothing is an error for mix (exit 1), unlike a run
        # whose tests were all excluded on purpose.
        reason = result.test.no_tests_reason or ""
        if reason.startswith(NO_TESTS_ERRORS):
            return True
        if summary is not None and (summary.failures or summary.invalid):
            return True
    if result.format is not None and result.format.check_failed:
        return True
    return bool(result.timed_out or (result.exit_code not in (None, 0)))


def digest_run(
    result: MixRunResult, limit: int = DEFAULT_LIMIT, text_chars: int = DEFAULT_TEXT_CHARS
) -> RunDigest:
    """The budgeted view of a parsed (and possibly run) mix command."""
    compile_part = result.compile or (result.test.compile if result.test else None)
    diagnostics = list(compile_part.diagnostics) if compile_part else []
    mix_errors = list(compile_part.mix_errors) if compile_part else []
    notes = list(compile_part.notes) if compile_part else []
    unparsed = compile_part.unparsed_lines if compile_part else 0
    wae = bool(compile_part and compile_part.warnings_as_errors_failed)
    failures = tests = seed = unformatted = None
    if result.test is not None:
        failures = budget_failures(result.test.failures, limit, text_chars)
        tests = result.test.summary
        seed = result.test.seed
        notes.extend(result.test.notes)
        wae = wae or result.test.warnings_as_errors_failed
    if result.format is not None:
        diagnostics = list(result.format.diagnostics)
        mix_errors = list(result.format.mix_errors)
        unformatted = list(result.format.unformatted_files)
        notes.extend(result.format.notes)
        unparsed = result.format.unparsed_lines
    return RunDigest(
        command=result.command,
        ok=not run_has_problems(result),
        exit_code=result.exit_code,
        duration_seconds=result.duration_seconds,
        diagnostics=budget_diagnostics(diagnostics, limit, text_chars),
        failures=failures,
        tests=tests,
        seed=seed,
        warnings_as_errors_failed=wae,
        unformatted_files=unformatted,
        mix_errors=mix_errors,
        notes=notes,
        unparsed_lines=unparsed,
        log_uri=result.log_uri,
        log_path=result.log_path,
        dropped_bytes=result.dropped_bytes,
        truncated=result.truncated,
        timed_out=result.timed_out,
        cancelled=result.cancelled,
    )


# What the mix tools return and `torus-mcp compile|test --format json` prints: the digest plus the
# run's record and where its data came from. No docstring on purpose: it would become the
# description of the tools' output schema, which clients read on every tools/list; the title is
# the one that schema has always had.
class MixReport(RunDigest):
    model_config = ConfigDict(title="MixToolResult")

    run_id: str | None = Field(default=None, description="Read the full log as torus://runs/{run_id}/log")
    source: str | None = Field(
        default=None, description="json: from Elixir's own data; text: parsed from the log"
    )
    fallback_reason: str | None = None


def report_run(run: MixRun, limit: int = DEFAULT_LIMIT) -> MixReport:
    """A run of `mix.operations` as its callers hand it out: the digest (`limit` items inline, < 0
    for all) with the run id, the source of its data and why the JSON was not used."""
    digest = digest_run(run, limit=limit)
    return MixReport(
        **digest.model_dump(),
        run_id=run.run_id,
        source=run.structured_source,
        fallback_reason=run.fallback_reason,
    )
