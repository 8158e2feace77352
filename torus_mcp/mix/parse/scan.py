"""One pass over a mix log that understands compiler, ExUnit and `mix format` output together.

`mix test` compiles before it tests, an umbrella prints `==> app` before each child's output, and a
pasted CI log may hold any of them; so there is one scanner, and the `parse_*_output` functions
only choose which part of its findings to return. Each top-level line costs one regex match
(`lines.LINE_KIND`); the block parsers of `compile`, `test` and `format` consume the lines of a
block. This module sits above them: they never import it. Nothing raises: lines that are not
understood are counted and sampled.
"""

from __future__ import annotations

from torus_mcp.mix.models import (
    CompileResult,
    Diagnostic,
    FormatResult,
    MixCommand,
    MixRunResult,
    TestFailure,
    TestResult,
    TestSummary,
)
from torus_mcp.mix.parse.compile import (
    parse_diagnostic_block,
    parse_erlang_diagnostic,
    parse_exception_diagnostic,
)
from torus_mcp.mix.parse.format import CHECK_FAILED_TEXT, parse_unformatted_files
from torus_mcp.mix.parse.lines import LINE_KIND, clean_lines
from torus_mcp.mix.parse.test import (
    combine_summaries,
    parse_failure_block,
    parse_finished_line,
    parse_summary_line,
)

_SAMPLE_LIMIT = 10
_SAMPLE_WIDTH = 200
_LOGGED_ERRORS_LIMIT = 20
# Lines that begin ExUnit's report (or appear only in it): they tell a test run from a compile.
_TEST_MARKERS = frozenset(
    {
        "failure",
        "summary",
        "finished",
        "seed",
        "running",
        "tags",
        "trace",
        "progress",
        "slowest",
        "no_tests",
        "test_wae",
        "max_failures",
    }
)


class LogScan:
    """Everything one pass found in a log. Build with `scan_log`."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.failures: list[TestFailure] = []
        self.summaries: list[TestSummary] = []
        self.seed: int | None = None
        self.apps: list[str] = []
        self.compiled: list[str] = []
        self.generated_apps: list[str] = []
        self.mix_errors: list[str] = []
        self.notes: list[str] = []
        self.test_notes: list[str] = []
        self.no_tests_reason: str | None = None
        self.compile_wae_failed = False
        self.test_wae_failed = False
        self.max_failures_reached = False
        self.format_check_failed = False
        self.unformatted_files: list[str] = []
        self.diffs: dict[str, str] = {}
        self.logged_errors: list[str] = []
        self.logged_error_count = 0
        self.unparsed_lines = 0
        self.unparsed_sample: list[str] = []
        self.saw_test = False
        self.saw_format = False

    # --- results ---------------------------------------------------------------------------

    def compile_result(self) -> CompileResult:
        return CompileResult(
            diagnostics=self.diagnostics,
            warnings_as_errors_failed=self.compile_wae_failed,
            compiled=self.compiled,
            generated_apps=self.generated_apps,
            apps=self.apps,
            mix_errors=self.mix_errors,
            unparsed_lines=self.unparsed_lines,
            unparsed_sample=self.unparsed_sample,
            notes=self.notes,
        )

    def test_result(self) -> TestResult:
        return TestResult(
            compile=self.compile_result(),
            failures=self.failures,
            summary=combine_summaries(self.summaries),
            summaries=self.summaries,
            seed=self.seed,
            no_tests_reason=self.no_tests_reason,
            notes=self.test_notes,
            unparsed_lines=self.unparsed_lines,
            unparsed_sample=self.unparsed_sample,
            warnings_as_errors_failed=self.test_wae_failed,
            max_failures_reached=self.max_failures_reached,
            logged_errors=self.logged_errors,
            logged_error_count=self.logged_error_count,
        )

    def format_result(self) -> FormatResult:
        return FormatResult(
            unformatted_files=self.unformatted_files,
            diffs=self.diffs,
            diagnostics=self.diagnostics,
            mix_errors=self.mix_errors,
            unparsed_lines=self.unparsed_lines,
            unparsed_sample=self.unparsed_sample,
        )

    def command(self) -> MixCommand:
        """Which mix command most likely printed this log."""
        if self.saw_test or self.failures or self.summaries:
            return "test"
        if self.saw_format:
            return "format"
        if self.diagnostics or self.compiled or self.generated_apps or self.compile_wae_failed or self.notes:
            return "compile"
        return "unknown"

    # --- bookkeeping -----------------------------------------------------------------------

    def unparsed(self, index: int, line: str) -> None:
        self.unparsed_lines += 1
        if len(self.unparsed_sample) < _SAMPLE_LIMIT:
            self.unparsed_sample.append(f"{index + 1}: {line[:_SAMPLE_WIDTH]}")

    def mix_error(self, text: str) -> None:
        text = text.strip()
        if CHECK_FAILED_TEXT in text:
            # `mix format --check-formatted` reports its verdict as a Mix error; the file list
            # that follows is the finding.
            self.saw_format = True
            self.format_check_failed = True
            return
        if text not in self.mix_errors:
            self.mix_errors.append(text)


def _dependency_block(lines: list[str], i: int) -> tuple[str, int]:
    """A dependency or lock message and what belongs to it: `* dep (...)` entries, their
    indented status lines and git's `fatal:` lines. A `** (Mix)` error after it is left to the
    scanner."""
    n = len(lines)
    block = [lines[i].rstrip()]
    j = i + 1
    while j < n:
        line = lines[j]
        if not line.strip() or "** (Mix)" in line or not line.startswith((" ", "* ", "fatal: ")):
            break
        block.append(line.rstrip())
        j += 1
    return "\n".join(block), j


def scan_log(text: str) -> LogScan:
    """Scan a whole mix log (compile, test and/or format output, any Elixir 1.14-1.19)."""
    scan = LogScan()
    lines = clean_lines(text)
    n = len(lines)
    app: str | None = None
    pending_seed: int | None = None
    pending_duration: tuple[float | None, float | None] = (None, None)
    pending_format_file: str | None = None
    match = LINE_KIND.match
    i = 0
    while i < n:
        line = lines[i]
        if not line or line.isspace():
            i += 1
            continue
        m = match(line)
        if m is None:
            if "** (Mix)" in line:
                scan.mix_error(line[line.index("** (Mix)") + 9 :])
            else:
                scan.unparsed(i, line)
            i += 1
            continue
        kind = m.lastgroup

        if kind == "diag":
            diag, i = parse_diagnostic_block(
                lines, i, len(m.group("diag_indent")), m.group("sev"), m.group("diag_msg") or "", app
            )
            scan.diagnostics.append(diag)
        elif kind == "failure":
            failure, i = parse_failure_block(lines, i, int(m.group("fnum")), m.group("ftitle"), app)
            scan.failures.append(failure)
        elif kind == "erlang":
            diag, j = parse_erlang_diagnostic(lines, i, m, app)
            if diag is None:
                scan.unparsed(i, line)
                i += 1
            else:
                scan.diagnostics.append(diag)
                i = j
        elif kind == "comperr":
            file = m.group("cfile").strip()
            cline = int(m.group("cline")) if m.group("cline") else None
            j = i + 1
            if j < n and lines[j].startswith("** ("):
                diag, i = parse_exception_diagnostic(lines, j, app, file=file, line=cline)
                scan.diagnostics.append(diag)
            else:
                scan.diagnostics.append(
                    Diagnostic(
                        severity="error",
                        message=f"Compilation error in file {file}",
                        file=file,
                        line=cline,
                        kind="compile_error",
                        compiler="elixir",
                        app=app,
                        log_line=i + 1,
                    )
                )
                i = j
        elif kind == "exception":
            if line.startswith("** (Mix)"):
                # Indented lines after a Mix error continue its message.
                j = i + 1
                while j < n and lines[j][:1] in (" ", "\t"):
                    j += 1
                scan.mix_error("\n".join([line[9:], *(x.strip() for x in lines[i + 1 : j])]))
                i = j
            else:
                diag, i = parse_exception_diagnostic(lines, i, app, file=pending_format_file)
                pending_format_file = None
                scan.diagnostics.append(diag)
        elif kind == "summary":
            summary = parse_summary_line(line)
            if summary is None:
                scan.unparsed(i, line)
            else:
                summary.seed = pending_seed
                summary.duration_seconds, summary.load_seconds = pending_duration
                summary.app = app
                scan.summaries.append(summary)
                pending_seed = None
                pending_duration = (None, None)
            i += 1
        elif kind == "finished":
            pending_duration = parse_finished_line(line)
            scan.saw_test = True
            i += 1
        elif kind == "seed" or kind == "running":
            seed = int(m.group("seed_n") or m.group("run_seed"))
            if scan.seed is None:
                scan.seed = seed
            if kind == "running":
                pending_seed = seed
            elif scan.summaries and scan.summaries[-1].seed is None:
                scan.summaries[-1].seed = seed
            scan.saw_test = True
            i += 1
        elif kind == "logger":
            level_start = line.find("[")
            level = line[level_start + 1 : line.find("]", level_start)] if level_start >= 0 else ""
            if level == "error":
                scan.logged_error_count += 1
                entry = line[line.find("]", level_start) + 1 :].strip()
                if entry not in scan.logged_errors and len(scan.logged_errors) < _LOGGED_ERRORS_LIMIT:
                    scan.logged_errors.append(entry)
            i += 1
            # The entry goes on (a raised exception, its stacktrace) until a blank line or a line
            # that starts anything else the scanner knows.
            while i < n and lines[i] and not lines[i].isspace():
                nm = match(lines[i])
                if nm is not None and nm.lastgroup != "exception":
                    break
                i += 1
        elif kind == "umbrella":
            app = m.group("app")
            if app not in scan.apps:
                scan.apps.append(app)
            i += 1
        elif kind == "compiling":
            if line.startswith("Compiling "):
                what = line[10:].strip()
                if "taking more than" in what:
                    scan.notes.append(line.strip())
                else:
                    scan.compiled.append(what)
            elif line.startswith("Generated "):
                scan.generated_apps.append(line.split()[1])
            i += 1
        elif kind == "wae":
            scan.compile_wae_failed = True
            i += 1
        elif kind == "deadlock":
            block, i = _deadlock_block(lines, i)
            scan.notes.append(block)
        elif kind == "test_wae":
            scan.test_wae_failed = True
            scan.saw_test = True
            scan.test_notes.append(line.strip())
            i += 1
        elif kind == "no_tests":
            scan.saw_test = True
            scan.test_notes.append(line.strip())
            # "All tests have been excluded." is weaker than the reason mix gives after it.
            if scan.no_tests_reason is None or not line.startswith("All tests"):
                scan.no_tests_reason = line.strip()
            i += 1
        elif kind == "max_failures":
            scan.max_failures_reached = True
            scan.saw_test = True
            i += 1
        elif kind == "format":
            scan.saw_format = True
            if m.group("format_file"):
                pending_format_file = m.group("format_file").strip()
                i += 1
            else:
                scan.format_check_failed = True
                files, diffs, i = parse_unformatted_files(lines, i)
                scan.unformatted_files.extend(files)
                scan.diffs.update(diffs)
        elif kind == "deps":
            note, i = _dependency_block(lines, i)
            scan.notes.append(note)
        else:
            # tags, trace, progress, slowest: ExUnit furniture with nothing to keep.
            i += 1
        if kind in _TEST_MARKERS:
            scan.saw_test = True
    return scan


def _deadlock_block(lines: list[str], i: int) -> tuple[str, int]:
    """`Compilation failed because of a deadlock between files.`, the indented `file => Module`
    list and the closing advice (`Ensure there are no compile-time dependencies ...`)."""
    n = len(lines)
    block = [lines[i].strip()]
    j = i + 1
    while j < n:
        line = lines[j]
        if line.startswith("Ensure there are no"):
            block.append(line.strip())
            j += 1
            break
        if line.strip() and not line.startswith((" ", "The following files depended")):
            break
        if line.strip():
            block.append(line.strip())
        j += 1
    return "\n".join(block), j


def parse_mix_output(text: str, command: MixCommand | None = None) -> MixRunResult:
    """Parse any mix log as the output of `command`, or of the command detected from the log when
    None (a log that shows nothing of a test or format run counts as `mix compile`).

    The result's run fields (exit code, duration, log location) stay empty; a runner fills them.
    """
    scan = scan_log(text)
    command = command or scan.command()
    if command == "test":
        return MixRunResult(command="test", test=scan.test_result())
    if command == "format":
        return MixRunResult(command="format", format=scan.format_result())
    return MixRunResult(command=command, compile=scan.compile_result())


def parse_compile_output(text: str) -> CompileResult:
    """Parse `mix compile` output (any Elixir 1.14-1.19 layout) into diagnostics. Never raises."""
    return scan_log(text).compile_result()


def parse_test_output(text: str) -> TestResult:
    """Parse `mix test` output: compiler diagnostics printed first, then failures and summary.

    Never raises; lines it does not understand are counted in `unparsed_lines`.
    """
    return scan_log(text).test_result()


def parse_format_output(text: str) -> FormatResult:
    """Parse `mix format --check-formatted` output. Never raises."""
    return scan_log(text).format_result()
