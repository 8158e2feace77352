"""Joining a run that is already doing the same thing.

An identical request (same project, arguments and environment: the caller's key) made while one
is pending joins it: every caller gets the same result and the progress events, and the run is
cancelled only when every caller cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import anyio

T = TypeVar("T")
Listener = Callable[[Any], Awaitable[None]]


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
