"""Reading and writing spec documents on real files: versions, limits, line endings, atomic writes."""

from __future__ import annotations

import errno
import hashlib
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

import torus_mcp.documents as documents
from torus_mcp.documents import (
    MAX_DOC_BYTES,
    DocumentError,
    VersionConflict,
    conform_line_endings,
    decode_document,
    page_of,
    read_document,
    version_of,
    write_document,
)

FIFTY_MB = 50 * 1024 * 1024


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# -- reading ---------------------------------------------------------------------------------------


def test_version_is_sha256_of_the_raw_bytes(tmp_path: Path) -> None:
    # Trailing blanks, CRLF and a final blank line: a version over stripped, re-encoded or
    # newline-normalised text would differ.
    raw = "# Café  \r\n\r\nbody \t\r\n\r\n".encode()
    path = tmp_path / "prd.md"
    path.write_bytes(raw)
    doc = read_document(path, "prd.md")
    assert doc.version == "sha256:" + hashlib.sha256(raw).hexdigest() == version_of(raw)
    assert doc.text == "# Café  \r\n\r\nbody \t\r\n\r\n"
    assert doc.size == len(raw)


def test_missing_file_and_directory_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"docs/x\.md does not exist"):
        read_document(tmp_path / "x.md", "docs/x.md")
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(DocumentError, match="is a directory"):
        read_document(tmp_path / "dir.md", "dir.md")


def test_fifty_mb_file_is_refused_by_size_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "prd.md"
    with path.open("wb") as handle:
        handle.truncate(FIFTY_MB)  # sparse: no disk, no time
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError) as caught:
            read_document(path, "prd.md")
        with pytest.raises(DocumentError) as on_write:
            write_document(path, "# small\n", version_of(b"whatever"), "prd.md")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    for message in (str(caught.value), str(on_write.value)):
        assert f"{FIFTY_MB:,} bytes, over the {MAX_DOC_BYTES:,}-byte limit" in message
        assert "binary" not in message  # an all-NUL sparse file read into memory would be "binary"
    assert "Nothing was written" in str(on_write.value)
    assert peak < FIFTY_MB // 10, f"peak {peak:,} bytes: the file was loaded"
    assert path.stat().st_size == FIFTY_MB


def test_file_just_over_the_limit_is_refused_and_at_the_limit_is_read(tmp_path: Path) -> None:
    at_limit = tmp_path / "at.md"
    at_limit.write_bytes(b"a" * MAX_DOC_BYTES)
    over = tmp_path / "over.md"
    over.write_bytes(b"a" * (MAX_DOC_BYTES + 1))
    assert read_document(at_limit, "at.md").size == MAX_DOC_BYTES
    with pytest.raises(DocumentError, match="over the"):
        read_document(over, "over.md")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"caf\xe9\n", r"not valid UTF-8 \(byte 3\)"),
        (b"\xff\xfe#\x00", "binary file"),
    ],
)
def test_binary_and_non_utf8_files_are_refused(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes(raw)
    with pytest.raises(DocumentError, match=message):
        read_document(path, "doc.md")
    with pytest.raises(DocumentError, match=message):
        decode_document(raw, "doc.md")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(path, "pipe.md")
    with pytest.raises(DocumentError, match="not a regular file"):
        write_document(path, "x\n", "sha256:" + "0" * 64, "pipe.md")


# -- line endings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "content", "expected"),
    [
        (b"# A\r\n\r\nold\r\n", "# A\n\nnew\n", "# A\r\n\r\nnew\r\n"),
        (b"# A\r\n\r\nold", "# A\n\nnew\nmore\n", "# A\r\n\r\nnew\r\nmore"),
        (b"# A\r\nold\r\n", "# A\r\nnew", "# A\r\nnew\r\n"),
        (b"# A\nold", "# A\nnew\n\n\n", "# A\nnew"),
        (b"# A\nold\n", "# A\nnew", "# A\nnew\n"),
        (b"# A\nold\n", "# A\r\nnew\r\n", "# A\nnew\n"),
        (b"", "# New\n", "# New\n"),
        (None, "# Fresh\r\nkept as given", "# Fresh\r\nkept as given"),
    ],
    ids=[
        "crlf-final-newline",
        "crlf-no-final-newline",
        "crlf-adds-final-newline",
        "lf-no-final-newline",
        "lf-adds-final-newline",
        "lf-file-crlf-content",
        "empty-file",
        "new-file",
    ],
)
def test_line_endings_and_final_newline_follow_the_existing_file(
    existing: bytes | None, content: str, expected: str
) -> None:
    assert conform_line_endings(content, existing) == expected


def test_write_keeps_crlf_and_missing_final_newline_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_bytes(b"# Plan\r\n\r\n- [ ] task")
    outcome = write_document(path, "# Plan\n\n- [x] task\n", version_of(path.read_bytes()), "plan.md")
    assert path.read_bytes() == b"# Plan\r\n\r\n- [x] task"
    assert outcome.version == version_of(b"# Plan\r\n\r\n- [x] task")
    assert outcome.size == len(b"# Plan\r\n\r\n- [x] task")


# -- versioned writes ------------------------------------------------------------------------------


def test_write_creates_only_without_version_and_overwrites_only_with_it(tmp_path: Path) -> None:
    path = tmp_path / "pack" / "prd.md"
    created = write_document(path, "# One\n", None, "pack/prd.md")
    assert created.created and created.previous_version is None
    with pytest.raises(DocumentError, match="already exists: pass expected_version"):
        write_document(path, "# Two\n", None, "pack/prd.md")
    with pytest.raises(VersionConflict) as conflict:
        write_document(path, "# Two\n", "sha256:" + "1" * 64, "pack/prd.md")
    assert conflict.value.current == created.version
    assert created.version in str(conflict.value) and "Nothing was written" in str(conflict.value)
    updated = write_document(path, "# Two\n", created.version, "pack/prd.md")
    assert not updated.created and updated.previous_version == created.version
    assert path.read_text() == "# Two\n"
    with pytest.raises(DocumentError, match="does not exist, but you passed expected_version"):
        write_document(tmp_path / "pack" / "gone.md", "x\n", created.version, "pack/gone.md")
    assert not (tmp_path / "pack" / "gone.md").exists()


def test_write_refuses_nul_and_oversized_content(tmp_path: Path) -> None:
    path = tmp_path / "prd.md"
    with pytest.raises(DocumentError, match="NUL byte; nothing was written"):
        write_document(path, "a\x00b", None, "prd.md")
    with pytest.raises(DocumentError, match="over the 2,097,152-byte limit; nothing was written"):
        write_document(path, "é" * (MAX_DOC_BYTES // 2 + 1), None, "prd.md")
    assert not path.exists()


def test_new_content_one_byte_over_the_limit_is_refused_and_at_the_limit_written(tmp_path: Path) -> None:
    path = tmp_path / "prd.md"
    with pytest.raises(DocumentError, match="nothing was written"):
        write_document(path, "a" * (MAX_DOC_BYTES + 1), None, "prd.md")
    assert not path.exists()
    write_document(path, "a" * MAX_DOC_BYTES, None, "prd.md")
    assert read_document(path, "prd.md").size == MAX_DOC_BYTES


def test_write_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "prd.md"
    path.write_text("# A\n")
    path.chmod(0o640)
    write_document(path, "# B\n", version_of(b"# A\n"), "prd.md")
    assert path.stat().st_mode & 0o777 == 0o640


def test_twenty_threads_with_one_version_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "prd.md"
    path.write_text("# Start\n")
    version = version_of(path.read_bytes())
    start = threading.Barrier(20)
    outcomes: dict[int, object] = {}

    def writer(label: int) -> None:
        start.wait()
        try:
            outcomes[label] = write_document(path, f"# Writer {label}\n", version, "prd.md")
        except VersionConflict as exc:
            outcomes[label] = exc

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [label for label, outcome in outcomes.items() if not isinstance(outcome, VersionConflict)]
    assert len(outcomes) == 20 and len(winners) == 1
    assert path.read_text() == f"# Writer {winners[0]}\n"
    assert {o.current for o in outcomes.values() if isinstance(o, VersionConflict)} == {
        version_of(path.read_bytes())
    }
    assert temp_files(tmp_path) == []


# -- a write that fails mid-way --------------------------------------------------------------------
# A crash cannot be caused on demand, so here (and only here) os.replace is swapped for one that fails.


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, "No space left on device"), RuntimeError("process killed mid-write")],
    ids=["os-error", "crash"],
)
def test_failed_rename_leaves_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    path = tmp_path / "prd.md"
    path.write_bytes(b"# Old\r\nkept")
    version = version_of(path.read_bytes())
    staged: list[bytes] = []

    def failing_replace(source: str, target: str) -> None:
        staged.append(Path(source).read_bytes())
        raise failure

    monkeypatch.setattr(documents.os, "replace", failing_replace)
    expected = DocumentError if isinstance(failure, OSError) else RuntimeError
    with pytest.raises(expected) as caught:
        write_document(path, "# New\ncontent\n", version, "prd.md")
    assert staged == [b"# New\r\ncontent"]  # the temp file was complete and fsynced before the rename
    assert path.read_bytes() == b"# Old\r\nkept"
    assert temp_files(tmp_path) == []
    if expected is DocumentError:
        assert "No space left on device" in str(caught.value)
        assert "nothing was written and the old file, if any, is intact" in str(caught.value)

    # The lock was released: the same version still writes once the disk is back.
    monkeypatch.undo()
    write_document(path, "# New\n", version, "prd.md")
    assert path.read_bytes() == b"# New"


def test_failed_fsync_of_temp_file_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "fdd.md"
    path.write_text("# Old\n")

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(documents.os, "fsync", failing_fsync)
    with pytest.raises(DocumentError, match="Input/output error"):
        write_document(path, "# New\n", version_of(b"# Old\n"), "fdd.md")
    assert path.read_text() == "# Old\n"
    assert temp_files(tmp_path) == []


# -- paging ----------------------------------------------------------------------------------------


def test_pages_cut_at_line_breaks_and_join_back() -> None:
    text = "".join(f"line {i}\n" for i in range(1000))
    pieces, offset = [], 0
    while offset is not None:
        page = page_of(text, offset, limit=1000)
        assert page.text.endswith("\n") and len(page.text) <= 1000
        pieces.append(page.text)
        offset = page.next_offset
    assert "".join(pieces) == text
    with pytest.raises(DocumentError, match="outside the text"):
        page_of(text, len(text) + 1)


def test_an_offset_at_the_very_end_reads_an_empty_last_page() -> None:
    page = page_of("abc\n", 4)
    assert (page.text, page.next_offset, page.total_chars) == ("", None, 4)
