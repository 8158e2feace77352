"""Identical requests made while one is pending join it; the run stops when every caller left."""

from __future__ import annotations

import anyio
import pytest

from torus_mcp.mix.run.coordinator import RunCoordinator

pytestmark = pytest.mark.anyio


async def test_identical_requests_share_one_execution() -> None:
    coordinator = RunCoordinator()
    executions = 0
    progress_seen: dict[str, list[int]] = {"a": [], "b": []}

    async def execute(emit):  # type: ignore[no-untyped-def]
        nonlocal executions
        executions += 1
        for step in range(3):
            await anyio.sleep(0.1)
            await emit(step)
        return object()

    def listener(name: str):  # type: ignore[no-untyped-def]
        async def record(event: int) -> None:
            progress_seen[name].append(event)

        return record

    results: dict[str, object] = {}

    async def call(name: str) -> None:
        results[name] = await coordinator.run("key", execute, listener(name))

    async with anyio.create_task_group() as group:
        group.start_soon(call, "a")
        await anyio.sleep(0.05)
        group.start_soon(call, "b")
    assert executions == 1
    assert results["a"] is results["b"]
    assert progress_seen["a"] == [0, 1, 2]
    assert progress_seen["b"]  # joined late, still hears the rest
    assert not coordinator.is_running("key")


async def test_a_joined_run_survives_one_caller_cancelling_and_stops_when_all_do() -> None:
    coordinator = RunCoordinator()
    finished = anyio.Event()
    cancelled = anyio.Event()

    async def execute(emit):  # type: ignore[no-untyped-def]
        try:
            await anyio.sleep(0.6)
        except anyio.get_cancelled_exc_class():
            cancelled.set()
            raise
        finished.set()
        return "done"

    # Caller A starts the run and cancels early; caller B keeps waiting and gets the result.
    result_b: list[str] = []

    async def caller_b() -> None:
        result_b.append(await coordinator.run("k", execute))

    async with anyio.create_task_group() as group:
        with anyio.move_on_after(0.2):
            group.start_soon(caller_b)
            await coordinator.run("k", execute)
    assert result_b == ["done"] and finished.is_set() and not cancelled.is_set()

    # Both callers cancel: the run itself is cancelled.
    finished = anyio.Event()
    with anyio.move_on_after(0.2):
        async with anyio.create_task_group() as group:
            group.start_soon(coordinator.run, "k2", execute)
            group.start_soon(coordinator.run, "k2", execute)
    await anyio.sleep(0.1)
    assert cancelled.is_set() and not finished.is_set()
    assert not coordinator.is_running("k2")


async def test_errors_reach_every_participant() -> None:
    coordinator = RunCoordinator()

    async def execute(emit):  # type: ignore[no-untyped-def]
        await anyio.sleep(0.1)
        raise ValueError("boom")

    outcomes: list[str] = []

    async def call() -> None:
        try:
            await coordinator.run("k", execute)
        except ValueError as exc:
            outcomes.append(str(exc))

    async with anyio.create_task_group() as group:
        group.start_soon(call)
        group.start_soon(call)
    assert outcomes == ["boom", "boom"]
