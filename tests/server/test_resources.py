"""torus:// resources and the read_resource tool, through an MCP client in both eras."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError

from tests.server.calls import call_error, call_ok

pytestmark = pytest.mark.anyio


async def test_resources_list_enumerates_every_document_on_disk(connect, project: Path) -> None:
    async with connect(project) as client:
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
    expected_docs = {
        f"torus://features/canvas-preview/{d}" for d in ("prd.md", "fdd.md", "plan.md", "requirements.yml")
    } | {f"torus://features/authoring/bulk-tagging/{d}" for d in ("prd.md", "fdd.md", "requirements.yml")}
    static = {
        "torus://features",
        "torus://guides/workflow",
        "torus://guides/coding-guidelines",
        "torus://guides/rules",
    }
    assert set(listed) == expected_docs | static
    assert listed["torus://features/canvas-preview/requirements.yml"].mime_type == "application/yaml"
    assert listed["torus://features/canvas-preview/prd.md"].mime_type == "text/markdown"
    size = (project / "docs/features/canvas-preview/prd.md").stat().st_size
    assert listed["torus://features/canvas-preview/prd.md"].size == size


async def test_templates_are_listed(connect, project: Path) -> None:
    async with connect(project) as client:
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
    assert {"torus://templates/{doc}", "torus://features/{+feature}/{doc}"} <= templates


async def test_feature_index_is_json(connect, project: Path) -> None:
    async with connect(project) as client:
        result = await client.read_resource("torus://features")
    content = result.contents[0]
    assert content.mime_type == "application/json"
    index = json.loads(content.text)
    by_id = {f["id"]: f for f in index["features"]}
    assert by_id["canvas-preview"]["title"].startswith("Canvas Preview")
    assert by_id["authoring/bulk-tagging"]["docs"] == ["prd.md", "fdd.md", "requirements.yml"]


async def test_documents_read_byte_exact_with_epic_ids(connect, project: Path) -> None:
    pack = project / "docs/exec-plans/current/epics/authoring/bulk-tagging"
    async with connect(project) as client:
        prd = await client.read_resource("torus://features/authoring/bulk-tagging/prd.md")
        yml = await client.read_resource("torus://features/authoring/bulk-tagging/requirements.yml")
    assert prd.contents[0].text == (pack / "prd.md").read_text()
    assert prd.contents[0].mime_type == "text/markdown"
    assert yml.contents[0].text == (pack / "requirements.yml").read_text()
    assert yml.contents[0].mime_type == "application/yaml"


async def test_guides_and_templates(connect, project: Path) -> None:
    async with connect(project) as client:
        workflow = await client.read_resource("torus://guides/workflow")
        guidelines = await client.read_resource("torus://guides/coding-guidelines")
        plan = await client.read_resource("torus://templates/plan.md")
        short = await client.read_resource("torus://templates/prd")
    assert "analyze" in workflow.contents[0].text and "develop" in workflow.contents[0].text
    assert "Never call String.to_atom/1 on user input." in guidelines.contents[0].text
    assert "## Phase 1" in plan.contents[0].text
    assert "## 7. Acceptance Criteria" in short.contents[0].text


async def test_unknown_resources_are_errors_that_list_what_exists(connect, project: Path) -> None:
    async with connect(project) as client:
        with pytest.raises(MCPError) as feature:
            await client.read_resource("torus://features/nope/prd.md")
        with pytest.raises(MCPError) as doc:
            await client.read_resource("torus://features/canvas-preview/nope.md")
        with pytest.raises(MCPError) as template:
            await client.read_resource("torus://templates/nope.md")
    assert "canvas-preview" in feature.value.message
    assert "prd.md" in doc.value.message
    assert "prd.md" in template.value.message


async def test_read_resource_tool_reads_and_pages(connect, project: Path) -> None:
    big = "# Big\n\n" + "".join(f"line {i}: " + "y" * 90 + "\n" for i in range(1000))
    (project / "docs/features/canvas-preview/big.md").write_text(big)
    async with connect(project) as client:
        index = await call_ok(client, "read_resource", uri="torus://features")
        first = await call_ok(client, "read_resource", uri="torus://features/canvas-preview/big.md")
        rest = await call_ok(
            client, "read_resource", uri="torus://features/canvas-preview/big.md", offset=first["next_offset"]
        )
        missing = await call_error(client, "read_resource", uri="torus://features/canvas-preview/nope.md")
    assert json.loads(index["text"])["features"]
    assert first["mime_type"] == "text/markdown"
    assert first["next_offset"] is not None and rest["next_offset"] is None
    assert first["text"] + rest["text"] == big
    assert "prd.md" in missing


async def test_new_documents_appear_in_the_list(connect, project: Path) -> None:
    async with connect(project) as client:
        before = {str(r.uri) for r in (await client.list_resources()).resources}
        await call_ok(client, "create_feature", feature="grade-sync", title="Grade Sync")
        after = {str(r.uri) for r in (await client.list_resources()).resources}
    assert after - before == {
        f"torus://features/grade-sync/{d}" for d in ("prd.md", "fdd.md", "plan.md", "requirements.yml")
    }


async def test_symlinked_prd_outside_the_tree_does_not_leak_its_title(
    connect, project: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# TOP SECRET TITLE\n")
    pack = project / "docs/features/leaky"
    pack.mkdir()
    (pack / "prd.md").symlink_to(secret)
    async with connect(project) as client:
        listing = await call_ok(client, "list_features")
        index = (await client.read_resource("torus://features")).contents[0].text
        titles = [r.title or "" for r in (await client.list_resources()).resources]
    # Its only core document leaves the tree, so the directory is no pack at all.
    assert "leaky" not in {f["id"] for f in listing["features"]}
    assert "TOP SECRET" not in index and not any("TOP SECRET" in t for t in titles)


@pytest.mark.filterwarnings("ignore:resources/(un)?subscribe is removed")
async def test_subscribers_hear_about_changed_and_new_documents(project: Path) -> None:
    """The 2025-11-25 era: resources/subscribe, then resources/updated and list_changed on writes."""
    from mcp import Client

    from torus_mcp.server import create_server

    received: list[str] = []

    async def on_message(message) -> None:
        received.append(str(getattr(getattr(message, "root", message), "method", "")))

    uri = "torus://features/canvas-preview/plan.md"
    async with Client(create_server(str(project)), mode="legacy", message_handler=on_message) as client:
        await client.subscribe_resource(uri)
        await call_ok(client, "update_task", feature="canvas-preview", phase="2", task="2")
        await call_ok(client, "write_doc", feature="canvas-preview", doc="informal.md", content="notes\n")
        await client.unsubscribe_resource(uri)
        await call_ok(client, "update_task", feature="canvas-preview", phase="2", task="3")
    assert received.count("notifications/resources/updated") == 1
    assert received.count("notifications/resources/list_changed") == 1


async def test_a_huge_run_log_resource_keeps_its_start_and_its_end(connect, project: Path) -> None:
    """A runaway run can log hundreds of MB; the resource serves the first MB and the last 8 MB."""
    from torus_mcp.mix.run.runs import RunStore, default_state_dir
    from torus_mcp.server.mix_tools import LOG_HEAD_BYTES, LOG_TAIL_BYTES

    store = RunStore(default_state_dir(project))
    run_id = store.new_run_id()
    line = b"x" * 99 + b"\n"
    body = line * ((12 * 1024 * 1024) // len(line))
    store.log_path(run_id).write_bytes(
        b"FIRST LINE\n" + body + b"Finished in 0.1 seconds\n4 tests, 0 failures\n"
    )
    async with connect(project) as client:
        text = (await client.read_resource(f"torus://runs/{run_id}/log")).contents[0].text
    assert text.startswith("FIRST LINE\n")
    assert text.endswith("4 tests, 0 failures\n")
    assert "bytes of the log left out" in text
    assert LOG_TAIL_BYTES < len(text) < LOG_HEAD_BYTES + LOG_TAIL_BYTES + 200
