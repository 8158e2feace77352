"""One mix run per project at a time, and joining a run that is already doing the same thing.

Two mix processes in one `_build` corrupt each other's manifests (Mix only locks the build
directory itself from 1.18 on), so runs are serialised per project: an `anyio.Lock` orders the
callers inside this process and an `fcntl.flock` on a file in the state directory covers other
processes (a second server, the CLI). The flock is polled instead of blocking in a thread, so a
cancelled waiter leaves at once and never acquires the lock later behind everybody's back.

An identical request (same project, arguments and environment) made while one is pending joins
it: every caller gets the same result, and the run is killed only when every caller cancelled.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import anyio

T = TypeVar("T")
Listener = Callable[[Any], Awaitable[None]]


@dataclass
class _LocalLock:
    lock: anyio.Lock
    users: int = 0


_local_locks: dict[str, _LocalLock] = {}


def _read_holder(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


@asynccontextmanager
async def project_lock(
    path: Path,
    *,
    on_wait: Callable[[int | None], Awaitable[None]] | None = None,
    poll_interval: float = 0.1,
    wait_report_interval: float = 1.0,
) -> AsyncIterator[None]:
    """Hold the project's run lock; `on_wait(holder_pid)` is awaited about every second while waiting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = str(path.resolve())
    local = _local_locks.setdefault(key, _LocalLock(anyio.Lock()))
    local.users += 1
    try:
        async with _waiting(local.lock, path, on_wait, wait_report_interval):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                await _flock(fd, path, on_wait, poll_interval, wait_report_interval)
                try:
                    os.ftruncate(fd, 0)
                    os.write(fd, str(os.getpid()).encode())
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
    finally:
        local.users -= 1
        if local.users == 0:
            _local_locks.pop(key, None)


@asynccontextmanager
async def _waiting(
    lock: anyio.Lock,
    path: Path,
    on_wait: Callable[[int | None], Awaitable[None]] | None,
    interval: float,
) -> AsyncIterator[None]:
    if on_wait is None or not lock.locked():
        async with lock:
            yield
        return
    acquired = False
    while not acquired:
        # Another task of this process runs mix in this project: say so now and every interval.
        await on_wait(os.getpid())
        with anyio.move_on_after(interval):
            await lock.acquire()
            acquired = True
    try:
        yield
    finally:
        lock.release()


async def _flock(
    fd: int,
    path: Path,
    on_wait: Callable[[int | None], Awaitable[None]] | None,
    poll_interval: float,
    report_interval: float,
) -> None:
    waited = report_interval  # report on the first miss
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if on_wait is not None and waited >= report_interval:
            waited = 0.0
            await on_wait(_read_holder(path))
        await anyio.sleep(poll_interval)
        waited += poll_interval


@dataclass
class _SharedRun(Generic[T]):
    done: anyio.Event = field(default_factory=anyio.Event)
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    listeners: list[Listener] = field(default_factory=list)
    participants: int = 0
    result: T | None = None
    error: BaseException | None = None


class RunCoordinator:
    """Runs each distinct request once at a time and lets identical concurrent requests share it."""

    def __init__(self) -> None:
        self._active: dict[Hashable, _SharedRun[Any]] = {}

    def is_running(self, key: Hashable) -> bool:
        return key in self._active

    async def run(
        self,
        key: Hashable,
        execute: Callable[[Listener], Awaitable[T]],
        on_progress: Listener | None = None,
    ) -> T:
        """Await `execute(emit)` for `key`, or join the pending execution of the same key.

        A caller that cancels leaves at once, except the first one, whose task hosts the run: it
        stays until the run ends when others still wait on it (they need its result).
        """
        shared = self._active.get(key)
        if shared is not None:
            await self._wait(shared, on_progress)
            return self._outcome(shared)
        shared = _SharedRun[T]()
        self._active[key] = shared
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._execute, key, shared, execute)
                await self._wait(shared, on_progress)
        finally:
            if self._active.get(key) is shared:
                del self._active[key]
        # Outside the task group, so an error reaches the caller as itself, not in a group.
        return self._outcome(shared)

    async def _execute(
        self, key: Hashable, shared: _SharedRun[T], execute: Callable[[Listener], Awaitable[T]]
    ) -> None:
        async def emit(event: Any) -> None:
            for listener in list(shared.listeners):
                try:
                    await listener(event)
                except Exception:  # a broken progress sink must not kill the run
                    shared.listeners.remove(listener)

        # Shielded from the first caller's cancellation: the run belongs to every participant and
        # is cancelled through `shared.scope` once the last one leaves.
        with anyio.CancelScope(shield=True):
            try:
                with shared.scope:
                    shared.result = await execute(emit)
            except Exception as exc:  # handed to every participant below
                shared.error = exc
            finally:
                if self._active.get(key) is shared:
                    del self._active[key]
                shared.done.set()

    async def _wait(self, shared: _SharedRun[T], on_progress: Listener | None) -> None:
        shared.participants += 1
        if on_progress is not None:
            shared.listeners.append(on_progress)
        try:
            await shared.done.wait()
        except BaseException:
            shared.participants -= 1
            if shared.participants == 0:
                shared.scope.cancel()
            raise
        finally:
            if on_progress is not None and on_progress in shared.listeners:
                shared.listeners.remove(on_progress)

    @staticmethod
    def _outcome(shared: _SharedRun[T]) -> T:
        if shared.error is not None:
            raise shared.error
        if shared.result is None:
            raise RuntimeError("the shared mix run was cancelled")
        return shared.result
