"""One run per project at a time, in-process and across processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from torus_mcp.mix.run.lock import project_lock

pytestmark = pytest.mark.anyio


async def test_two_holders_in_one_process_take_turns(tmp_path: Path) -> None:
    lock_file = tmp_path / "state" / "mix-run.lock"
    events: list[str] = []
    waits: list[int | None] = []

    async def report(holder: int | None) -> None:
        waits.append(holder)

    async def hold(name: str, delay: float) -> None:
        await anyio.sleep(delay)
        async with project_lock(lock_file, on_wait=report):
            events.append(f"{name} in")
            await anyio.sleep(0.3)
            events.append(f"{name} out")

    async with anyio.create_task_group() as group:
        group.start_soon(hold, "first", 0)
        group.start_soon(hold, "second", 0.05)
    assert events == ["first in", "first out", "second in", "second out"]
    assert waits, "the second holder never reported that it waited"


async def test_another_process_holding_the_lock_makes_us_wait(tmp_path: Path) -> None:
    lock_file = tmp_path / "mix-run.lock"
    lock_file.write_text("")
    holder_code = (
        "import fcntl, os, sys, time\n"
        "f = open(sys.argv[1], 'r+')\n"
        "fcntl.flock(f, fcntl.LOCK_EX)\n"
        "f.truncate(0); f.write(str(os.getpid())); f.flush()\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "open(sys.argv[3], 'w').close()\n"  # written while still holding the lock
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", holder_code, str(lock_file), "0.8", str(tmp_path / "released")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        reported: list[int | None] = []

        async def report(pid: int | None) -> None:
            reported.append(pid)

        async with project_lock(lock_file, on_wait=report, wait_report_interval=0.2):
            assert (tmp_path / "released").exists(), "acquired while the other process still held the lock"
        assert holder.pid in reported
    finally:
        holder.kill()
        holder.wait()


async def test_two_processes_using_the_project_lock_exclude_each_other(tmp_path: Path) -> None:
    # A second server or the CLI takes the same lock the same way: one of them waits.
    lock_file = tmp_path / "mix-run.lock"
    holder_code = (
        "import pathlib, sys, anyio\n"
        "from torus_mcp.mix.run.lock import project_lock\n"
        "async def main():\n"
        "    async with project_lock(pathlib.Path(sys.argv[1])):\n"
        "        print('locked', flush=True)\n"
        "        await anyio.sleep(float(sys.argv[2]))\n"
        "        pathlib.Path(sys.argv[3]).touch()\n"  # while still holding the lock
        "anyio.run(main)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", holder_code, str(lock_file), "0.8", str(tmp_path / "released")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        async with project_lock(lock_file):
            assert (tmp_path / "released").exists(), "acquired while the other process still held the lock"
    finally:
        holder.kill()
        holder.wait()


async def test_a_cancelled_waiter_does_not_take_the_lock_later(tmp_path: Path) -> None:
    lock_file = tmp_path / "mix-run.lock"
    released = anyio.Event()
    outcome: list[str] = []

    async def holder() -> None:
        async with project_lock(lock_file):
            await released.wait()

    async def impatient_waiter() -> None:
        with anyio.move_on_after(0.3) as scope:
            async with project_lock(lock_file):
                outcome.append("acquired a held lock")
        if scope.cancelled_caught:
            outcome.append("gave up")

    async with anyio.create_task_group() as group:
        group.start_soon(holder)
        await anyio.sleep(0.05)
        await impatient_waiter()
        released.set()
    assert outcome == ["gave up"]
    with anyio.fail_after(2):  # free again for the next caller
        async with project_lock(lock_file):
            pass
