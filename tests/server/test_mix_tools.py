"""mix_compile, mix_test, mix_format and the run logs through an MCP client, in both protocol eras,
on real mix: structured results, errors a client can act on, progress and cancellation."""

from __future__ import annotations

import shutil
from pathlib import Path

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from tests.mix.projects import FIXTURES
from tests.server.calls import call_error, call_ok
from tests.server.mix_support import (
    build_projects,
    new_record,
    run_ids,
    wait_for_port_child,
    wait_until_gone,
)
from tests.shared_data import require_mix

pytestmark = pytest.mark.anyio
MIX = pytest.mark.mix

KINDS_FILE = "lib/warnings_app/kinds.ex"
CALLER_FILE = "lib/warnings_app/caller.ex"
INSTALL_ADVICE = "apt-get install elixir"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture projects, copied and built once for this module (mix runs serialize per project)."""
    require_mix()
    return build_projects(tmp_path_factory.mktemp("mix-tools"))


@pytest.fixture
def unbuilt_app(tmp_path: Path) -> Path:
    """A private, never-built copy of warnings_app for checks that fail before mix starts."""
    target = tmp_path / "warnings_app"
    shutil.copytree(FIXTURES / "warnings_app", target, ignore=shutil.ignore_patterns("_build", "deps"))
    return target


# --- mix_compile -------------------------------------------------------------------------------


async def test_tools_publish_an_output_schema(connect, unbuilt_app: Path) -> None:
    async with connect(unbuilt_app) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for name in ("mix_compile", "mix_test", "mix_format"):
        schema = tools[name].output_schema
        assert schema is not None, f"{name} has no output schema"
        assert {"ok", "exit_code", "diagnostics", "log_uri", "run_id", "source"} <= set(schema["properties"])
    assert "warnings_as_errors" in tools["mix_compile"].input_schema["properties"]
    assert "warnings_as_errors" in (tools["mix_compile"].description or "")


@MIX
async def test_compile_warnings_are_counted_grouped_and_budgeted(connect, built: dict[str, Path]) -> None:
    async with connect(built["warnings_app"]) as client:
        result = await call_ok(client, "mix_compile", limit=3)
    assert (result["ok"], result["exit_code"], result["source"]) == (True, 0, "json")
    diagnostics = result["diagnostics"]
    assert (diagnostics["total"], diagnostics["warnings"], diagnostics["errors"]) == (7, 7, 0)
    assert len(diagnostics["shown"]) == 3 and diagnostics["omitted"] == 4
    assert diagnostics["by_file"] == {KINDS_FILE: 5, CALLER_FILE: 2}
    assert diagnostics["files"] == 2
    assert sum(diagnostics["by_kind"].values()) == 7
    assert {k: diagnostics["by_kind"][k] for k in ("unused_variable", "unused_alias", "deprecated")} == {
        "unused_variable": 2,
        "unused_alias": 1,
        "deprecated": 2,
    }
    for shown in diagnostics["shown"]:
        assert shown["severity"] == "warning"
        assert shown["file"] in (KINDS_FILE, CALLER_FILE) and shown["line"] >= 1 and shown["message"]
    # The inline sample follows the log.
    log_lines = [d["log_line"] for d in diagnostics["shown"]]
    assert log_lines == sorted(log_lines)
    assert result["run_id"] and result["log_uri"] == f"torus://runs/{result['run_id']}/log"


@MIX
async def test_warnings_as_errors_fails_like_ci(connect, built: dict[str, Path]) -> None:
    async with connect(built["warnings_app"]) as client:
        result = await call_ok(client, "mix_compile", force=True, warnings_as_errors=True)
    assert result["ok"] is False and result["exit_code"] == 1
    assert result["warnings_as_errors_failed"] is True
    assert result["diagnostics"]["warnings"] == 7


@MIX
async def test_a_noop_compile_still_reports_the_warnings(connect, built: dict[str, Path]) -> None:
    async with connect(built["warnings_app"]) as client:
        await call_ok(client, "mix_compile")
        again = await call_ok(client, "mix_compile")
        log = await client.read_resource(again["log_uri"])
    assert "Compiling" not in log.contents[0].text, "the second compile was not a no-op"
    assert again["ok"] is True
    assert (again["diagnostics"]["total"], again["diagnostics"]["warnings"]) == (7, 7)


@MIX
async def test_a_compile_error_comes_before_the_warnings(connect, built: dict[str, Path]) -> None:
    async with connect(built["compile_error_app"]) as client:
        result = await call_ok(client, "mix_compile", limit=1)
    assert result["ok"] is False and result["exit_code"] == 1
    diagnostics = result["diagnostics"]
    assert (diagnostics["total"], diagnostics["errors"], diagnostics["warnings"]) == (2, 1, 1)
    (error,) = diagnostics["shown"]
    assert (error["severity"], error["file"], error["line"]) == ("error", "lib/broken.ex", 3)
    assert error["message"].startswith("undefined function missing_fun/0")
    assert diagnostics["omitted"] == 1


# --- run logs -----------------------------------------------------------------------------------


@MIX
async def test_the_log_resource_returns_the_whole_log(connect, built: dict[str, Path]) -> None:
    async with connect(built["warnings_app"]) as client:
        result = await call_ok(client, "mix_compile", force=True)
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        read = await client.read_resource(result["log_uri"])
        through_tool = await call_ok(client, "read_resource", uri=result["log_uri"])
    full_log = Path(result["log_path"]).read_text()
    assert "torus://runs/{run_id}/log" in templates
    assert read.contents[0].text == full_log
    assert read.contents[0].mime_type == "text/plain"
    assert full_log.count("warning:") == 7 and "Compiling 4 files" in full_log
    assert through_tool["text"] == full_log and through_tool["total_chars"] == len(full_log)


async def test_an_unknown_run_id_is_a_clear_error(connect, unbuilt_app: Path) -> None:
    absent = "20000101T000000000000-abcdef"
    uri = f"torus://runs/{absent}/log"
    async with connect(unbuilt_app) as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource(uri)
        text = await call_error(client, "read_resource", uri=uri)
    for message in (str(raised.value), text):
        assert f"No kept mix run with id {absent!r}" in message and "last 20 runs" in message


@pytest.mark.parametrize(
    "run_id",
    ["..%2Fsecret", "..%2F..%2Fsecret", "../secret", "..", "..%2f..%2fsecret", "secret"],
)
async def test_a_run_id_that_walks_out_of_the_runs_directory_is_refused(
    connect, unbuilt_app: Path, run_id: str
) -> None:
    root = unbuilt_app
    state = root / ".torus-mcp"
    (state / "runs").mkdir(parents=True, exist_ok=True)
    # Where `runs/<id>.log` lands for ids that climb one or two levels, and a plain name in runs/.
    for planted in (state / "secret.log", root / "secret.log", state / "runs" / "secret.log"):
        planted.write_text("TOP SECRET")
    uri = f"torus://runs/{run_id}/log"
    async with connect(root) as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource(uri)
        text = await call_error(client, "read_resource", uri=uri)
    assert "TOP SECRET" not in str(raised.value) and "TOP SECRET" not in text
    assert "not a run id" in text or "Unknown resource" in text


# --- mix_test -----------------------------------------------------------------------------------


@MIX
async def test_failures_come_first_then_failed_only_reruns_them(connect, built: dict[str, Path]) -> None:
    async with connect(built["test_outcomes_app"]) as client:
        full = await call_ok(client, "mix_test", seed=0, limit=2)
        failed = await call_ok(client, "mix_test", failed_only=True, limit=10)
    assert (full["ok"], full["exit_code"], full["seed"], full["source"]) == (False, 2, 0, "json")
    tests = full["tests"]
    assert (tests["tests"], tests["failures"], tests["invalid"], tests["skipped"]) == (8, 3, 2, 1)
    failures = full["failures"]
    assert (failures["total"], failures["omitted"]) == (4, 2)
    assert failures["by_kind"] == {"setup_all": 1, "error": 1, "failure": 1, "doctest": 1}
    setup_all, error = failures["shown"]
    assert (setup_all["kind"], setup_all["module"], setup_all["file"]) == (
        "setup_all",
        "TestOutcomesApp.SetupAllTest",
        "test/setup_all_test.exs",
    )
    assert (error["kind"], error["name"], error["file"], error["line"]) == (
        "error",
        "test raises an error",
        "test/outcomes_test.exs",
        13,
    )
    assert (error["exception"], error["message"]) == ("ArgumentError", "boom")
    # --failed runs only what failed: the passing and the skipped tests stay out.
    rerun = {(f["kind"], f["name"]) for f in failed["failures"]["shown"]}
    assert failed["failures"]["total"] == 4 and len(rerun) == 4
    assert ("failure", "test fails an equality assertion") in rerun
    assert failed["tests"]["tests"] < tests["tests"] and not failed["tests"]["skipped"]


@MIX
async def test_one_test_by_path_and_line_with_a_seed(connect, built: dict[str, Path]) -> None:
    async with connect(built["test_outcomes_app"]) as client:
        result = await call_ok(client, "mix_test", paths=["test/outcomes_test.exs:9"], seed=7)
    assert result["seed"] == 7 and result["tests"]["seed"] == 7
    # ExUnit counts the file's other tests and doctests as excluded.
    assert (result["tests"]["failures"], result["tests"]["excluded"]) == (1, 5)
    (failure,) = result["failures"]["shown"]
    assert (failure["kind"], failure["file"], failure["line"]) == ("failure", "test/outcomes_test.exs", 9)
    assert (failure["left"], failure["right"]) == ("4", "5")


@MIX
async def test_max_failures_stops_early(connect, built: dict[str, Path]) -> None:
    async with connect(built["test_outcomes_app"]) as client:
        result = await call_ok(client, "mix_test", max_failures=1, seed=0)
    assert result["ok"] is False
    assert result["failures"]["total"] == 1
    # mix loads test files in parallel, so which module runs first varies even with seed 0: the first
    # failure is a failed test, or a failed setup_all whose tests ExUnit counts as invalid.
    (failure,) = result["failures"]["shown"]
    if failure["kind"] == "setup_all":
        assert result["tests"]["invalid"] >= 1
    else:
        assert result["tests"]["failures"] == 1


@MIX
async def test_only_and_exclude_select_by_tag(connect, built: dict[str, Path]) -> None:
    async with connect(built["test_outcomes_app"]) as client:
        only = await call_ok(client, "mix_test", only=["skip"])
        excluded = await call_ok(client, "mix_test", exclude=["test"])
    # --only skip runs the one test tagged :skip, which fails when it does run.
    (failure,) = only["failures"]["shown"]
    assert (failure["name"], failure["message"]) == ("test is skipped", "never runs")
    assert only["tests"]["failures"] == 1
    assert excluded["ok"] is True and excluded["tests"]["failures"] == 0
    assert excluded["failures"]["total"] == 0
    assert "All tests have been excluded." in excluded["notes"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"paths": ["--cover"]}, "is not a path"),
        ({"paths": ["../outside_test.exs"]}, "is outside the project"),
        ({"only": ["--include"]}, "is not a tag"),
        ({"seed": -1}, "non-negative"),
    ],
)
async def test_a_bad_selection_is_refused_before_mix_runs(
    connect, unbuilt_app: Path, arguments: dict, message: str
) -> None:
    async with connect(unbuilt_app) as client:
        text = await call_error(client, "mix_test", **arguments)
    assert message in text
    assert not (unbuilt_app / "_build").exists(), "mix ran for a refused selection"


@MIX
async def test_a_path_that_matches_nothing_says_so(connect, built: dict[str, Path]) -> None:
    async with connect(built["test_outcomes_app"]) as client:
        result = await call_ok(client, "mix_test", paths=["test/no_such_test.exs"])
    assert result["ok"] is False and result["exit_code"] == 1
    assert any("did not match" in note and "test/no_such_test.exs" in note for note in result["notes"])


# --- mix_format ---------------------------------------------------------------------------------


@MIX
async def test_format_check_names_the_unformatted_file(connect, built: dict[str, Path]) -> None:
    messy = built["warnings_app"] / "lib/warnings_app/messy.ex"
    before = messy.read_bytes()
    async with connect(built["warnings_app"]) as client:
        result = await call_ok(client, "mix_format")
    assert result["ok"] is False and result["exit_code"] == 1
    assert result["unformatted_files"] == ["lib/warnings_app/messy.ex"]
    assert messy.read_bytes() == before, "a check must not rewrite files"


@MIX
async def test_format_with_check_false_rewrites_the_rejected_files(connect, built: dict[str, Path]) -> None:
    messy = built["warnings_app"] / "lib/warnings_app/messy.ex"
    before = messy.read_bytes()
    try:
        async with connect(built["warnings_app"]) as client:
            result = await call_ok(client, "mix_format", check=False)
            again = await call_ok(client, "mix_format")
        assert result["ok"] is True and result["unformatted_files"] == []
        assert "mix format rewrote 1 file(s): lib/warnings_app/messy.ex" in result["notes"]
        assert again["ok"] is True
        assert messy.read_bytes() != before
    finally:
        messy.write_bytes(before)  # the fixture copy is shared by the module's other tests


# --- environment and preflight ------------------------------------------------------------------


async def test_a_variable_off_the_allowlist_is_refused(connect, unbuilt_app: Path) -> None:
    async with connect(unbuilt_app) as client:
        for tool in ("mix_compile", "mix_test", "mix_format"):
            text = await call_error(client, tool, env={"ERL_FLAGS": "-eval halt()"})
            assert "ERL_FLAGS is not allowed" in text
            assert "allowed: " in text and "MIX_ENV" in text
            assert "env_allowlist" in text and ".torus-mcp.toml" in text
        bad_value = await call_error(client, "mix_compile", env={"MIX_ENV": "../prod"})
    assert "not a mix environment name" in bad_value
    assert not (unbuilt_app / "_build").exists()


@MIX
async def test_mix_env_is_accepted_and_used(connect, built: dict[str, Path], mode: str) -> None:
    root = built["warnings_app"]
    mix_env = f"mcp_{mode}"
    assert not (root / "_build" / mix_env).exists()
    async with connect(root) as client:
        result = await call_ok(client, "mix_compile", env={"MIX_ENV": mix_env})
    assert result["ok"] is True and result["diagnostics"]["warnings"] == 7
    assert (root / "_build" / mix_env / "lib" / "warnings_app").is_dir()


async def test_a_root_without_mix_exs_is_a_clear_error(connect, tmp_path: Path) -> None:
    async with connect(tmp_path) as client:
        for tool in ("mix_compile", "mix_test", "mix_format"):
            text = await call_error(client, tool)
            assert f"{tmp_path} has no mix.exs" in text and "project's root" in text


async def test_mix_missing_from_path_says_how_to_install(
    connect, unbuilt_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    # The server runs in this process: its PATH is this process's PATH.
    monkeypatch.setenv("PATH", str(empty_bin))
    async with connect(unbuilt_app) as client:
        for tool in ("mix_compile", "mix_test", "mix_format"):
            text = await call_error(client, tool)
            assert "`mix` was not found on PATH" in text and INSTALL_ADVICE in text


# --- progress and cancellation ------------------------------------------------------------------


@MIX
async def test_progress_arrives_while_mix_runs(connect, built: dict[str, Path]) -> None:
    events: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        events.append((progress, total, message))

    async with connect(built["sleepy"]) as client:
        result = await client.call_tool("mix_test", {"only": ["mcp_progress"]}, progress_callback=on_progress)
    structured = result.structured_content
    assert not result.is_error and structured is not None
    assert structured["ok"] is True and structured["tests"]["failures"] == 0
    assert events, "no progress notification during a run of more than three seconds"
    values = [progress for progress, _, _ in events]
    assert values == sorted(values), "progress went backwards"
    assert all(message for _, _, message in events)
    assert any("tests finished" in (message or "") for _, _, message in events)


@MIX
async def test_cancelling_the_call_kills_the_mix_process_group(connect, built: dict[str, Path]) -> None:
    """Legacy era: the client sends notifications/cancelled. 2026 era: the in-process call is
    cancelled directly. Either way nothing of the run may survive, and the project is free again."""
    root = built["sleepy"]
    known = run_ids(root)
    finished: list[object] = []
    async with connect(root) as client:
        async with anyio.create_task_group() as group:

            async def call() -> None:
                finished.append(await client.call_tool("mix_test", {"only": ["mcp_hang"]}))

            group.start_soon(call)
            pgid, processes = await wait_for_port_child(root, finished)
            group.cancel_scope.cancel()
        assert not finished
        await wait_until_gone(pgid, processes)
        record = await new_record(root, known)
        assert (record.command, record.cancelled, record.exit_code) == ("test", True, None)
        # The run released the project: the next call runs instead of waiting behind it.
        with anyio.fail_after(60):
            after = await call_ok(client, "mix_test", paths=["test/outcomes_test.exs:5"])
    assert after["ok"] is True and (after["tests"]["failures"], after["tests"]["excluded"]) == (0, 5)
