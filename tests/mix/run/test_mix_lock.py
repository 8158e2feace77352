"""One mix run per project with real mix: a different request waits, an identical one joins."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from torus_mcp.mix.models import MixRun
from torus_mcp.mix.operations import compile_project
from torus_mcp.mix.run.process import RawRun
from torus_mcp.mix.run.progress import ProgressEvent
from torus_mcp.mix.run.runner import run_mix
from torus_mcp.mix.run.runs import RunStore, default_state_dir

pytestmark = [pytest.mark.anyio, pytest.mark.mix]


async def test_two_different_requests_run_one_after_the_other(built_projects: dict[str, Path]) -> None:
    root = built_projects["warnings_app"]
    phases: list[str] = []
    results: dict[str, MixRun] = {}

    async def second_progress(event: ProgressEvent) -> None:
        phases.append(event.phase)

    async def first() -> None:
        results["first"] = await compile_project(root, force=True)

    async def second() -> None:
        await anyio.sleep(0.2)
        results["second"] = await compile_project(root, on_progress=second_progress)

    async with anyio.create_task_group() as group:
        group.start_soon(first)
        group.start_soon(second)
    assert phases[0] == "waiting_for_project_lock"
    assert results["first"].run_id != results["second"].run_id
    assert results["first"].compile and results["first"].compile.warnings == 7
    assert results["second"].compile and results["second"].compile.warnings == 7
    records = {r.run_id: r for r in RunStore(default_state_dir(root)).list()}
    assert results["first"].run_id in records and results["second"].run_id in records


async def test_identical_requests_join_one_run(built_projects: dict[str, Path]) -> None:
    root = built_projects["warnings_app"]
    store = RunStore(default_state_dir(root))
    before = set(store.run_ids())
    results: list[MixRun] = []

    async def call() -> None:
        results.append(await compile_project(root, force=True))

    async with anyio.create_task_group() as group:
        group.start_soon(call)
        await anyio.sleep(0.1)
        group.start_soon(call)
    assert len(results) == 2
    assert results[0].run_id == results[1].run_id
    assert set(store.run_ids()) - before == {results[0].run_id}


async def test_requests_that_differ_only_in_mix_env_are_two_runs(built_projects: dict[str, Path]) -> None:
    root = built_projects["warnings_app"]
    args = ["run", "--no-start", "-e", 'IO.puts("running in #{Mix.env()}")']
    runs: dict[str, RawRun] = {}

    async def call(mix_env: str) -> None:
        runs[mix_env] = await run_mix(root, args, env={"MIX_ENV": mix_env}, timeout=120)

    async with anyio.create_task_group() as group:
        group.start_soon(call, "dev")
        await anyio.sleep(0.1)  # the dev run is under way: a request with the same key would join it
        group.start_soon(call, "test")
    assert runs["dev"].run_id != runs["test"].run_id
    assert "running in dev" in runs["dev"].output
    assert "running in test" in runs["test"].output
