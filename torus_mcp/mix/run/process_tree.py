"""Finding and signalling every process a mix run started.

Killing the run's process group is not enough for the BEAM: `erl_child_setup` (the helper that
spawns ports) calls `setsid()`, so it and every OS process a test opens through a port live in
sessions of their own. Those are found by walking parent links in /proc while the VM is still
alive, and are remembered with their start time so a recycled pid is never signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

# (pid, start time in clock ticks since boot) identifies one process even after pid reuse.
ProcessKey = tuple[int, int]

_PROC = Path("/proc")


def _read_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a live process, or None when it is gone or unreadable."""
    try:
        raw = (_PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    # The command name is in parentheses and may itself contain spaces or parentheses.
    fields = raw[raw.rfind(b")") + 2 :].split()
    try:
        return int(fields[1]), int(fields[19])
    except (IndexError, ValueError):
        return None


def descendants(root_pid: int) -> list[ProcessKey]:
    """Every live descendant of `root_pid` (not the root itself). Empty where /proc is missing."""
    if not _PROC.is_dir():
        return []
    children: dict[int, list[ProcessKey]] = {}
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit():
            continue
        stat = _read_stat(int(entry.name))
        if stat is not None:
            children.setdefault(stat[0], []).append((int(entry.name), stat[1]))
    found: list[ProcessKey] = []
    stack = [root_pid]
    while stack:
        for key in children.get(stack.pop(), []):
            found.append(key)
            stack.append(key[0])
    return found


def signal_processes(keys: list[ProcessKey] | set[ProcessKey], sig: int) -> None:
    """Send `sig` to each remembered process that is still the same process."""
    for pid, start in keys:
        stat = _read_stat(pid)
        if stat is None or stat[1] != start:
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def signal_group(pgid: int, sig: int) -> bool:
    """Send `sig` to a process group; False when the group no longer exists."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        # A group whose members all became zombies owned by someone else; nothing left to kill.
        return False
    return True


def group_exists(pgid: int) -> bool:
    return signal_group(pgid, 0)


TERMINATE = signal.SIGTERM
KILL = signal.SIGKILL
