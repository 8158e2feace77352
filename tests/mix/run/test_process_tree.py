"""Finding and signalling the processes of a run by pid and start time (Linux /proc)."""

from __future__ import annotations

import os
import signal
import subprocess

from torus_mcp.mix.run import process_tree


def test_children_are_found_with_their_start_time() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        keys = [key for key in process_tree.descendants(os.getpid()) if key[0] == child.pid]
        assert len(keys) == 1 and keys[0][1] > 0
    finally:
        child.kill()
        child.wait()


def test_a_recorded_pid_that_now_belongs_to_another_process_is_never_signalled() -> None:
    unrelated = subprocess.Popen(["sleep", "30"])
    try:
        (key,) = [k for k in process_tree.descendants(os.getpid()) if k[0] == unrelated.pid]
        # What a run recorded under this pid started earlier: that process is gone, the pid was reused.
        recorded_earlier = (unrelated.pid, key[1] - 1)
        process_tree.signal_processes({recorded_earlier}, signal.SIGKILL)
        # Signals arrive in order: had the SIGKILL been sent, it and not this SIGTERM would end it.
        process_tree.signal_processes({key}, signal.SIGTERM)
        assert unrelated.wait(timeout=10) == -signal.SIGTERM
    finally:
        unrelated.kill()
        unrelated.wait()


def test_a_group_that_is_gone_is_reported() -> None:
    child = subprocess.Popen(["sleep", "30"], start_new_session=True)
    assert process_tree.group_exists(child.pid)
    assert process_tree.signal_group(child.pid, signal.SIGKILL)
    child.wait()
    assert not process_tree.group_exists(child.pid)
