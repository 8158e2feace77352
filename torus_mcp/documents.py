"""Reading and writing spec documents: versions, size and encoding checks, atomic writes.

A version is `sha256:<hex>` of the file's raw bytes. Overwriting a file requires the version the
caller read; a stale one is refused and the file is left as it was. Writes go to a temporary file
in the same directory, are fsynced and renamed over the old file, so a crash leaves either the old
or the new content, never a mix.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

MAX_DOC_BYTES = 2 * 1024 * 1024


class DocumentError(ValueError):
    """A document cannot be read or written as asked; the message names the fix."""


class VersionConflict(DocumentError):
    def __init__(self, path_label: str, expected: str, current: str) -> None:
        super().__init__(
            f"version conflict on {path_label}: you passed expected_version {expected} but the file is now "
            f"at {current}. Someone changed it since you read it: read it again, merge your change, and "
            "retry with the new version. Nothing was written."
        )
        self.current = current


class DocText(BaseModel):
    text: str
    version: str
    size: int


class WriteOutcome(BaseModel):
    version: str
    previous_version: str | None
    created: bool
    size: int


def version_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def decode_document(data: bytes, label: str) -> str:
    if len(data) > MAX_DOC_BYTES:
        raise _too_big(label, len(data))
    if b"\x00" in data:
        raise DocumentError(
            f"{label} is a binary file (it contains NUL bytes); only text documents are served."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{label} is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8 to use it here."
        ) from exc


def read_document(path: Path, label: str) -> DocText:
    data = _read_capped(path, label)
    if data is None:
        raise DocumentError(f"{label} does not exist.")
    return DocText(text=decode_document(data, label), version=version_of(data), size=len(data))


def _too_big(label: str, size: int) -> DocumentError:
    return DocumentError(
        f"{label} is {size:,} bytes, over the {MAX_DOC_BYTES:,}-byte limit for spec documents; "
        "split it into smaller documents."
    )


def _read_capped(path: Path, label: str) -> bytes | None:
    """The raw bytes of a regular file of at most MAX_DOC_BYTES, or None when it does not exist.

    The size is checked on the open file before reading, and at most one byte over the limit is ever
    read, so a huge (or growing) file is never loaded into memory. O_NONBLOCK keeps a FIFO planted
    under a document's name from hanging the server.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DocumentError(f"{label} cannot be read: {exc.strerror or exc}.") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError(f"{label} is a directory, not a document.")
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(
                f"{label} is not a regular file (a device, FIFO or socket); it is not served."
            )
        if info.st_size > MAX_DOC_BYTES:
            raise _too_big(label, info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_DOC_BYTES + 1)
    except OSError as exc:
        raise DocumentError(f"{label} cannot be read: {exc.strerror or exc}.") from exc
    finally:
        os.close(fd)
    if len(data) > MAX_DOC_BYTES:
        raise _too_big(label, len(data))
    return data


def conform_line_endings(content: str, existing: bytes | None) -> str:
    """Give new content the line endings and final newline of the file it replaces."""
    if existing is None:
        return content
    text = content.replace("\r\n", "\n")
    if b"\r\n" in existing:
        text = text.replace("\n", "\r\n")
    newline = "\r\n" if b"\r\n" in existing else "\n"
    ends_with_newline = existing.endswith(b"\n")
    if ends_with_newline and text and not text.endswith(newline):
        text += newline
    elif not ends_with_newline and existing:
        while text.endswith(newline):
            text = text[: -len(newline)]
    return text


_thread_locks: dict[Path, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """Serialize writers of one directory: threads in this process and other processes alike."""
    with _thread_locks_guard:
        lock = _thread_locks.setdefault(directory, threading.Lock())
    with lock:
        fd = os.open(directory, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def write_document(path: Path, content: str, expected_version: str | None, label: str) -> WriteOutcome:
    """Write content if the file is still at expected_version (or does not exist yet)."""
    data_limit = len(content.encode("utf-8"))
    if data_limit > MAX_DOC_BYTES:
        raise DocumentError(
            f"the new content of {label} is {data_limit:,} bytes, over the {MAX_DOC_BYTES:,}-byte limit; "
            "nothing was written."
        )
    if "\x00" in content:
        raise DocumentError(f"the new content of {label} contains a NUL byte; nothing was written.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive(path.parent):
            return _write_locked(path, content, expected_version, label)
    except OSError as exc:
        raise DocumentError(
            f"{label} could not be written ({exc.strerror or exc}); nothing was written and the old file, "
            "if any, is intact."
        ) from exc


def _write_locked(path: Path, content: str, expected_version: str | None, label: str) -> WriteOutcome:
    # Read through the same capped reader as read_doc: an oversized file is refused by its size
    # alone, never loaded to compute a version.
    try:
        existing = _read_capped(path, label)
    except DocumentError as exc:
        raise DocumentError(f"{exc} Nothing was written.") from exc
    current = version_of(existing) if existing is not None else None
    if existing is None and expected_version:
        raise DocumentError(
            f"{label} does not exist, but you passed expected_version {expected_version}; "
            "it may have been deleted. Omit expected_version to create it. Nothing was written."
        )
    if existing is not None and not expected_version:
        raise DocumentError(
            f"{label} already exists: pass expected_version with the version you read (read_doc returns "
            "it) so a newer edit is not overwritten. Nothing was written."
        )
    if existing is not None and expected_version != current:
        raise VersionConflict(label, str(expected_version), str(current))
    text = conform_line_endings(content, existing)
    data = text.encode("utf-8")
    _atomic_replace(path, data)
    return WriteOutcome(
        version=version_of(data), previous_version=current, created=existing is None, size=len(data)
    )


def _atomic_replace(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    # The rename has landed; syncing the directory only makes it durable sooner, and some file
    # systems refuse fsync on a directory, which must not turn a completed write into an error.
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class Page(BaseModel):
    text: str
    offset: int
    next_offset: int | None
    total_chars: int


PAGE_CHARS = 60_000


def page_of(text: str, offset: int = 0, limit: int = PAGE_CHARS) -> Page:
    """A slice of a long answer; `next_offset` continues it, None at the end."""
    if offset < 0 or (offset > len(text) and text):
        raise DocumentError(f"offset {offset} is outside the text (0..{len(text)}); start again at 0.")
    end = min(len(text), offset + limit)
    if end < len(text):
        # Prefer to cut at a line break so a page never ends mid-line.
        cut = text.rfind("\n", offset, end)
        if cut > offset:
            end = cut + 1
    return Page(
        text=text[offset:end],
        offset=offset,
        next_offset=end if end < len(text) else None,
        total_chars=len(text),
    )
