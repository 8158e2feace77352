"""The document tools, driven through an MCP client in both protocol eras."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.calls import call_error, call_ok

pytestmark = pytest.mark.anyio

EXPECTED_TOOLS = {
    "workspace_info",
    "list_features",
    "read_doc",
    "create_feature",
    "write_doc",
    "edit_section",
    "get_prompt",
    "read_resource",
}


async def test_tools_are_listed_with_schemas_and_annotations(connect, project: Path) -> None:
    async with connect(project) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) >= EXPECTED_TOOLS
    read_doc = tools["read_doc"]
    assert set(read_doc.input_schema["properties"]) == {"feature", "doc", "section", "offset"}
    assert read_doc.input_schema["properties"]["feature"]["description"]
    assert read_doc.output_schema is not None and "version" in read_doc.output_schema["properties"]
    assert read_doc.annotations.read_only_hint is True
    assert tools["write_doc"].annotations.destructive_hint is True
    assert tools["write_doc"].annotations.read_only_hint is not True
    # The roots resolver is server-side plumbing, never an argument the model sees.
    assert all("roots" not in t.input_schema.get("properties", {}) for t in tools.values())


async def test_workspace_info_explains_the_root(connect, project: Path) -> None:
    async with connect(project) as client:
        info = await call_ok(client, "workspace_info")
    assert info["root"] == str(project.resolve())
    assert info["rule"] == "--root"
    assert info["has_mix_exs"] is True
    assert info["feature_count"] == 2
    layouts = {t["layout"] for t in info["spec_trees"] if t["exists"]}
    assert layouts == {"features", "exec-plans"}


async def test_list_features_finds_both_layouts(connect, project: Path) -> None:
    async with connect(project) as client:
        listing = await call_ok(client, "list_features")
    by_id = {f["id"]: f for f in listing["features"]}
    assert set(by_id) == {"canvas-preview", "authoring/bulk-tagging"}
    assert by_id["canvas-preview"]["docs"][:3] == ["prd.md", "fdd.md", "plan.md"]
    assert by_id["authoring/bulk-tagging"]["missing"] == ["plan.md"]
    assert by_id["authoring/bulk-tagging"]["path"] == "docs/exec-plans/current/epics/authoring/bulk-tagging"


async def test_read_doc_whole_and_by_section(connect, project: Path) -> None:
    prd = (project / "docs/features/canvas-preview/prd.md").read_text()
    async with connect(project) as client:
        whole = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd")
        by_number = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd.md", section="7")
        by_title = await call_ok(
            client, "read_doc", feature="canvas-preview", doc="prd.md", section="acceptance criteria"
        )
    assert whole["text"] == prd
    assert whole["version"].startswith("sha256:") and len(whole["version"]) == 7 + 64
    assert whole["next_offset"] is None
    assert any("Acceptance Criteria" in line for line in whole["outline"])
    assert by_number["text"] == by_title["text"]
    assert by_number["text"].startswith("## 7. Acceptance Criteria")
    assert "AC-001" in by_number["text"] and "## 8." not in by_number["text"]
    assert by_number["version"] == whole["version"]


async def test_read_doc_by_epic_id_slug_and_path(connect, project: Path) -> None:
    async with connect(project) as client:
        by_id = await call_ok(client, "read_doc", feature="authoring/bulk-tagging", doc="requirements.yml")
        by_slug = await call_ok(client, "read_doc", feature="bulk-tagging", doc="requirements.yml")
        by_path = await call_ok(
            client,
            "read_doc",
            feature="docs/exec-plans/current/epics/authoring/bulk-tagging",
            doc="requirements.yml",
        )
    assert by_id["text"] == by_slug["text"] == by_path["text"]
    assert by_id["feature"] == "authoring/bulk-tagging"
    assert by_id["uri"] == "torus://features/authoring/bulk-tagging/requirements.yml"


async def test_read_doc_errors_list_what_exists(connect, project: Path) -> None:
    async with connect(project) as client:
        unknown_feature = await call_error(client, "read_doc", feature="nope", doc="prd.md")
        unknown_doc = await call_error(client, "read_doc", feature="bulk-tagging", doc="plan.md")
        unknown_section = await call_error(
            client, "read_doc", feature="canvas-preview", doc="prd", section="Zebra"
        )
    assert "canvas-preview" in unknown_feature and "authoring/bulk-tagging" in unknown_feature
    assert "prd.md" in unknown_doc and "fdd.md" in unknown_doc
    assert "Acceptance Criteria" in unknown_section


async def test_read_doc_pages_long_documents(connect, project: Path) -> None:
    long_text = "# Long\n\n" + "".join(f"- line {i} " + "x" * 80 + "\n" for i in range(2000))
    (project / "docs/features/canvas-preview/notes.md").write_text(long_text)
    async with connect(project) as client:
        pieces, offset = [], 0
        while offset is not None:
            page = await call_ok(client, "read_doc", feature="canvas-preview", doc="notes.md", offset=offset)
            assert len(page["text"]) <= 60_000
            pieces.append(page["text"])
            offset = page["next_offset"]
    assert len(pieces) >= 3
    assert "".join(pieces) == long_text


async def test_write_doc_needs_the_version_to_overwrite(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/fdd.md"
    original = path.read_bytes()
    async with connect(project) as client:
        refused = await call_error(client, "write_doc", feature="canvas-preview", doc="fdd", content="# x\n")
        assert "expected_version" in refused
        assert path.read_bytes() == original
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="fdd")
        written = await call_ok(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="fdd",
            content="# New FDD\n",
            expected_version=read["version"],
        )
        assert written["previous_version"] == read["version"]
        assert written["created"] is False
        stale = await call_error(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="fdd",
            content="# Lost update\n",
            expected_version=read["version"],
        )
    assert "conflict" in stale and written["version"] in stale
    assert path.read_text() == "# New FDD\n"


async def test_write_doc_creates_new_files_without_version(connect, project: Path) -> None:
    async with connect(project) as client:
        created = await call_ok(
            client, "write_doc", feature="canvas-preview", doc="informal.md", content="Notes from the call\n"
        )
        listed = [r.uri for r in (await client.list_resources()).resources]
    assert created["created"] is True and created["previous_version"] is None
    assert (project / "docs/features/canvas-preview/informal.md").read_text() == "Notes from the call\n"
    assert "torus://features/canvas-preview/informal.md" in listed


async def test_write_doc_keeps_crlf_and_missing_final_newline(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/crlf.md"
    path.write_bytes(b"# Title\r\n\r\nold body")
    async with connect(project) as client:
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="crlf.md")
        await call_ok(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="crlf.md",
            content="# Title\n\nnew body\nsecond line\n",
            expected_version=read["version"],
        )
    assert path.read_bytes() == b"# Title\r\n\r\nnew body\r\nsecond line"


async def test_edit_section_replaces_one_section_byte_for_byte(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/prd.md"
    before = path.read_text()
    async with connect(project) as client:
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd", section="2")
        edited = await call_ok(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="prd",
            section="2",
            content="Authors cannot see a page as learners will.\n",
            expected_version=read["version"],
        )
        after_section = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd", section="2")
    after = path.read_text()
    old_section = read["text"]
    heading = old_section.splitlines()[0]
    assert after_section["text"].startswith(heading + "\n\nAuthors cannot see a page as learners will.\n")
    # Everything outside the section is untouched.
    start = before.index(old_section)
    assert after[:start] == before[:start]
    assert after.endswith(before[start + len(old_section) :])
    assert edited["version"] == after_section["version"]


async def test_edit_section_with_heading_replaces_heading(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/prd.md"
    async with connect(project) as client:
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd")
        await call_ok(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="prd",
            section="Open Questions & Assumptions",
            content="## 14. Open Questions & Assumptions\n\n- None remain.\n",
            expected_version=read["version"],
        )
    text = path.read_text()
    assert "## 14. Open Questions & Assumptions\n\n- None remain.\n\n## 15. Timeline" in text


async def test_edit_section_refuses_without_or_with_stale_version(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/prd.md"
    before = path.read_bytes()
    async with connect(project) as client:
        missing = await call_error(
            client, "edit_section", feature="canvas-preview", doc="prd", section="2", content="x"
        )
        stale = await call_error(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="prd",
            section="2",
            content="x",
            expected_version="sha256:" + "0" * 64,
        )
        yaml = await call_error(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="requirements.yml",
            section="1",
            content="x",
            expected_version="sha256:" + "0" * 64,
        )
    assert "expected_version" in missing
    assert "conflict" in stale
    assert "write_doc" in yaml
    assert path.read_bytes() == before


async def test_create_feature_scaffolds_and_refuses_to_overwrite(connect, project: Path) -> None:
    async with connect(project) as client:
        created = await call_ok(client, "create_feature", feature="grade-sync", title="Grade Sync")
        again = await call_error(client, "create_feature", feature="grade-sync", title="Grade Sync")
        clash = await call_error(client, "create_feature", feature="bulk-tagging", title="Again")
        epic = await call_ok(client, "create_feature", feature="delivery/offline-mode", title="Offline Mode")
        features = await call_ok(client, "list_features")
    directory = project / "docs/features/grade-sync"
    assert [f["doc"] for f in created["files"]] == ["prd.md", "fdd.md", "plan.md", "requirements.yml"]
    assert "Grade Sync" in (directory / "prd.md").read_text()
    assert "{{" not in (directory / "prd.md").read_text()
    assert "grade-sync" in (directory / "requirements.yml").read_text()
    assert "already exists" in again and "already exists" in clash
    assert epic["path"] == "docs/exec-plans/current/epics/delivery/offline-mode"
    assert {"grade-sync", "delivery/offline-mode"} <= {f["id"] for f in features["features"]}


async def test_create_feature_validates_the_title(connect, project: Path) -> None:
    async with connect(project) as client:
        message = await call_error(client, "create_feature", feature="ok-slug", title="   ")
    assert "title" in message
    assert not (project / "docs/features/ok-slug").exists()
