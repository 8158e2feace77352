"""Running mix as a child process that can always be stopped.

`run_process` is the process part: an argument list (never a shell), stdin from /dev/null (a
missing Hex asks on stdin and would wait forever), stdout and stderr merged into one pipe so the
output keeps its arrival order, its own session and process group, a wall-clock timeout and
cancellation that kill the whole group plus the BEAM's port helpers (see `process_tree`), a
bounded in-memory capture and the full stream written to a log file.

`run_mix` adds what a mix run in a project needs: preflight, the environment allowlist, one run
per project at a time (joining identical requests), a run record with its log, progress
callbacks and, when asked, the Elixir helper files loaded with `elixir -r FILE -S mix`.
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

from torus_mcp.mix.elixir.loader import helper_arguments
from torus_mcp.mix.run import process_tree
from torus_mcp.mix.run.capture import OutputCapture
from torus_mcp.mix.run.lock import RunCoordinator, project_lock
from torus_mcp.mix.run.preflight import (
    build_lock_error,
    check_mix_project,
    detect_build_lock,
    find_executable,
)
from torus_mcp.mix.run.progress import OutputProgress, ProgressEvent
from torus_mcp.mix.run.runs import RunRecord, RunStore, default_state_dir
from torus_mcp.mix.run.settings import MixSettings, check_env, load_mix_settings

ProgressCallback = Callable[[ProgressEvent], Awaitable[None]]
logger = logging.getLogger(__name__)

EVENTS_ENV = "TORUS_MCP_EVENTS_FILE"
READ_SIZE = 64 * 1024
PROGRESS_INTERVAL = 1.0
KILL_GRACE = 3.0
BUILD_LOCK_WAIT = 60.0
LOCK_FILE_NAME = "mix-run.lock"


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


_coordinator = RunCoordinator()


async def run_mix(
    project: Path,
    args: Sequence[str],
    *,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    settings: MixSettings | None = None,
    state_dir: Path | None = None,
    on_progress: ProgressCallback | None = None,
    helpers: Sequence[str] = (),
    command: str = "mix",
    build_lock_wait: float = BUILD_LOCK_WAIT,
) -> RawRun:
    """Run `mix *args` in `project`; one run per project at a time, identical requests joined.

    `helpers` names files of `torus_mcp/mix/elixir/` to load before `-S mix` (see `mix.elixir.loader`);
    they write JSON lines to the file named by TORUS_MCP_EVENTS_FILE (`RawRun.events_path`).
    `env` must pass the allowlist of `settings` (default: the project's `.torus-mcp.toml`).
    A run stuck behind another OS process's build lock for `build_lock_wait` seconds is stopped
    with `MixPreflightError`. Raises `MixPreflightError`, `MixEnvError` or `MixSettingsError`.
    """
    root = Path(project).resolve()
    check_mix_project(root)
    settings = settings or load_mix_settings(root)
    extra_env = check_env(env, settings.env_allowlist)
    mix = find_executable("mix")
    argv = [mix, *args]
    helper_env: dict[str, str] = {}
    if helpers:
        elixir = find_executable("elixir")
        helper_args, helper_env = await helper_arguments(elixir, helpers)
        argv = [elixir, *helper_args, "-S", "mix", *args]
    limit = timeout if timeout is not None else settings.test_timeout
    store = RunStore(state_dir or default_state_dir(root))
    key = (str(root), tuple(args), tuple(sorted(extra_env.items())), tuple(helpers))

    async def execute(emit: Callable[[ProgressEvent], Awaitable[None]]) -> RawRun:
        waiting_since = time.monotonic()

        async def report_wait(holder: int | None) -> None:
            holder_text = f" (held by OS pid {holder})" if holder else ""
            await emit(
                ProgressEvent(
                    elapsed_seconds=round(time.monotonic() - waiting_since, 3),
                    phase="waiting_for_project_lock",
                    lines=0,
                    output_bytes=0,
                    files_compiling=0,
                    tests_finished=0,
                    test_failures=0,
                    progress=0.0,
                    message=f"waiting for another mix run in this project to finish{holder_text}",
                )
            )

        async with project_lock(store.state_dir / LOCK_FILE_NAME, on_wait=report_wait):
            return await _execute_locked(
                store,
                root,
                argv,
                {**extra_env, **helper_env},
                limit,
                settings,
                bool(helpers),
                emit,
                build_lock_wait,
                command,
            )

    return await _coordinator.run(key, execute, on_progress)


async def _execute_locked(
    store: RunStore,
    root: Path,
    argv: list[str],
    extra_env: dict[str, str],
    timeout: float,
    settings: MixSettings,
    with_events: bool,
    emit: Callable[[ProgressEvent], Awaitable[None]],
    build_lock_wait: float,
    command: str,
) -> RawRun:
    run_id = store.new_run_id()
    log_path = store.log_path(run_id)
    events_path = store.events_path(run_id) if with_events else None
    child_env = child_environment(extra_env)
    if events_path is not None:
        events_path.write_bytes(b"")  # the helpers append (an umbrella runs one suite per app)
        child_env[EVENTS_ENV] = str(events_path)
    tracker = OutputProgress(events_path)
    stop = RunStop()
    lock_seen_at: float | None = None

    async def tick(elapsed: float, pid: int) -> None:
        nonlocal lock_seen_at
        snapshot = tracker.snapshot(elapsed, pid)
        if snapshot.phase == "waiting_for_build_lock":
            lock_seen_at = lock_seen_at if lock_seen_at is not None else elapsed
            if elapsed - lock_seen_at >= build_lock_wait:
                stop.request("build_lock")
        else:
            lock_seen_at = None
        await emit(snapshot)

    record = RunRecord(
        run_id=run_id,
        command=command,
        argv=argv,
        cwd=str(root),
        started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    try:
        raw = await run_process(
            argv,
            cwd=root,
            env=child_env,
            timeout=timeout,
            log_path=log_path,
            max_output_bytes=settings.max_output_bytes,
            on_output=tracker.feed,
            on_tick=tick,
            stop=stop,
        )
    except BaseException:
        record.cancelled = True
        record.log_bytes = log_path.stat().st_size if log_path.exists() else 0
        with anyio.CancelScope(shield=True):
            store.save(record)
        raise
    raw.run_id = run_id
    raw.events_path = str(events_path) if events_path is not None else None
    if tracker.build_lock_holder is not None or raw.stopped_reason == "build_lock":
        raw.build_lock = detect_build_lock(raw.output)
    record.duration_seconds = raw.duration_seconds
    record.exit_code = raw.exit_code
    record.timed_out = raw.timed_out
    record.log_bytes = raw.output_bytes
    record.dropped_bytes = raw.dropped_bytes
    store.save(record)
    if raw.stopped_reason == "build_lock" and raw.build_lock is not None:
        raise build_lock_error(raw.build_lock[0], raw.build_lock[1], waited=build_lock_wait)
    return raw
