"""`run_mix`: one mix run in a project.

What a mix run needs besides a child process (`process.run_process`): preflight, the environment
allowlist, one run per project at a time across processes (`lock`), identical requests joined
into one run (`coordinator`), a run record with its log (`runs`), progress callbacks (`progress`)
and, when asked, the injected Elixir modules loaded with `elixir -r FILE -S mix`
(`mix.elixir.loader`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

import anyio

from torus_mcp.mix.elixir.loader import helper_arguments
from torus_mcp.mix.run.coordinator import RunCoordinator
from torus_mcp.mix.run.lock import project_lock
from torus_mcp.mix.run.preflight import (
    build_lock_error,
    check_mix_project,
    detect_build_lock,
    find_executable,
)
from torus_mcp.mix.run.process import RawRun, RunStop, child_environment, run_process
from torus_mcp.mix.run.progress import OutputProgress, ProgressEvent
from torus_mcp.mix.run.runs import RunRecord, RunStore, default_state_dir
from torus_mcp.mix.run.settings import MixSettings, check_env, load_mix_settings

ProgressCallback = Callable[[ProgressEvent], Awaitable[None]]

EVENTS_ENV = "TORUS_MCP_EVENTS_FILE"
BUILD_LOCK_WAIT = 60.0
LOCK_FILE_NAME = "mix-run.lock"

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
