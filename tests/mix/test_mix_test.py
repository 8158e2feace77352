"""`test_project` on the fixture projects with real mix: failures of every kind, summary counts,
umbrella apps, the JSON formatter path agreeing with the text parser, and the fallback when the
formatter does not load."""

from __future__ import annotations

from pathlib import Path

import pytest

from torus_mcp.mix.elixir.events import load_test_events
from torus_mcp.mix.models import TestFailure
from torus_mcp.mix.operations import TEST_HELPERS, TestSelection, test_project
from torus_mcp.mix.parse.scan import parse_test_output
from torus_mcp.mix.run.runner import run_mix
from torus_mcp.mix.run.runs import RunStore, default_state_dir
from torus_mcp.mix.summary import report_run

pytestmark = [pytest.mark.anyio, pytest.mark.mix]


async def test_failures_of_every_kind_and_the_summary(built_projects: dict[str, Path]) -> None:
    result = await test_project(built_projects["test_outcomes_app"], TestSelection(seed=0))
    assert result.exit_code == 2 and result.structured_source == "json"
    tests = result.test
    assert tests is not None and tests.summary is not None
    summary = tests.summary
    counts = (
        summary.tests,
        summary.doctests,
        summary.failures,
        summary.invalid,
        summary.skipped,
        summary.excluded,
    )
    assert counts == (8, 2, 3, 2, 1, 2)
    assert tests.seed == 0
    by_kind = {f.kind: f for f in tests.failures}
    assert sorted(by_kind) == ["doctest", "error", "failure", "setup_all"]
    assert (by_kind["failure"].file, by_kind["failure"].line) == ("test/outcomes_test.exs", 9)
    assert (by_kind["failure"].left, by_kind["failure"].right) == ("4", "5")
    assert (by_kind["error"].exception, by_kind["error"].message) == ("ArgumentError", "boom")
    assert by_kind["doctest"].name == "doctest TestOutcomesApp.add/2 (2)"
    assert by_kind["doctest"].message.startswith("Doctest failed")
    setup_all = by_kind["setup_all"]
    assert (setup_all.module, setup_all.exception) == ("TestOutcomesApp.SetupAllTest", "RuntimeError")
    assert setup_all.message == "setup_all blew up"


async def test_json_and_text_agree_on_every_failure(built_projects: dict[str, Path]) -> None:
    for name in ("test_outcomes_app", "umbrella_app"):
        root = built_projects[name]
        result = await test_project(root, TestSelection(seed=0))
        assert result.run_id is not None
        structured = load_test_events(RunStore(default_state_dir(root)).events_path(result.run_id), root)
        text = parse_test_output(Path(result.log_path or "").read_text())
        assert structured is not None and structured.complete

        def key(f: TestFailure) -> tuple[object, ...]:
            # The text of a setup_all failure has no location line; ExUnit's data names the file.
            file = None if f.kind == "setup_all" else f.file
            return (file, f.line, f.kind, f.name, f.module, f.app, f.exception, f.message.split("\n")[0])

        assert sorted(map(key, structured.failures), key=str) == sorted(map(key, text.failures), key=str)
        assert structured.failures
        text_summary, json_summary = text.summary, structured.summary
        assert text_summary is not None
        for field in ("tests", "failures", "doctests", "invalid", "skipped", "excluded"):
            assert getattr(json_summary, field) == getattr(text_summary, field), (name, field)


async def test_umbrella_failures_name_their_app(built_projects: dict[str, Path]) -> None:
    result = await test_project(built_projects["umbrella_app"], TestSelection(seed=0))
    assert result.exit_code == 2 and result.test is not None
    (failure,) = result.test.failures
    assert (failure.app, failure.file, failure.line) == ("alpha", "apps/alpha/test/alpha_test.exs", 4)
    assert result.test.summary is not None and (result.test.summary.tests, result.test.summary.failures) == (
        2,
        1,
    )
    assert [s.app for s in result.test.summaries] == ["beta", "alpha"]


async def test_selecting_one_test_by_path_and_line(built_projects: dict[str, Path]) -> None:
    result = await test_project(
        built_projects["test_outcomes_app"], TestSelection(paths=["test/outcomes_test.exs:9"])
    )
    assert result.test is not None and result.test.summary is not None
    assert result.test.summary.failures == 1
    assert [f.line for f in result.test.failures] == [9]


async def test_a_formatter_that_did_not_load_is_detected(built_projects: dict[str, Path]) -> None:
    # ExUnit says nothing about a --formatter module it cannot find; only the missing file tells.
    root = built_projects["warnings_app"]
    args = ["test", "--formatter", "TorusMcp.NoSuchFormatter", "--formatter", "ExUnit.CLIFormatter"]
    raw = await run_mix(root, args, timeout=120, helpers=TEST_HELPERS)
    assert raw.events_path is not None and Path(raw.events_path).exists()
    assert load_test_events(raw.events_path, root) is None


async def test_a_run_that_stops_before_the_tests_falls_back_to_the_text(
    built_projects: dict[str, Path],
) -> None:
    result = await test_project(built_projects["compile_error_app"])
    assert result.exit_code == 1
    assert result.structured_source == "text"
    assert result.fallback_reason and "formatter produced no events" in result.fallback_reason
    assert result.test is not None
    (error,) = [d for d in result.test.compile.diagnostics if d.severity == "error"]
    assert (error.file, error.line) == ("lib/broken.ex", 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paths": ["--cover"]}, "is not a path"),
        ({"paths": ["../outside_test.exs"]}, "outside the project"),
        ({"only": ["--include"]}, "is not a tag"),
        ({"exclude": ["a b"]}, "is not a tag"),
        ({"seed": -1}, "non-negative"),
        ({"max_failures": 0}, "positive integer"),
    ],
)
def test_arguments_that_could_inject_flags_are_refused(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TestSelection(**kwargs).arguments(tmp_path)


def test_arguments_in_order(tmp_path: Path) -> None:
    args = TestSelection(
        ["test/a_test.exs:3"],
        failed_only=True,
        only=["db"],
        exclude=["slow"],
        seed=4,
        max_failures=2,
    ).arguments(tmp_path)
    assert args == [
        "test/a_test.exs:3",
        "--failed",
        "--only",
        "db",
        "--exclude",
        "slow",
        "--seed",
        "4",
        "--max-failures",
        "2",
    ]


@pytest.mark.parametrize("structured", [True, False], ids=["json", "text"])
async def test_an_umbrella_run_reports_its_seed(built_projects: dict[str, Path], structured: bool) -> None:
    result = await test_project(
        built_projects["umbrella_app"], TestSelection(seed=4242), structured=structured
    )
    assert result.structured_source == ("json" if structured else "text")
    assert result.test is not None and result.test.summary is not None
    assert [s.seed for s in result.test.summaries] == [4242, 4242]
    assert (result.test.seed, result.test.summary.seed) == (4242, 4242)
    report = report_run(result)
    assert report.seed == 4242 and report.tests is not None and report.tests.seed == 4242


def test_the_project_itself_and_its_test_directory_are_valid_paths(tmp_path: Path) -> None:
    assert TestSelection([".", "test", "test/a_test.exs:12"]).arguments(tmp_path.resolve()) == [
        ".",
        "test",
        "test/a_test.exs:12",
    ]
