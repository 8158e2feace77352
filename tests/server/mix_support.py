"""Fixture projects and process checks for driving the mix tools through an MCP client.

The projects are the runner tests' fixtures (tests/fixtures/elixir), copied and built once per
test module. `sleepy` is a copy of test_outcomes_app with two extra tests that only run when
selected by tag: one sleeps long enough for progress notifications, one never ends and holds an
OS child process through a port, so cancelling it has a whole process tree to kill.
"""

from __future__ import annotations

import os
from pathlib import Path

import anyio

from tests.mix.projects import copy_project, start_compile
from tests.mix.run.process_checks import assert_group_gone, assert_processes_gone
from torus_mcp.mix.run import process_tree
from torus_mcp.mix.run.runs import RunRecord, RunStore, default_state_dir

SLEEPY_TESTS = """\
defmodule TestOutcomesApp.McpSleepTest do
  use ExUnit.Case

  @tag :mcp_progress
  test "sleeps three seconds" do
    Process.sleep(3_000)
  end

  @tag :mcp_hang
  @tag timeout: :infinity
  test "sleeps forever with an OS child" do
    Port.open({:spawn_executable, System.find_executable("sleep")}, args: ["600"])
    Process.sleep(:infinity)
  end
end
"""


def build_projects(base: Path) -> dict[str, Path]:
    """Copies of the fixture projects under `base`, built in the environments the tests use."""
    roots = {name: copy_project(name, base) for name in ("warnings_app", "compile_error_app")}
    roots["test_outcomes_app"] = copy_project("test_outcomes_app", base)
    roots["sleepy"] = copy_project("test_outcomes_app", base / "sleepy")
    (roots["sleepy"] / "test" / "mcp_sleep_test.exs").write_text(SLEEPY_TESTS)
    builds = [start_compile(roots["warnings_app"], "dev")]
    builds += [start_compile(roots[name], "test") for name in ("test_outcomes_app", "sleepy")]
    for build in builds:
        build.wait(timeout=300)
    return {name: root.resolve() for name, root in roots.items()}


def _command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _start_time(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rfind(")") + 2 :].split()[19])


def mix_leader(root: Path) -> int | None:
    """The pid of the BEAM running mix in `root` that leads its own process group (the runner
    starts mix in a new session, and the `elixir` script execs into the VM)."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            in_root = os.readlink(f"/proc/{pid}/cwd") == str(root)
            leads = os.getpgid(pid) == pid
        except OSError:
            continue
        if in_root and leads and _command_name(pid) == "beam.smp":
            return pid
    return None


async def wait_for_port_child(root: Path, finished: list[object], timeout: float = 60.0) -> tuple[int, set]:
    """Wait until the mix run in `root` has a `sleep` port program running; return the run's
    process group id and every process of the run seen (pid, start time).

    `finished` is filled by the caller when the tool call returned, which must not happen first.
    """
    with anyio.fail_after(timeout):
        while True:
            assert not finished, f"the call ended before the test started hanging: {finished}"
            leader = mix_leader(root)
            if leader is not None:
                tree = set(process_tree.descendants(leader))
                if any(_command_name(pid) == "sleep" for pid, _ in tree):
                    start = _start_time(leader)
                    return leader, tree | ({(leader, start)} if start is not None else set())
            await anyio.sleep(0.1)


async def wait_until_gone(pgid: int, processes: set) -> None:
    """The group and every remembered process are gone. Polled in a worker thread so the
    in-process server keeps running its cancellation on this event loop meanwhile."""
    await anyio.to_thread.run_sync(assert_group_gone, pgid, 15.0)
    await anyio.to_thread.run_sync(assert_processes_gone, processes)


def run_ids(root: Path) -> set[str]:
    return set(RunStore(default_state_dir(root)).run_ids())


async def new_record(root: Path, known: set[str], timeout: float = 15.0) -> RunRecord:
    """The record of the one run started after `known` was taken; a cancelled run saves it while
    unwinding, which in the legacy era happens after the client has already moved on."""
    store = RunStore(default_state_dir(root))
    with anyio.fail_after(timeout):
        while True:
            records = [r for r in store.list() if r.run_id not in known]
            if records:
                assert len(records) == 1, records
                return records[0]
            await anyio.sleep(0.1)
