"""Running a command as a child process that can always be stopped.

An argument list (never a shell), stdin from /dev/null (a missing Hex asks on stdin and would wait
forever), stdout and stderr merged into one pipe so the output keeps its arrival order, its own
session and process group, a wall-clock timeout, a stop request and cancellation that all end the
whole tree: SIGTERM to the group and to every descendant seen (the BEAM's port programs live in
sessions of their own, see `process_tree`), SIGKILL after a grace period. Output is kept in
memory up to a cap (`capture`) and written in full to a log file.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from subprocess import DEVNULL, PIPE, STDOUT

import anyio
from pydantic import BaseModel, Field

from torus_mcp.mix.run import process_tree
from torus_mcp.mix.run.capture import OutputCapture

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 1.0
KILL_GRACE = 3.0


class RawRun(BaseModel):
    """What running one command produced, before any parsing."""

    argv: list[str]
    cwd: str
    exit_code: int | None = Field(description="None when the process was killed before it exited")
    duration_seconds: float
    output: str = Field(description="Captured output (head and tail when more than the cap was printed)")
    output_bytes: int = Field(description="Total bytes printed")
    dropped_bytes: int = Field(description="Bytes left out of `output`; the log file has them")
    log_path: str | None = None
    timed_out: bool = False
    stopped_reason: str | None = Field(
        default=None, description="'timeout' or 'build_lock' when the run was ended early"
    )
    pgid: int | None = Field(default=None, description="The run's process group (gone when this returns)")
    run_id: str | None = None
    events_path: str | None = Field(default=None, description="JSON-lines file of the Elixir helpers")
    build_lock: tuple[str, int] | None = Field(
        default=None, description="('build' | 'deps', OS pid) when mix was left waiting for another's lock"
    )


class RunStop:
    """Lets the progress loop end a run early (e.g. stuck behind another process's build lock)."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self._event = anyio.Event()

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
            self._event.set()

    async def wait(self) -> None:
        await self._event.wait()


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment, made colourless and non-interactive, plus the checked extras.

    Elixir 1.14-1.18 enable ANSI only when stdout and stderr are terminals and honour NO_COLOR;
    1.19 checks the terminal itself. Pipes are never terminals, so colours stay off; TERM=dumb and
    NO_COLOR cover tools mix starts. The parsers strip ANSI codes anyway.
    """
    env = dict(os.environ)
    env.update({"TERM": "dumb", "NO_COLOR": "1"})
    env.update(extra or {})
    return env


async def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    log_path: Path | None = None,
    max_output_bytes: int = 20 * 1024 * 1024,
    on_output: Callable[[bytes], None] | None = None,
    on_tick: Callable[[float, int], Awaitable[None]] | None = None,
    tick_interval: float = PROGRESS_INTERVAL,
    stop: RunStop | None = None,
    kill_grace: float = KILL_GRACE,
) -> RawRun:
    """Run `argv` to completion, timeout, `stop.request()` or cancellation; see the module docstring.

    On cancellation the process tree is killed before the cancellation propagates.
    """
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    stop = stop or RunStop()
    capture = OutputCapture(max_output_bytes)
    started = time.monotonic()
    log = log_path.open("wb") if log_path is not None else None
    try:
        process = await anyio.open_process(
            list(argv),
            stdin=DEVNULL,
            stdout=PIPE,
            stderr=STDOUT,
            cwd=cwd,
            env=dict(env),
            start_new_session=True,
        )
    except BaseException:
        if log is not None:
            log.close()
        raise
    pgid = process.pid  # a new session makes the child its own process-group leader
    tracked: set[process_tree.ProcessKey] = set()
    eof = anyio.Event()
    reason: str | None = None

    async def pump() -> None:
        try:
            assert process.stdout is not None
            async for chunk in process.stdout:
                if log is not None:
                    log.write(chunk)
                capture.feed(chunk)
                if on_output is not None:
                    on_output(chunk)
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            pass
        finally:
            eof.set()

    async def ticker() -> None:
        while True:
            await anyio.sleep(tick_interval)
            # Remember the tree while the VM lives: once it dies its port helpers are orphans.
            tracked.update(process_tree.descendants(process.pid))
            if on_tick is not None:
                try:
                    await on_tick(time.monotonic() - started, process.pid)
                except Exception:  # a failing progress sink must not end the run
                    logger.exception("progress callback failed")

    async def wait_exit() -> None:
        nonlocal reason
        async with anyio.create_task_group() as waiters:

            async def exited() -> None:
                await process.wait()
                waiters.cancel_scope.cancel()

            async def stopped() -> None:
                await stop.wait()
                waiters.cancel_scope.cancel()

            waiters.start_soon(exited)
            waiters.start_soon(stopped)
        if process.returncode is None:
            reason = stop.reason

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(pump)
            group.start_soon(ticker)
            with anyio.move_on_after(timeout):
                await wait_exit()
            if process.returncode is None:
                reason = reason or "timeout"
                await _terminate(process, pgid, tracked, kill_grace)
            await _collect_rest(process, pgid, tracked, eof)
            group.cancel_scope.cancel()
    except BaseException:
        with anyio.CancelScope(shield=True):
            if process.returncode is None:
                await _terminate(process, pgid, tracked, kill_grace)
            await _collect_rest(process, pgid, tracked, eof)
            await process.aclose()
            if log is not None:
                log.close()
        raise
    with anyio.CancelScope(shield=True):
        await process.aclose()
    if log is not None:
        log.close()
    output, dropped = capture.take_text()
    return RawRun(
        argv=list(argv),
        cwd=str(cwd),
        exit_code=process.returncode if reason is None else None,
        duration_seconds=round(time.monotonic() - started, 3),
        output=output,
        output_bytes=capture.total_bytes,
        dropped_bytes=dropped,
        log_path=str(log_path) if log_path is not None else None,
        timed_out=reason == "timeout",
        stopped_reason=reason,
        pgid=pgid,
    )


async def _terminate(
    process: anyio.abc.Process, pgid: int, tracked: set[process_tree.ProcessKey], grace: float
) -> None:
    """SIGTERM the group and every descendant, SIGKILL whatever is left after `grace` seconds."""
    tracked.update(process_tree.descendants(process.pid))
    process_tree.signal_group(pgid, process_tree.TERMINATE)
    process_tree.signal_processes(tracked, process_tree.TERMINATE)
    with anyio.move_on_after(grace):
        await process.wait()
    if process.returncode is None:
        tracked.update(process_tree.descendants(process.pid))
    process_tree.signal_group(pgid, process_tree.KILL)
    process_tree.signal_processes(tracked, process_tree.KILL)
    await process.wait()


async def _collect_rest(
    process: anyio.abc.Process, pgid: int, tracked: set[process_tree.ProcessKey], eof: anyio.Event
) -> None:
    """After the leader exited: kill leftovers of its group and read what is still in the pipe."""
    await process.wait()
    process_tree.signal_group(pgid, process_tree.KILL)
    with anyio.move_on_after(2.0):
        await eof.wait()
    if not eof.is_set():
        # An orphaned port program still holds the pipe open: it belongs to this run, end it.
        process_tree.signal_processes(tracked, process_tree.KILL)
        with anyio.move_on_after(1.0):
            await eof.wait()
