"""Every .md/.yml/.yaml file inside a pack is addressable by its path relative to the pack, with the
same containment as the core documents; resources/list enumerates them, in pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.calls import call_error, call_ok
from torus_mcp.server import protocol

pytestmark = pytest.mark.anyio

PACK = "docs/features/canvas-preview"


@pytest.fixture
def records(project: Path) -> Path:
    pack = project / PACK
    (pack / "execution").mkdir()
    (pack / "execution/phase_1.md").write_text(
        "# Phase 1\n\n## Scope\n\nOld scope.\n\n## Tests\n\nNone yet.\n"
    )
    (pack / "phase_2_execution_record.md").write_text("# Phase 2 record\n")
    (pack / "design").mkdir()
    (pack / "design/slice.md").write_text("# Slice\n")
    sub = pack / "spike"
    sub.mkdir()
    (sub / "prd.md").write_text("# Spike\n")
    return project


async def test_nested_documents_are_read_written_and_edited_by_relative_path(connect, records: Path) -> None:
    pack = records / PACK
    async with connect(records) as client:
        record = await call_ok(
            client, "read_doc", feature="canvas-preview", doc="phase_2_execution_record.md"
        )
        nested = await call_ok(client, "read_doc", feature="canvas-preview", doc="execution/phase_1.md")
        edited = await call_ok(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="execution/phase_1.md",
            section="Scope",
            content="New scope.\n",
            expected_version=nested["version"],
        )
        created = await call_ok(
            client, "write_doc", feature="canvas-preview", doc="execution/phase_2.md", content="# Phase 2\n"
        )
        listing = await call_ok(client, "list_features")
        resource = (await client.read_resource("torus://features/canvas-preview/design/slice.md")).contents[0]
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
    assert record["text"] == "# Phase 2 record\n"
    assert nested["path"] == f"{PACK}/execution/phase_1.md"
    assert edited["path"] == f"{PACK}/execution/phase_1.md"
    assert "New scope." in (pack / "execution/phase_1.md").read_text()
    assert "None yet." in (pack / "execution/phase_1.md").read_text()
    assert created["path"] == f"{PACK}/execution/phase_2.md"
    assert (pack / "execution/phase_2.md").read_text() == "# Phase 2\n"
    docs = next(f for f in listing["features"] if f["id"] == "canvas-preview")["docs"]
    assert {"design/slice.md", "execution/phase_1.md", "phase_2_execution_record.md"} <= set(docs)
    # A sub-directory that is a pack of its own belongs to that pack, not to its parent.
    assert "spike/prd.md" not in docs
    assert resource.text == "# Slice\n"
    assert "torus://features/canvas-preview/execution/phase_1.md" in uris
    assert "torus://features/canvas-preview/spike/prd.md" in uris


async def test_nested_paths_keep_the_containment_checks(connect, records: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside-dir"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n")
    (records / PACK / "linked").symlink_to(outside, target_is_directory=True)
    async with connect(records) as client:
        read = await call_error(client, "read_doc", feature="canvas-preview", doc="linked/secret.md")
        write = await call_error(
            client, "write_doc", feature="canvas-preview", doc="linked/new.md", content="# New\n"
        )
        dotdot = await call_error(client, "read_doc", feature="canvas-preview", doc="design/../../x.md")
        sub_pack = await call_error(
            client, "write_doc", feature="canvas-preview", doc="spike/prd.md", content="x"
        )
        listing = await call_ok(client, "list_features")
    assert "leaves the spec tree" in read and "Secret" not in read
    assert "leaves the spec tree" in write and not (outside / "new.md").exists()
    assert "not a document name" in dotdot
    assert "spec pack of its own" in sub_pack and "canvas-preview/spike" in sub_pack
    assert (records / PACK / "spike/prd.md").read_text() == "# Spike\n"
    docs = next(f for f in listing["features"] if f["id"] == "canvas-preview")["docs"]
    assert not any(d.startswith("linked/") for d in docs)


async def test_resources_list_is_paged(connect, records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "RESOURCE_PAGE_SIZE", 3)
    async with connect(records) as client:
        everything = []
        cursor = None
        pages = 0
        while True:
            page = await client.list_resources(cursor=cursor)
            pages += 1
            assert len(page.resources) <= 3
            everything.extend(str(r.uri) for r in page.resources)
            cursor = page.next_cursor
            if cursor is None:
                break
        monkeypatch.setattr(protocol, "RESOURCE_PAGE_SIZE", 10_000)
        whole = [str(r.uri) for r in (await client.list_resources()).resources]
        with pytest.raises(Exception, match="cursor"):
            await client.list_resources(cursor="not-a-cursor")
    assert pages > 1
    assert everything == whole
