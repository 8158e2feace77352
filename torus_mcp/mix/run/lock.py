"""One mix run per project at a time.

Two mix processes in one `_build` corrupt each other's manifests (Mix only locks the build
directory itself from 1.18 on), so runs are serialised per project: an `anyio.Lock` orders the
callers inside this process and an `fcntl.flock` on a file in the state directory covers other
processes (a second server, the CLI). The flock is polled instead of blocking in a thread, so a
cancelled waiter leaves at once and never acquires the lock later behind everybody's back.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio


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
