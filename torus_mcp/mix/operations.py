"""The one place that runs a mix command for a project: `mix compile`, `mix test`, `mix format`.

`compile_project`, `test_project`, `format_check` and `format_project` are what the server's tools
and the `torus-mcp compile` / `torus-mcp test` commands call; both then shape the `MixRun` they
get with `summary.report_run` (the tool's structured content, the command's JSON). Each runs
mix through `run.runner.run_mix` (preflight, lock, timeout, run record) and combines the text
parsers with the events of the injected Elixir modules: the JSON data is used when they really
wrote it (complete), the text parse otherwise, and `fallback_reason` says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from torus_mcp.mix.elixir.events import load_compile_events, load_test_events, root_relative
from torus_mcp.mix.models import CompileResult, Diagnostic, FormatResult, MixRun, TestResult
from torus_mcp.mix.parse.scan import parse_compile_output, parse_format_output, parse_test_output
from torus_mcp.mix.run.preflight import check_database, check_deps, check_mix_project
from torus_mcp.mix.run.process import RawRun
from torus_mcp.mix.run.runner import ProgressCallback, run_mix
from torus_mcp.mix.run.settings import MixSettings, load_mix_settings

COMPILE_HELPERS = ("torus_mcp_json.exs", "torus_mcp_compile.exs")
TEST_HELPERS = ("torus_mcp_json.exs", "torus_mcp_formatter.exs")
FORMATTER_ARGS = ("--formatter", "TorusMcp.ExUnitFormatter", "--formatter", "ExUnit.CLIFormatter")


def log_uri(run_id: str) -> str:
    return f"torus://runs/{run_id}/log"


async def compile_project(
    root: Path,
    *,
    force: bool = False,
    warnings_as_errors: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    on_progress: ProgressCallback | None = None,
    structured: bool = True,
    settings: MixSettings | None = None,
    state_dir: Path | None = None,
) -> MixRun:
    """`mix compile --all-warnings` (so a no-op compile still reports every warning), parsed."""
    project = _Project.open(root, settings, env, state_dir, on_progress)
    check_deps(project.root)
    flags = [*(["--force"] if force else []), *(["--warnings-as-errors"] if warnings_as_errors else [])]
    if structured:
        args, helpers = ["torus_mcp.compile", *flags], COMPILE_HELPERS
    else:
        args, helpers = ["compile", "--all-warnings", *flags], ()
    raw = await project.run("compile", args, timeout or project.settings.compile_timeout, helpers)
    compile_result = parse_compile_output(raw.output)
    fallback = "not requested" if not structured else None
    source = "text"
    if structured:
        data = load_compile_events(raw.events_path, project.root)
        if data is not None and data.complete:
            compile_result = _with_structured_diagnostics(
                compile_result, data.diagnostics, warnings_as_errors
            )
            source = "json"
        else:
            fallback = _compile_fallback(raw, data is not None)
    return _result("compile", raw, source, fallback, compile=compile_result)


@dataclass(frozen=True)
class TestSelection:
    """Which tests `mix test` runs and in what order, as a client or the command line asked."""

    __test__ = False  # not a pytest test class, despite the name

    paths: Sequence[str] = ()
    failed_only: bool = False
    stale: bool = False
    only: Sequence[str] = ()
    exclude: Sequence[str] = ()
    seed: int | None = None
    max_failures: int | None = None

    def arguments(self, root: Path) -> list[str]:
        """Checked `mix test` arguments. Every value a client sends is refused (ValueError) if it
        could be read as a flag or names a file outside the project `root`."""
        args = [_checked_test_path(root, path) for path in self.paths]
        if self.failed_only:
            args.append("--failed")
        if self.stale:
            args.append("--stale")
        for switch, tags in (("--only", self.only), ("--exclude", self.exclude)):
            for tag in tags:
                if not tag or tag.startswith("-") or any(c.isspace() for c in tag):
                    raise ValueError(
                        f"{switch} tag {tag!r} is not a tag; use e.g. `integration` or `group:db`."
                    )
                args += [switch, tag]
        seed, max_failures = self.seed, self.max_failures
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
                raise ValueError(f"seed must be a non-negative integer, got {seed!r}.")
            args += ["--seed", str(seed)]
        if max_failures is not None:
            if isinstance(max_failures, bool) or not isinstance(max_failures, int) or max_failures < 1:
                raise ValueError(f"max_failures must be a positive integer, got {max_failures!r}.")
            args += ["--max-failures", str(max_failures)]
        return args


async def test_project(
    root: Path,
    selection: TestSelection = TestSelection(),
    *,
    warnings_as_errors: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    on_progress: ProgressCallback | None = None,
    structured: bool = True,
    check_db: bool = True,
    settings: MixSettings | None = None,
    state_dir: Path | None = None,
) -> MixRun:
    """`mix test` with the given selection, parsed; failures come from ExUnit's own data when
    the JSON formatter loaded, from the text otherwise."""
    project = _Project.open(root, settings, env, state_dir, on_progress)
    check_deps(project.root)
    if check_db:
        check_database(project.root, env)
    args = ["test", *selection.arguments(project.root)]
    if warnings_as_errors:
        args.append("--warnings-as-errors")
    helpers: tuple[str, ...] = ()
    if structured:
        args += FORMATTER_ARGS
        helpers = TEST_HELPERS
    raw = await project.run("test", args, timeout or project.settings.test_timeout, helpers)
    test_result = parse_test_output(raw.output)
    fallback = "not requested" if not structured else None
    source = "text"
    if structured:
        data = load_test_events(raw.events_path, project.root)
        if data is not None and data.complete:
            test_result = test_result.model_copy(
                update={
                    "failures": data.failures,
                    "summary": data.summary,
                    "summaries": data.summaries if len(data.summaries) > 1 else test_result.summaries,
                    "seed": data.summary.seed if data.summary.seed is not None else test_result.seed,
                    "max_failures_reached": test_result.max_failures_reached or data.max_failures_reached,
                }
            )
            source = "json"
        elif data is None:
            fallback = (
                "the ExUnit JSON formatter produced no events (it did not load: the project's "
                "test_helper.exs may set its own formatters, or mix stopped before the tests ran)"
            )
        else:
            fallback = "the ExUnit JSON formatter's events end before the suite finished (run stopped)"
    return _result("test", raw, source, fallback, test=test_result)


async def format_check(
    root: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    on_progress: ProgressCallback | None = None,
    settings: MixSettings | None = None,
    state_dir: Path | None = None,
) -> MixRun:
    """`mix format --check-formatted`: the files it would rewrite (Torus CI runs it)."""
    return await _format_check(_Project.open(root, settings, env, state_dir, on_progress), timeout)


async def format_project(
    root: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    on_progress: ProgressCallback | None = None,
    settings: MixSettings | None = None,
    state_dir: Path | None = None,
) -> MixRun:
    """`mix format` on the files `mix format --check-formatted` rejects; the result lists the files that
    were rewritten, and the run is the check made afterwards (clean when formatting succeeded)."""
    project = _Project.open(root, settings, env, state_dir, on_progress)
    before = await _format_check(project, timeout)
    rewritten = list(before.format.unformatted_files) if before.format else []
    if not rewritten:
        return before
    await project.run("format", ["format", *rewritten], timeout or project.settings.format_timeout)
    after = await _format_check(project, timeout)
    if after.format is not None:
        after.format.notes.append(f"mix format rewrote {len(rewritten)} file(s): {', '.join(rewritten)}")
    return after


async def _format_check(project: _Project, timeout: float | None) -> MixRun:
    raw = await project.run(
        "format", ["format", "--check-formatted"], timeout or project.settings.format_timeout
    )
    format_result = parse_format_output(raw.output)
    # 1.15+ print absolute paths; show them like 1.14 does, relative to the project.
    format_result.unformatted_files = [
        root_relative(f, project.root) for f in format_result.unformatted_files
    ]
    return _result("format", raw, "text", None, format=format_result)


def _checked_test_path(root: Path, path: str) -> str:
    if not isinstance(path, str) or not path or path.startswith("-") or "\x00" in path:
        raise ValueError(f"test path {path!r} is not a path; use e.g. `test/my_app/foo_test.exs:12`.")
    file_part = path
    head, sep, tail = path.rpartition(":")
    if sep and tail.isdigit():
        file_part = head
    target = (root / file_part).resolve()
    if target != root and root not in target.parents:
        raise ValueError(f"test path {path!r} is outside the project; give a path relative to {root}.")
    return path


@dataclass(frozen=True)
class _Project:
    """A checked mix project and what every run of one operation in it shares."""

    root: Path
    settings: MixSettings
    env: Mapping[str, str] | None
    state_dir: Path | None
    on_progress: ProgressCallback | None

    @classmethod
    def open(
        cls,
        root: Path,
        settings: MixSettings | None,
        env: Mapping[str, str] | None,
        state_dir: Path | None,
        on_progress: ProgressCallback | None,
    ) -> _Project:
        root = Path(root).resolve()
        check_mix_project(root)
        return cls(root, settings or load_mix_settings(root), env, state_dir, on_progress)

    async def run(
        self, command: str, args: Sequence[str], timeout: float, helpers: Sequence[str] = ()
    ) -> RawRun:
        return await run_mix(
            self.root,
            args,
            timeout=timeout,
            env=self.env,
            settings=self.settings,
            state_dir=self.state_dir,
            on_progress=self.on_progress,
            helpers=helpers,
            command=command,
        )


def _with_structured_diagnostics(
    parsed: CompileResult, diagnostics: list[Diagnostic], warnings_as_errors: bool
) -> CompileResult:
    """The JSON diagnostics, with the `Mod.fun/1` context and log line the text adds.

    Under --warnings-as-errors mix returns its warnings with severity error while printing them
    as warnings; they stay warnings here (the run's failure is `warnings_as_errors_failed`).
    """
    by_place: dict[tuple[str | None, int | None, str], Diagnostic] = {}
    for diagnostic in parsed.diagnostics:
        by_place.setdefault((diagnostic.file, diagnostic.line, diagnostic.message[:40]), diagnostic)
    merged = []
    for diagnostic in diagnostics:
        text = by_place.get((diagnostic.file, diagnostic.line, diagnostic.message[:40]))
        if text is not None:
            update: dict[str, object] = {"context": text.context, "log_line": text.log_line}
            if warnings_as_errors and (diagnostic.severity, text.severity) == ("error", "warning"):
                update["severity"] = "warning"
            diagnostic = diagnostic.model_copy(update=update)
        merged.append(diagnostic)
    return parsed.model_copy(update={"diagnostics": merged})


def _compile_fallback(raw: RawRun, wrote_something: bool) -> str:
    if raw.timed_out or raw.stopped_reason:
        return "the run was stopped before the compile task finished"
    if wrote_something:
        return "the compile task's output ends before it finished (it crashed)"
    return "the compile task wrote nothing (mix stopped before compiling, e.g. on a deps or config error)"


def _result(
    command: str,
    raw: RawRun,
    source: str,
    fallback: str | None,
    *,
    compile: CompileResult | None = None,
    test: TestResult | None = None,
    format: FormatResult | None = None,
) -> MixRun:
    return MixRun(
        command=command,  # type: ignore[arg-type]
        compile=compile,
        test=test,
        format=format,
        argv=raw.argv,
        exit_code=raw.exit_code,
        duration_seconds=raw.duration_seconds,
        timed_out=raw.timed_out,
        log_path=raw.log_path,
        log_uri=log_uri(raw.run_id) if raw.run_id else None,
        log_bytes=raw.output_bytes,
        dropped_bytes=raw.dropped_bytes,
        truncated=raw.dropped_bytes > 0,
        structured_source=source,  # type: ignore[arg-type]
        run_id=raw.run_id,
        fallback_reason=fallback,
        build_lock=raw.build_lock,
    )


# Names that start with `test_` are collected by pytest wherever they are imported.
test_project.__test__ = False  # type: ignore[attr-defined]
