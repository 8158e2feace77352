"""Concurrent and failing writes through the MCP client: one winner, clear conflicts, no torn files."""

from __future__ import annotations

import errno
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.server.calls import call_error, call_ok
from torus_mcp.server import create_server

pytestmark = pytest.mark.anyio

FEATURE = "canvas-preview"
DOC = "fdd.md"
WRITERS = 20


def result_text(result: Any) -> str:
    return " ".join(getattr(c, "text", "") for c in result.content)


async def write_many(client: Client, version: str, labels: range, results: dict[int, Any]) -> None:
    """Fire one write_doc per label at once, all with the same expected_version."""

    async def write(label: int) -> None:
        results[label] = await client.call_tool(
            "write_doc",
            {"feature": FEATURE, "doc": DOC, "content": f"# Writer {label}\n", "expected_version": version},
        )

    async with anyio.create_task_group() as group:
        for label in labels:
            group.start_soon(write, label)


def assert_one_winner(results: dict[int, Any], read_version: str, path: Path) -> None:
    assert len(results) == WRITERS
    winners = [label for label, result in results.items() if not result.is_error]
    assert len(winners) == 1, f"{len(winners)} writes succeeded with the same expected_version"
    winner = winners[0]
    winner_version = results[winner].structured_content["version"]
    assert results[winner].structured_content["previous_version"] == read_version
    for label, result in results.items():
        if label == winner:
            continue
        text = result_text(result)
        assert "version conflict" in text, text
        # The conflict names the version the file is at now: the winner's.
        assert f"is now at {winner_version}" in text, text
        assert "Nothing was written" in text
    assert path.read_text() == f"# Writer {winner}\n"
    assert not list(path.parent.glob(".*.tmp")), "a temporary file was left behind"


async def test_twenty_concurrent_writes_with_one_version_one_wins(connect, project: Path) -> None:
    path = project / "docs/features" / FEATURE / DOC
    results: dict[int, Any] = {}
    async with connect(project) as client:
        read = await call_ok(client, "read_doc", feature=FEATURE, doc=DOC)
        await write_many(client, read["version"], range(WRITERS), results)
        after = await call_ok(client, "read_doc", feature=FEATURE, doc=DOC)
    assert_one_winner(results, read["version"], path)
    assert after["version"] != read["version"]


async def test_concurrent_writes_from_two_server_instances_one_wins(mode: str, project: Path) -> None:
    """Two servers on one project, each in its own thread and event loop, so the writes truly overlap."""
    path = project / "docs/features" / FEATURE / DOC
    results: dict[int, Any] = {}
    both_connected = threading.Barrier(2, timeout=30)
    version: dict[str, str] = {}

    async def one_instance(labels: range) -> None:
        async with Client(create_server(str(project)), mode=mode, cache=None) as client:
            read = await call_ok(client, "read_doc", feature=FEATURE, doc=DOC)
            version["read"] = read["version"]
            both_connected.wait()
            await write_many(client, read["version"], labels, results)

    async with anyio.create_task_group() as group:
        for labels in (range(0, WRITERS, 2), range(1, WRITERS, 2)):
            group.start_soon(anyio.to_thread.run_sync, anyio.run, one_instance, labels)
    assert_one_winner(results, version["read"], path)


async def test_concurrent_writes_from_two_server_processes_one_wins(mode: str, project: Path) -> None:
    """Two `torus-mcp serve` processes over stdio on one project: the lock holds across processes."""
    path = project / "docs/features" / FEATURE / DOC
    results: dict[int, Any] = {}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "torus_mcp", "serve", "--root", str(project)], cwd=str(project)
    )
    connected = 0
    go = anyio.Event()
    version: dict[str, str] = {}

    async def one_process(labels: range) -> None:
        nonlocal connected
        async with Client(params, mode=mode, cache=None) as client:
            read = await call_ok(client, "read_doc", feature=FEATURE, doc=DOC)
            version["read"] = read["version"]
            connected += 1
            if connected == 2:
                go.set()
            await go.wait()
            await write_many(client, read["version"], labels, results)

    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:
            for labels in (range(0, WRITERS, 2), range(1, WRITERS, 2)):
                group.start_soon(one_process, labels)
    assert_one_winner(results, version["read"], path)


# -- a write that fails mid-way -------------------------------------------------------------------


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def rename_fails(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Simulate a crash at the last step of a write: the rename over the old file fails.

    This is the one place a monkeypatch stands in for the real thing: a crash cannot be caused on
    demand. Returns the temporary files the failed renames were given, so the test can check they
    existed and were removed.
    """
    import torus_mcp.documents as documents

    attempted: list[str] = []

    def failing_replace(source: str, target: str) -> None:
        attempted.append(str(source))
        assert Path(source).is_file(), "the new content must be complete in the temp file before renaming"
        raise OSError(errno.EIO, "Input/output error (simulated crash)")

    monkeypatch.setattr(documents.os, "replace", failing_replace)
    return attempted


async def test_write_that_fails_mid_way_leaves_old_file_and_no_temp_file(
    connect, project: Path, rename_fails: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "docs/features" / FEATURE / DOC
    before = path.read_bytes()
    async with connect(project) as client:
        read = await call_ok(client, "read_doc", feature=FEATURE, doc=DOC)
        failed = await call_error(
            client,
            "write_doc",
            feature=FEATURE,
            doc=DOC,
            content="# Half\n",
            expected_version=read["version"],
        )
        edit = await call_error(
            client,
            "edit_section",
            feature=FEATURE,
            doc="prd.md",
            section="2",
            content="Lost.\n",
            expected_version=(await call_ok(client, "read_doc", feature=FEATURE, doc="prd.md"))["version"],
        )
        created = await call_error(client, "write_doc", feature=FEATURE, doc="new.md", content="# New\n")
        assert path.read_bytes() == before
        assert leftovers(path.parent) == []
        assert len(rename_fails) == 3 and all(".tmp" in name for name in rename_fails)
        for message in (failed, edit, created):
            assert "could not be written" in message and "Input/output error" in message, message
            assert "nothing was written" in message
        assert not (path.parent / "new.md").exists()

        # The failure released the lock and changed nothing: the same version still writes.
        monkeypatch.undo()
        again = await call_ok(client, "read_doc", feature=FEATURE, doc=DOC)
        written = await call_ok(
            client,
            "write_doc",
            feature=FEATURE,
            doc=DOC,
            content="# Whole\n",
            expected_version=read["version"],
        )
    assert again["version"] == read["version"]
    assert written["previous_version"] == read["version"]
    assert path.read_text() == "# Whole\n"
