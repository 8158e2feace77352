"""Run records: ids, the last 20 kept, reading logs in pieces, refusing forged ids."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from torus_mcp.mix.run.runs import RunNotFoundError, RunRecord, RunStore, default_state_dir


def _record(store: RunStore, run_id: str) -> RunRecord:
    record = RunRecord(run_id=run_id, command="compile", argv=["mix", "compile"], cwd="/p", started_at="now")
    store.save(record)
    return record


def test_ids_sort_by_time_and_the_state_dir_ignores_itself(tmp_path: Path) -> None:
    store = RunStore(tmp_path / ".torus-mcp")
    first, second = store.new_run_id(), store.new_run_id()
    assert first < second
    assert (tmp_path / ".torus-mcp" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_only_the_newest_runs_are_kept(tmp_path: Path) -> None:
    store = RunStore(tmp_path, keep=20)
    ids = []
    for _ in range(25):
        run_id = store.new_run_id()
        store.log_path(run_id).write_text("log")
        _record(store, run_id)
        ids.append(run_id)
    assert store.run_ids() == ids[-20:]
    assert not store.log_path(ids[0]).exists()
    assert [r.run_id for r in store.list()] == list(reversed(ids[-20:]))
    with pytest.raises(RunNotFoundError, match="only the last 20 runs are kept"):
        store.get(ids[0])


def test_read_log_pages_through_the_file_without_splitting_characters(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    run_id = store.new_run_id()
    text = "héllo wörld\n" * 100 + "\x1b[31mred\x1b[0m\n"
    store.log_path(run_id).write_bytes(text.encode())
    pieces, offset = [], 0
    while True:
        chunk = store.read_log(run_id, offset, 7)
        pieces.append(chunk.text)
        assert "\ufffd" not in chunk.text
        offset = chunk.next_offset
        if chunk.eof:
            break
    assert "".join(pieces) == text.replace("\x1b[31m", "").replace("\x1b[0m", "")
    assert chunk.total_bytes == len(text.encode())
    assert "\x1b[31m" in store.read_log(run_id, 0, 10_000, raw=True).text


@pytest.mark.parametrize("limit", [4, 5, 6, 7, 11])
def test_a_read_never_ends_inside_a_character(tmp_path: Path, limit: int) -> None:
    store = RunStore(tmp_path)
    run_id = store.new_run_id()
    text = "a é ö € 𝄞 ü\n" * 20  # characters of one to four bytes
    store.log_path(run_id).write_bytes(text.encode())
    pieces, offset = [], 0
    while True:
        chunk = store.read_log(run_id, offset, limit)
        assert "\ufffd" not in chunk.text, (offset, chunk.text)
        pieces.append(chunk.text)
        assert chunk.next_offset > offset or chunk.eof
        offset = chunk.next_offset
        if chunk.eof:
            break
    assert "".join(pieces) == text


@pytest.mark.parametrize("forged", ["../../etc/passwd", "20250101T120000123456-abcdef/../x", "", "x" * 40])
def test_forged_run_ids_never_reach_the_filesystem(tmp_path: Path, forged: str) -> None:
    store = RunStore(tmp_path)
    with pytest.raises(RunNotFoundError, match="not a run id"):
        store.read_log(forged)


def test_unknown_run_id_says_what_is_kept(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    with pytest.raises(RunNotFoundError, match="No kept mix run"):
        store.read_log("20250101T120000123456-abcdef")
    with pytest.raises(ValueError, match="offset must be"):
        store.read_log("20250101T120000123456-abcdef", -1)


NOBODY = 65534


def _state_dirs_as_a_user_without_write_access(projects: list[Path]) -> list[str]:
    """`default_state_dir` of each project, computed by a process that cannot write where root can.

    As root (CI runs tests as root) the check runs in a forked child that has dropped to the
    unprivileged uid/gid 65534, so `os.access` answers for that user; otherwise in this process.
    """
    if os.geteuid() != 0:
        return [str(default_state_dir(project)) for project in projects]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, answer, and leave without running any cleanup
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            answer = json.dumps([str(default_state_dir(project)) for project in projects])
            os.write(write, answer.encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the unprivileged child failed"
    return json.loads(data)


def test_a_read_only_project_keeps_its_runs_in_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under a directory every user may enter (pytest's own tmp dirs are private to their owner).
    with tempfile.TemporaryDirectory(prefix="torus-mcp-readonly-") as base_name:
        base = Path(base_name)
        base.chmod(0o755)
        monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
        writable, checkout, prepared = base / "writable", base / "checkout", base / "prepared"
        writable.mkdir()
        writable.chmod(0o777)
        checkout.mkdir()
        # A read-only checkout whose state directory was made writable for this user beforehand.
        (prepared / ".torus-mcp").mkdir(parents=True)
        (prepared / ".torus-mcp").chmod(0o777)
        for read_only in (checkout, prepared):
            read_only.chmod(0o555)
        try:
            mine, stable, other, kept = _state_dirs_as_a_user_without_write_access(
                [writable, checkout, checkout, prepared]
            )
        finally:
            for read_only in (checkout, prepared):
                read_only.chmod(0o755)
    assert Path(mine) == writable / ".torus-mcp"
    assert Path(kept) == prepared / ".torus-mcp"
    assert Path(stable).is_relative_to(base / "cache" / "torus-mcp" / "projects")
    assert Path(stable).name.startswith("checkout-")
    assert stable == other  # stable, so other processes find the same lock
