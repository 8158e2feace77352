"""A test that sleeps forever (and holds an OS child through a port) is killed at the timeout
or on cancellation, and nothing of the run survives: not the VM, not erl_child_setup, not the
port program, which live in sessions of their own."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from tests.mix.run.process_checks import assert_group_gone, assert_processes_gone
from torus_mcp.mix.operations import TestSelection, test_project
from torus_mcp.mix.run import process_tree
from torus_mcp.mix.run.progress import ProgressEvent

pytestmark = [pytest.mark.anyio, pytest.mark.mix]


def _command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class RunWatcher:
    """Progress sink that remembers the run's pid, its descendants and the gaps between events."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.descendants: set[process_tree.ProcessKey] = set()
        self.elapsed: list[float] = []
        self.port_program_seen = anyio.Event()

    async def __call__(self, event: ProgressEvent) -> None:
        self.elapsed.append(event.elapsed_seconds)
        if event.pid is None:
            return
        self.pid = event.pid
        found = process_tree.descendants(event.pid)
        self.descendants.update(found)
        if any(_command_name(pid) == "sleep" for pid, _ in found):
            self.port_program_seen.set()


async def test_timeout_kills_every_process_of_the_run(built_projects: dict[str, Path]) -> None:
    watcher = RunWatcher()
    result = await test_project(
        built_projects["test_outcomes_app"], TestSelection(only=["hang"]), timeout=8, on_progress=watcher
    )
    assert result.timed_out and result.exit_code is None
    assert "HANG_TEST_STARTED" in Path(result.log_path or "").read_text()
    assert watcher.port_program_seen.is_set(), "the hanging test's port program was never running"
    assert_group_gone(watcher.pid)
    assert_processes_gone(watcher.descendants)
    # Progress came at least every 2 seconds while mix ran.
    gaps = [b - a for a, b in zip([0.0, *watcher.elapsed], watcher.elapsed, strict=False)]
    assert len(watcher.elapsed) >= 4 and max(gaps) <= 2.0
    assert result.fallback_reason and "before the suite finished" in result.fallback_reason


async def test_cancellation_kills_every_process_of_the_run(built_projects: dict[str, Path]) -> None:
    watcher = RunWatcher()
    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:

            async def run() -> None:
                await test_project(
                    built_projects["test_outcomes_app"], TestSelection(only=["hang"]), on_progress=watcher
                )
                pytest.fail("the hanging test finished")

            group.start_soon(run)
            await watcher.port_program_seen.wait()
            group.cancel_scope.cancel()
    assert watcher.pid is not None
    assert_group_gone(watcher.pid)
    assert_processes_gone(watcher.descendants)


async def test_a_hanging_test_run_stops_at_its_timeout_not_long_after(
    built_projects: dict[str, Path],
) -> None:
    timeout = 4
    # Generous on purpose: the timeout, the SIGTERM grace and draining the pipe fit well within five
    # timeouts even on a loaded machine; a timeout enforced at ten times its value does not.
    with anyio.fail_after(timeout * 5):
        result = await test_project(
            built_projects["test_outcomes_app"], TestSelection(only=["hang"]), timeout=timeout
        )
    assert result.timed_out and result.exit_code is None
    assert result.duration_seconds is not None and timeout <= result.duration_seconds < timeout * 5
