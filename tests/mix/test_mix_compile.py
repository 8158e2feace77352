"""`compile_project` on the fixture projects with real mix: counts, errors, no-op replays, and
the JSON (helper) path agreeing with the text parser on every diagnostic."""

from __future__ import annotations

from pathlib import Path

import pytest

from torus_mcp.mix.elixir.events import load_compile_events
from torus_mcp.mix.models import Diagnostic
from torus_mcp.mix.operations import compile_project, format_check
from torus_mcp.mix.parse.scan import parse_compile_output
from torus_mcp.mix.run.runs import RunStore, default_state_dir

pytestmark = [pytest.mark.anyio, pytest.mark.mix]

# (file, line, start of message) of every warning in tests/fixtures/elixir/warnings_app.
WARNINGS_APP = {
    ("lib/warnings_app/kinds.ex", 2, "unused alias Unused"),
    ("lib/warnings_app/kinds.ex", 5, 'variable "y" is unused'),
    ("lib/warnings_app/kinds.ex", 10, "NoSuchModule.call/0 is undefined"),
    ("lib/warnings_app/kinds.ex", 14, "Enum.no_such_fun/1 is undefined or private"),
    ("lib/warnings_app/kinds.ex", 18, "Enum.chunk/2 is deprecated"),
    ("lib/warnings_app/caller.ex", 2, "WarningsApp.old_hello/0 is deprecated"),
    ("lib/warnings_app/caller.ex", 6, 'variable "inner" is unused'),
}


def _places(diagnostics: list[Diagnostic]) -> set[tuple[str | None, int | None, str]]:
    found = set()
    for d in diagnostics:
        start = next((m for f, ln, m in WARNINGS_APP if (f, ln) == (d.file, d.line)), d.message[:20])
        assert d.message.startswith(start), d.message
        found.add((d.file, d.line, start))
    return found


async def test_a_forced_compile_reports_every_kind_of_warning(built_projects: dict[str, Path]) -> None:
    result = await compile_project(built_projects["warnings_app"], force=True)
    assert result.exit_code == 0 and result.structured_source == "json" and result.fallback_reason is None
    compiled = result.compile
    assert compiled is not None and (compiled.warnings, compiled.errors) == (7, 0)
    assert _places(compiled.diagnostics) == WARNINGS_APP
    kinds = {d.kind for d in compiled.diagnostics}
    assert {"unused_variable", "unused_alias", "deprecated"} <= kinds
    assert result.run_id and result.log_uri == f"torus://runs/{result.run_id}/log"
    assert Path(result.log_path or "").read_text().count("warning:") == 7


@pytest.mark.parametrize("structured", [True, False], ids=["json", "text"])
async def test_a_noop_compile_still_reports_the_warnings(
    built_projects: dict[str, Path], structured: bool
) -> None:
    root = built_projects["warnings_app"]
    await compile_project(root, structured=structured)
    again = await compile_project(root, structured=structured)
    assert again.compile is not None
    assert "Compiling" not in Path(again.log_path or "").read_text()  # really a no-op
    assert again.compile.warnings == 7
    assert _places(again.compile.diagnostics) == WARNINGS_APP
    assert again.structured_source == ("json" if structured else "text")


@pytest.mark.parametrize("structured", [True, False], ids=["json", "text"])
async def test_a_compile_error_is_an_error_diagnostic(
    built_projects: dict[str, Path], structured: bool
) -> None:
    result = await compile_project(built_projects["compile_error_app"], structured=structured)
    assert result.exit_code == 1
    compiled = result.compile
    assert compiled is not None and (compiled.errors, compiled.warnings) == (1, 1)
    (error,) = [d for d in compiled.diagnostics if d.severity == "error"]
    assert (error.file, error.line, error.exception) == ("lib/broken.ex", 3, "CompileError")
    assert error.message.startswith("undefined function missing_fun/0")


async def test_umbrella_diagnostics_name_their_app(built_projects: dict[str, Path]) -> None:
    result = await compile_project(built_projects["umbrella_app"], force=True)
    assert result.exit_code == 0 and result.structured_source == "json"
    (warning,) = result.compile.diagnostics if result.compile else []
    assert (warning.app, warning.file, warning.line) == ("alpha", "lib/alpha.ex", 3)
    assert warning.message.startswith('variable "greeting" is unused')


async def test_warnings_as_errors_fails_the_build(built_projects: dict[str, Path]) -> None:
    result = await compile_project(built_projects["warnings_app"], force=True, warnings_as_errors=True)
    assert result.exit_code == 1
    assert result.compile is not None and result.compile.warnings == 7
    assert result.compile.warnings_as_errors_failed


@pytest.mark.parametrize("project", ["warnings_app", "compile_error_app", "umbrella_app"])
async def test_json_and_text_agree_on_every_diagnostic(built_projects: dict[str, Path], project: str) -> None:
    root = built_projects[project]
    result = await compile_project(root, force=True)
    assert result.run_id is not None
    store = RunStore(default_state_dir(root))
    structured = load_compile_events(store.events_path(result.run_id), root)
    text = parse_compile_output(Path(result.log_path or "").read_text())
    assert structured is not None and structured.complete

    def key(d: Diagnostic) -> tuple[str | None, int | None, str, str | None, str]:
        return (d.file, d.line, d.severity, d.app, d.message[:40])

    json_keys = sorted(map(key, structured.diagnostics))
    assert json_keys, "the fixture should produce diagnostics"
    assert json_keys == sorted(map(key, text.diagnostics))


async def test_format_check_names_the_unformatted_file(built_projects: dict[str, Path]) -> None:
    result = await format_check(built_projects["warnings_app"])
    assert result.exit_code == 1
    assert result.format is not None and result.format.unformatted_files == ["lib/warnings_app/messy.ex"]
    assert result.run_id is not None
