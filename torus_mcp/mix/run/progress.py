"""What is known about a mix run while it is still running.

The tracker looks at raw output chunks with a few multi-line regexes (never a Python loop per
line: a flooding test prints millions of lines) and, when the ExUnit JSON formatter is in use, at
the events file it appends to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from torus_mcp.mix.run.preflight import BUILD_LOCK_WAIT

Phase = Literal["waiting_for_project_lock", "waiting_for_build_lock", "running", "compiling", "testing"]

_MARKERS = re.compile(
    rb"^(?:\x1b\[[0-9;]*m)*(?:"
    rb"Compiling (?P<files>\d+) files? \(|"
    rb"==> (?P<app>[A-Za-z0-9_]+)\r?$|"
    rb"Excluding tags: |Including tags: |Running ExUnit with seed|"
    rb"\s+\d+\) (?:test|doctest|property) |"
    rb"Finished in \d"
    rb")",
    re.MULTILINE,
)
_DOT_LINE = re.compile(rb"^[.*?]+\r?$", re.MULTILINE)
_DOT_TAIL = re.compile(rb"[.*?]+\Z")
_LOCK_LINE = re.compile(BUILD_LOCK_WAIT.pattern.encode())
_MAX_PARTIAL = 64 * 1024


class ProgressEvent(BaseModel):
    """A snapshot sent to `on_progress` at least every couple of seconds while mix runs."""

    elapsed_seconds: float
    phase: Phase
    lines: int = Field(description="Output lines seen so far")
    output_bytes: int
    files_compiling: int = Field(description="Sum of the 'Compiling N files' lines so far")
    tests_finished: int
    test_failures: int
    app: str | None = Field(default=None, description="Current umbrella app (`==> app`)")
    build_lock_holder: int | None = Field(default=None, description="OS pid named by 'Waiting for lock'")
    pid: int | None = Field(default=None, description="OS pid of the mix process (its process group id)")
    progress: float = Field(description="Only grows: output lines plus tests finished so far")
    total: float | None = None
    message: str


class OutputProgress:
    """Counts what the output shows; `snapshot()` turns it into a `ProgressEvent`."""

    def __init__(self, events_file: Path | None = None) -> None:
        self.lines = 0
        self.output_bytes = 0
        self.files_compiling = 0
        self.text_tests_finished = 0
        self.text_failures = 0
        self.app: str | None = None
        self.phase: Phase = "running"
        self.build_lock_holder: int | None = None
        self._partial = b""
        self._events = _EventsTail(events_file) if events_file is not None else None

    def feed(self, chunk: bytes) -> None:
        self.output_bytes += len(chunk)
        data = self._partial + chunk
        end = data.rfind(b"\n") + 1
        complete, self._partial = data[:end], data[end:]
        if len(self._partial) > _MAX_PARTIAL:
            self._partial = self._partial[-_MAX_PARTIAL:]
        if not complete:
            return
        self.lines += complete.count(b"\n")
        for match in _MARKERS.finditer(complete):
            self._on_marker(match)
        for match in _DOT_LINE.finditer(complete):
            self.text_tests_finished += len(match.group().rstrip(b"\r"))
        lock = _LOCK_LINE.search(complete)
        if lock is not None:
            self.phase = "waiting_for_build_lock"
            self.build_lock_holder = int(lock.group("pid"))
        elif self.phase == "waiting_for_build_lock":
            # Any later line means the lock was granted and mix moved on.
            self.phase = "compiling"
            self.build_lock_holder = None

    def _on_marker(self, match: re.Match[bytes]) -> None:
        text = match.group()
        if match.group("files"):
            self.files_compiling += int(match.group("files"))
            self.phase = "compiling"
        elif match.group("app"):
            self.app = match.group("app").decode()
        elif b") " in text:
            self.text_failures += 1
            self.text_tests_finished += 1
            self.phase = "testing"
        elif not text.lstrip(b"\x1b[0123456789;m").startswith(b"Finished"):
            self.phase = "testing"

    def snapshot(self, elapsed: float, pid: int | None = None) -> ProgressEvent:
        # Dots of the line being written are finished tests too (ExUnit ends the line much later).
        partial_dots = _DOT_TAIL.search(self._partial)
        finished = self.text_tests_finished + (len(partial_dots.group()) if partial_dots else 0)
        failures = self.text_failures
        if self._events is not None:
            self._events.poll()
            if self._events.started:
                finished, failures = self._events.finished, self._events.failed
                if self.phase in ("running", "compiling"):
                    self.phase = "testing"
        if finished and self.phase in ("running", "compiling"):
            self.phase = "testing"
        return ProgressEvent(
            elapsed_seconds=round(elapsed, 3),
            phase=self.phase,
            lines=self.lines,
            output_bytes=self.output_bytes,
            files_compiling=self.files_compiling,
            tests_finished=finished,
            test_failures=failures,
            app=self.app,
            build_lock_holder=self.build_lock_holder,
            pid=pid,
            progress=float(self.lines + finished),
            message=self._message(elapsed, finished, failures),
        )

    def _message(self, elapsed: float, finished: int, failures: int) -> str:
        where = f" ({self.app})" if self.app else ""
        if self.phase == "waiting_for_build_lock":
            return f"waiting for the build directory lock held by OS process {self.build_lock_holder}"
        if self.phase == "testing":
            plural = "" if failures == 1 else "s"
            return f"{finished} tests finished, {failures} failure{plural}{where}, {elapsed:.0f}s"
        if self.phase == "compiling":
            return (
                f"compiling {self.files_compiling} files{where}, {self.lines} lines of output, {elapsed:.0f}s"
            )
        return f"mix running, {self.lines} lines of output, {elapsed:.0f}s"


class _EventsTail:
    """Counts `test_finished` events in the JSON-lines file the ExUnit formatter appends to."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0
        self._rest = b""
        self.started = False
        self.finished = 0
        self.failed = 0

    def poll(self) -> None:
        try:
            with self._path.open("rb") as handle:
                handle.seek(self._offset)
                data = handle.read(4 * 1024 * 1024)
        except OSError:
            return
        self._offset += len(data)
        data = self._rest + data
        end = data.rfind(b"\n") + 1
        complete, self._rest = data[:end], data[end:]
        if complete:
            self.started = self.started or b'"suite_started"' in complete
            # Excluded tests are reported as finished too, but they never ran.
            self.finished += sum(
                1
                for line in complete.splitlines()
                if b'"event":"test_finished"' in line and b'"state":"excluded"' not in line
            )
            self.failed += complete.count(b'"state":"failed"')
