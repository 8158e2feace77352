"""Checks that a run left no live process behind (Linux /proc)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from torus_mcp.mix.run.process_tree import ProcessKey


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2 :].split()


def is_alive(key: ProcessKey) -> bool:
    """The process with this pid and start time still exists and is not a zombie."""
    fields = _stat_fields(key[0])
    return fields is not None and int(fields[19]) == key[1] and fields[0] != "Z"


def assert_group_gone(pgid: int | None, wait: float = 10.0) -> None:
    """No live process is left in the group.

    Killed processes whose parent died first are reparented to init as zombies until init reaps
    them, and some container inits reap late; a zombie is dead, so once `killpg` still finds the
    group only live members count.
    """
    assert pgid is not None
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        live = []
        for entry in os.listdir("/proc"):
            fields = _stat_fields(int(entry)) if entry.isdigit() else None
            if fields and int(fields[2]) == pgid and fields[0] != "Z":
                live.append(int(entry))
        if not live:
            return
        assert time.monotonic() < deadline, f"processes {live} of group {pgid} are still alive"
        time.sleep(0.1)


def assert_processes_gone(keys: set[ProcessKey] | list[ProcessKey], wait: float = 10.0) -> None:
    """None of these processes is alive. A process that was sent SIGKILL can take a moment to finish
    exiting on a loaded machine, so the check allows `wait` seconds for that (and no more)."""
    deadline = time.monotonic() + wait
    while True:
        survivors = sorted({pid for pid, start in keys if is_alive((pid, start))})
        if not survivors:
            return
        assert time.monotonic() < deadline, f"processes {survivors} outlived the run"
        time.sleep(0.1)
