"""Run records on disk: each mix run's full log, its structured side files and a small summary.

Layout under the state directory (by default `<project>/.torus-mcp/`, which ignores itself in
git through its own `.gitignore`):

    runs/<run id>.log      everything mix printed, stdout and stderr merged in arrival order
    runs/<run id>.jsonl    what the injected Elixir helpers wrote (when they were used)
    runs/<run id>.json     the `RunRecord` below

Only the newest `keep` runs (default 20) are kept. Run ids sort by start time and are checked
against a strict pattern before any path is built from them, since they come from clients.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import secrets
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

STATE_DIR_NAME = ".torus-mcp"
DEFAULT_KEEP = 20
RUN_ID = re.compile(r"^\d{8}T\d{6}\d{6}-[0-9a-f]{6}$")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class RunNotFoundError(ValueError):
    """No run with that id is kept (ids are shown in each mix result; only the last runs are kept)."""


class RunRecord(BaseModel):
    run_id: str
    command: str = Field(description="compile, test, format or the mix task")
    argv: list[str]
    cwd: str
    started_at: str
    duration_seconds: float | None = None
    exit_code: int | None = None
    timed_out: bool = False
    cancelled: bool = False
    log_bytes: int = 0
    dropped_bytes: int = 0


class LogChunk(BaseModel):
    run_id: str
    offset: int = Field(description="Byte offset of `text` in the log")
    next_offset: int = Field(description="Where the next read starts; equals total_bytes at the end")
    total_bytes: int
    eof: bool
    text: str


def default_state_dir(root: Path) -> Path:
    """`<root>/.torus-mcp`, or a per-project directory in the user's cache when the project
    cannot be written to (a read-only checkout still gets run logs and the cross-process lock)."""
    root = Path(root)
    state = root / STATE_DIR_NAME
    if os.access(state if state.is_dir() else root, os.W_OK):
        return state
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "torus-mcp" / "projects" / f"{root.name}-{digest}"


class RunStore:
    """The run records of one project (or of any directory given as `state_dir`)."""

    def __init__(self, state_dir: Path, keep: int = DEFAULT_KEEP) -> None:
        self.state_dir = Path(state_dir)
        self.runs_dir = self.state_dir / "runs"
        self.keep = keep

    def new_run_id(self) -> str:
        """Create the runs directory if needed, prune old runs and return a fresh id."""
        self._ensure_dirs()
        now = dt.datetime.now(dt.UTC)
        run_id = now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond:06d}-{secrets.token_hex(3)}"
        self.prune(reserve=1)
        return run_id

    def log_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{_checked(run_id)}.log"

    def events_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{_checked(run_id)}.jsonl"

    def record_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{_checked(run_id)}.json"

    def save(self, record: RunRecord) -> None:
        path = self.record_path(record.run_id)
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(record.model_dump_json(indent=1), encoding="utf-8")
        os.replace(temporary, path)

    def get(self, run_id: str) -> RunRecord:
        path = self.record_path(run_id)
        try:
            return RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError) as exc:
            raise RunNotFoundError(self._not_found(run_id)) from exc

    def run_ids(self) -> list[str]:
        """Kept run ids, oldest first."""
        if not self.runs_dir.is_dir():
            return []
        ids = {entry.name.split(".", 1)[0] for entry in os.scandir(self.runs_dir)}
        return sorted(run_id for run_id in ids if RUN_ID.match(run_id))

    def list(self) -> list[RunRecord]:
        """Records of the kept runs, newest first (runs still going have no record yet)."""
        records = []
        for run_id in reversed(self.run_ids()):
            try:
                records.append(self.get(run_id))
            except RunNotFoundError:
                continue
        return records

    def prune(self, reserve: int = 0) -> list[str]:
        """Delete the oldest runs so that `keep - reserve` remain; returns the deleted ids."""
        ids = self.run_ids()
        excess = len(ids) - max(self.keep - reserve, 0)
        removed = ids[: max(excess, 0)]
        for run_id in removed:
            for suffix in (".log", ".jsonl", ".json", ".json.tmp"):
                with contextlib.suppress(FileNotFoundError):
                    (self.runs_dir / f"{run_id}{suffix}").unlink()
        return removed

    def read_log(
        self, run_id: str, offset: int = 0, limit: int = 64 * 1024, *, raw: bool = False
    ) -> LogChunk:
        """Up to `limit` bytes of a run's log from byte `offset`, as text (ANSI codes removed unless raw)."""
        if offset < 0 or limit <= 0:
            raise ValueError("offset must be >= 0 and limit > 0; start at offset 0 and follow next_offset.")
        path = self.log_path(run_id)
        try:
            with path.open("rb") as handle:
                total = os.fstat(handle.fileno()).st_size
                handle.seek(min(offset, total))
                data = handle.read(limit)
        except OSError as exc:
            raise RunNotFoundError(self._not_found(run_id)) from exc
        data = data[: _utf8_boundary(data)] if offset + len(data) < total else data
        next_offset = min(offset, total) + len(data)
        text = data.decode("utf-8", errors="replace")
        return LogChunk(
            run_id=run_id,
            offset=min(offset, total),
            next_offset=next_offset,
            total_bytes=total,
            eof=next_offset >= total,
            text=text if raw else _ANSI.sub("", text),
        )

    def _ensure_dirs(self) -> None:
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        ignore = self.state_dir / ".gitignore"
        if not ignore.exists():
            # The state directory sits in the user's project; keep it out of their commits.
            ignore.write_text("# Written by torus-mcp: run logs and locks, never committed.\n*\n")

    def _not_found(self, run_id: str) -> str:
        kept = self.run_ids()
        latest = f" The newest is {kept[-1]}." if kept else ""
        return f"No kept mix run with id {run_id!r}; only the last {self.keep} runs are kept.{latest}"


def _checked(run_id: str) -> str:
    if not isinstance(run_id, str) or not RUN_ID.match(run_id):
        raise RunNotFoundError(
            f"{run_id!r} is not a run id; ids look like 20250101T120000123456-a1b2c3 and come from mix results."
        )
    return run_id


def _utf8_boundary(data: bytes) -> int:
    """Length of `data` without a trailing, incomplete UTF-8 sequence (so a read never splits a character)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= needed else len(data) - back
    return len(data)


def read_log(
    root: Path, run_id: str, offset: int = 0, limit: int = 64 * 1024, *, state_dir: Path | None = None
) -> LogChunk:
    """A piece of the log of a project's run (what `torus://runs/{run_id}/log` serves)."""
    return RunStore(state_dir or default_state_dir(root)).read_log(run_id, offset, limit)
