"""`run_process` on plain OS processes: ordering, stdin, caps, logs, timeouts, cancellation.

These use `sh`, `sleep` and Python itself, so they run without Elixir.
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest

from tests.mix.run.process_checks import assert_group_gone, assert_processes_gone
from torus_mcp.mix.run import process_tree
from torus_mcp.mix.run.process import RunStop, child_environment, run_process

pytestmark = pytest.mark.anyio


async def test_stdout_and_stderr_are_merged_in_arrival_order(tmp_path: Path) -> None:
    script = "echo one; echo two >&2; echo three; echo four >&2"
    run = await run_process(["sh", "-c", script], cwd=tmp_path, env=child_environment(), timeout=30)
    assert run.output.splitlines() == ["one", "two", "three", "four"]
    assert run.exit_code == 0
    assert not run.timed_out


async def test_stdin_is_dev_null_so_prompts_do_not_hang(tmp_path: Path) -> None:
    # `read` returns at once on /dev/null; with an inherited terminal or pipe it would wait.
    script = 'if read answer; then echo "got $answer"; else echo "no input"; fi'
    run = await run_process(["sh", "-c", script], cwd=tmp_path, env=child_environment(), timeout=10)
    assert run.output.strip() == "no input"


async def test_environment_is_colourless() -> None:
    env = child_environment({"MIX_ENV": "test"})
    assert env["TERM"] == "dumb"
    assert env["NO_COLOR"] == "1"
    assert env["MIX_ENV"] == "test"


async def test_full_log_on_disk_and_capped_memory(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    code = "import sys\nfor n in range(20000): sys.stdout.write(f'{n:09d}\\n')"
    run = await run_process(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=child_environment(),
        timeout=30,
        log_path=log,
        max_output_bytes=10_000,
    )
    assert log.stat().st_size == 200_000 == run.output_bytes
    assert run.dropped_bytes > 180_000
    assert len(run.output) < 11_000
    assert run.output.splitlines()[-1] == "000019999"
    assert log.read_text().splitlines()[12345] == "000012345"


async def test_exit_code_is_reported(tmp_path: Path) -> None:
    run = await run_process(["sh", "-c", "exit 3"], cwd=tmp_path, env=child_environment(), timeout=10)
    assert run.exit_code == 3


async def test_timeout_kills_the_group_and_setsid_descendants(tmp_path: Path) -> None:
    # A background child in the group, and a grandchild in a session of its own (what the BEAM's
    # erl_child_setup does for port programs): both must die with the run.
    marker = tmp_path / "started"
    script = f"sleep 300 & setsid sleep 301 & touch {marker}; wait"
    seen: list[process_tree.ProcessKey] = []

    async def tick(elapsed: float, pid: int) -> None:
        seen.extend(process_tree.descendants(pid))

    run = await run_process(
        ["sh", "-c", script],
        cwd=tmp_path,
        env=child_environment(),
        timeout=1,
        on_tick=tick,
        tick_interval=0.2,
        kill_grace=1,
    )
    assert run.timed_out and run.exit_code is None and run.stopped_reason == "timeout"
    assert marker.exists()
    assert len({pid for pid, _ in seen}) >= 2
    assert_group_gone(run.pgid)
    assert_processes_gone(seen)


async def test_cancellation_kills_the_group(tmp_path: Path) -> None:
    seen: list[int] = []
    descendants: list[process_tree.ProcessKey] = []

    async def tick(elapsed: float, pid: int) -> None:
        seen.append(pid)
        descendants.extend(process_tree.descendants(pid))

    with anyio.move_on_after(0.8) as scope:
        await run_process(
            ["sh", "-c", "sleep 300 & wait"],
            cwd=tmp_path,
            env=child_environment(),
            timeout=60,
            on_tick=tick,
            tick_interval=0.2,
            kill_grace=1,
        )
    assert scope.cancelled_caught
    assert seen, "the process never ran long enough to be seen"
    assert_group_gone(seen[0])
    assert descendants
    assert_processes_gone(descendants)


async def test_a_process_ignoring_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    script = "trap '' TERM; while true; do sleep 0.1; done"
    run = await run_process(
        ["sh", "-c", script], cwd=tmp_path, env=child_environment(), timeout=0.5, kill_grace=0.5
    )
    assert run.timed_out
    assert_group_gone(run.pgid)


async def test_stop_request_ends_the_run_with_its_reason(tmp_path: Path) -> None:
    stop = RunStop()

    async def tick(elapsed: float, pid: int) -> None:
        stop.request("build_lock")

    run = await run_process(
        ["sleep", "30"],
        cwd=tmp_path,
        env=child_environment(),
        timeout=30,
        on_tick=tick,
        tick_interval=0.2,
        stop=stop,
    )
    assert run.stopped_reason == "build_lock"
    assert not run.timed_out
    assert run.exit_code is None


async def test_ticks_come_at_least_every_interval(tmp_path: Path) -> None:
    ticks: list[float] = []

    async def tick(elapsed: float, pid: int) -> None:
        ticks.append(elapsed)

    await run_process(
        ["sleep", "0.7"], cwd=tmp_path, env=child_environment(), timeout=30, on_tick=tick, tick_interval=0.15
    )
    assert len(ticks) >= 3


async def test_output_left_in_the_pipe_after_exit_is_read(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('x' * 300000 + '\\nend\\n'); sys.stdout.flush()"
    run = await run_process([sys.executable, "-c", code], cwd=tmp_path, env=child_environment(), timeout=30)
    assert run.output.endswith("end\n")
    assert run.output_bytes == 300005


async def test_the_command_gets_sigterm_and_a_grace_period_before_sigkill(tmp_path: Path) -> None:
    # mix and the BEAM clean up on SIGTERM (flush logs, stop ports); SIGKILL comes only after the grace.
    marker = tmp_path / "terminated"
    code = (
        "import pathlib, signal, sys, time\n"
        "marker = pathlib.Path(sys.argv[1])\n"
        "def on_term(signum, frame):\n"
        "    marker.write_text('term\\n')\n"
        "    time.sleep(0.3)\n"
        "    marker.write_text('term\\nclean exit\\n')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, on_term)\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    time.sleep(0.05)\n"
    )
    stop = RunStop()

    def on_output(chunk: bytes) -> None:
        if b"ready" in chunk:
            stop.request("enough")

    run = await run_process(
        [sys.executable, "-c", code, str(marker)],
        cwd=tmp_path,
        env=child_environment(),
        timeout=60,
        on_output=on_output,
        stop=stop,
        kill_grace=10,
    )
    assert run.stopped_reason == "enough" and run.exit_code is None
    assert marker.read_text() == "term\nclean exit\n"
    assert_group_gone(run.pgid)


async def test_processes_a_command_leaves_behind_in_other_sessions_are_killed_when_it_exits(
    tmp_path: Path,
) -> None:
    # The BEAM's port programs live in sessions of their own and keep the output pipe open (their
    # stderr is the VM's). When the VM exits they are orphans its process group no longer reaches;
    # the processes seen while it ran are killed by pid and start time.
    seen: set[process_tree.ProcessKey] = set()
    orphan: set[process_tree.ProcessKey] = set()

    async def tick(elapsed: float, pid: int) -> None:
        found = process_tree.descendants(pid)
        seen.update(found)
        orphan.update(key for key in found if _arguments(key[0]) == "sleep 300")

    try:
        run = await run_process(
            ["sh", "-c", "setsid sleep 300 & sleep 0.8; echo leader done"],
            cwd=tmp_path,
            env=child_environment(),
            timeout=60,
            on_tick=tick,
            tick_interval=0.1,
        )
        assert run.exit_code == 0 and not run.timed_out and run.stopped_reason is None
        assert "leader done" in run.output
        assert orphan, "the process in its own session was never seen"
        assert_processes_gone(seen)
    finally:
        process_tree.signal_processes(seen, process_tree.KILL)


def _arguments(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""
