"""Gates, tracing and plan progress through an MCP client in both eras, on the example project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.server.calls import call_error, call_ok

pytestmark = pytest.mark.anyio

PLAN = "docs/features/canvas-preview/plan.md"


async def test_stages_of_the_example_features(connect, project: Path) -> None:
    async with connect(project) as client:
        canvas = await call_ok(client, "check_gates", feature="canvas-preview")
        bulk = await call_ok(client, "check_gates", feature="bulk-tagging")
        only_prd = await call_ok(client, "check_gates", feature="bulk-tagging", stage="prd")
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert canvas["stage"] == "developing"
    assert [(g["gate"], g["passed"]) for g in canvas["gates"]][:3] == [
        ("prd", True),
        ("fdd", True),
        ("plan", True),
    ]
    assert bulk["stage"] == "fdd"
    plan_errors = [f for f in bulk["findings"] if f["severity"] == "error"]
    assert plan_errors and all(f["fix"] for f in plan_errors)
    assert [g["gate"] for g in only_prd["gates"]] == ["prd"]
    assert "stage" in tools["check_gates"].output_schema["properties"]
    assert tools["check_gates"].annotations.read_only_hint is True


async def test_failing_prd_gate_names_rule_line_and_fix(connect, project: Path) -> None:
    prd = project / "docs/features/canvas-preview/prd.md"
    prd.write_text(prd.read_text().replace("## 7. Acceptance Criteria", "## 7. Acceptance Criteria\n\nTBD\n"))
    async with connect(project) as client:
        report = await call_ok(client, "check_gates", feature="canvas-preview")
    tbd = [f for f in report["findings"] if f["rule"] == "NO-TBD"]
    assert report["stage"] == "none"
    assert tbd and tbd[0]["document"] == "prd.md" and tbd[0]["line"] == 54 and tbd[0]["severity"] == "error"


async def test_status_resource_serves_the_gate_report(connect, project: Path) -> None:
    async with connect(project) as client:
        via_tool = await call_ok(client, "check_gates", feature="authoring/bulk-tagging")
        resource = await client.read_resource("torus://features/authoring/bulk-tagging/status")
    assert resource.contents[0].mime_type == "application/json"
    assert json.loads(resource.contents[0].text) == via_tool


async def test_plan_status_numbers_tasks_as_update_task_takes_them(connect, project: Path) -> None:
    async with connect(project) as client:
        status = await call_ok(client, "plan_status", feature="canvas-preview")
    assert [(p["number"], p["done"], p["total"]) for p in status["phases"]] == [
        (1, 3, 3),
        (2, 1, 4),
        (3, 0, 4),
    ]
    assert status["next_phase"] == "Phase 2: Preview Links" and status["next_phase_number"] == 2
    assert [t["index"] for t in status["phases"][1]["tasks"]] == [1, 2, 3, 4]


async def test_update_task_ticks_one_checkbox_and_nothing_else(connect, project: Path) -> None:
    path = project / PLAN
    before = path.read_text()
    async with connect(project) as client:
        ticked = await call_ok(client, "update_task", feature="canvas-preview", phase="2", task="2")
        by_text = await call_ok(
            client, "update_task", feature="canvas-preview", phase="Phase 2", task="refuse link creation"
        )
        again = await call_ok(client, "update_task", feature="canvas-preview", phase="2", task="2")
        status = await call_ok(client, "plan_status", feature="canvas-preview")
    after = path.read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 2 and all(a.replace("- [ ]", "- [x]", 1) == b for a, b in changed)
    assert (
        ticked["changed"]
        and ticked["task"]["done"]
        and (ticked["phase_done"], ticked["phase_total"]) == (2, 4)
    )
    assert by_text["task"]["index"] == 3 and by_text["phase_done"] == 3
    assert again["changed"] is False and again["version"] == by_text["version"]
    assert status["phases"][1]["done"] == 3


async def test_update_task_untick_and_errors(connect, project: Path) -> None:
    path = project / PLAN
    async with connect(project) as client:
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="plan")
        unticked = await call_ok(
            client,
            "update_task",
            feature="canvas-preview",
            phase="1",
            task="1",
            done=False,
            expected_version=read["version"],
        )
        stale = await call_error(
            client,
            "update_task",
            feature="canvas-preview",
            phase="1",
            task="2",
            expected_version=read["version"],
        )
        unknown_task = await call_error(client, "update_task", feature="canvas-preview", phase="1", task="9")
        unknown_phase = await call_error(client, "update_task", feature="canvas-preview", phase="8", task="1")
        ambiguous = await call_error(client, "update_task", feature="canvas-preview", phase="2", task="AC")
    assert unticked["task"]["done"] is False and unticked["phase_done"] == 2
    assert "conflict" in stale and unticked["version"] in stale
    assert "tasks 1..3" in unknown_task
    assert "Phase 1" in unknown_phase and "Phase 3" in unknown_phase
    assert "ambiguous" in ambiguous
    assert path.read_text().count("- [x]") == 3  # 4 ticked before, one unticked, no other change


async def test_update_task_refuses_plain_bullet_tasks(connect, project: Path) -> None:
    path = project / PLAN
    path.write_text("# Plan\n\n## Phase 1: Only bullets\n\nTasks:\n- Write the thing\n- Test the thing\n")
    async with connect(project) as client:
        status = await call_ok(client, "plan_status", feature="canvas-preview")
        refused = await call_error(client, "update_task", feature="canvas-preview", phase="1", task="1")
    assert status["has_checkboxes"] is False and status["phases"][0]["total"] == 2
    assert "plain bullet" in refused


async def test_update_requirement_sets_status_and_appends_proofs(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/requirements.yml"
    (project / "docs/exec-plans/current/epics/authoring/bulk-tagging/requirements.yml").unlink()
    proof = project / "test/torus_example/canvas_preview/link_test.exs"
    proof.parent.mkdir(parents=True)
    proof.write_text("defmodule LinkTest do\n  use ExUnit.Case\n  # proves AC-004\nend\n")
    async with connect(project) as client:
        updated = await call_ok(
            client,
            "update_requirement",
            feature="canvas-preview",
            id="AC-4",
            status="verified",
            proof="test/torus_example/canvas_preview/link_test.exs:12",
        )
        trace = await call_ok(client, "trace_requirements", feature="canvas-preview", phase="2")
        unknown = await call_error(
            client, "update_requirement", feature="canvas-preview", id="AC-404", status="verified"
        )
        bad_status = await call_error(
            client, "update_requirement", feature="canvas-preview", id="AC-004", status="shipped"
        )
        no_yaml = await call_error(
            client, "update_requirement", feature="bulk-tagging", id="FR-001", status="verified"
        )
    assert updated["id"] == "AC-004" and updated["status"] == "verified" and updated["proof_added"]
    assert "ref: test/torus_example/canvas_preview/link_test.exs:12" in path.read_text()
    ac4 = next(a for r in trace["requirements"] for a in r["acceptance"] if a["id"] == "AC-004")
    assert ac4["covered"] and ac4["proofs"] == ["test/torus_example/canvas_preview/link_test.exs:12"]
    assert "AC-001" in unknown
    assert "verified_plan" in bad_status
    assert "has no requirements.yml" in no_yaml and "torus://templates/requirements.yml" in no_yaml


async def test_trace_lists_what_the_phase_still_lacks(connect, project: Path) -> None:
    async with connect(project) as client:
        whole = await call_ok(client, "trace_requirements", feature="canvas-preview")
        phase = await call_ok(client, "trace_requirements", feature="canvas-preview", phase="2")
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert phase["phase"] == "Phase 2: Preview Links"
    assert [r["id"] for r in phase["requirements"]] == ["FR-004", "FR-005"]
    assert "AC-004 (FR-004) has no test reference or proof." in phase["gaps"]
    covered = {a["id"]: a["tests"] for r in whole["requirements"] for a in r["acceptance"] if a["covered"]}
    assert set(covered) == {"AC-001", "AC-002", "AC-003"}
    assert any(t["kind"] == "tag" for t in covered["AC-002"] + covered["AC-001"] + covered["AC-003"])
    assert "requirements" in tools["trace_requirements"].output_schema["properties"]


async def test_prompts_open_with_the_gate_summary(connect, project: Path) -> None:
    async with connect(project) as client:
        await call_ok(client, "create_feature", feature="grade-sync", title="Grade Sync")
        architect = await client.get_prompt("architect", {"feature": "grade-sync"})
        develop = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "2"})
    first = architect.messages[0].content.text
    assert "Stop: the prd gate of `grade-sync` fails" in first
    assert first.index("Stop:") < first.index("## Torus Spec")
    assert "stage `developing`" in develop.messages[0].content.text


@pytest.mark.parametrize("tool", ["check_gates", "plan_status", "get_prompt"])
async def test_any_first_tool_call_takes_the_root_from_client_roots(
    mode, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str
) -> None:
    """With no --root, the first tool call, whatever it is, asks the client for its roots."""
    from mcp import Client
    from mcp_types import ListRootsResult, Root

    from torus_mcp.server import create_server

    monkeypatch.delenv("TORUS_ROOT", raising=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    async def list_roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=project.resolve().as_uri())])

    arguments = {"feature": "canvas-preview"} | ({"name": "develop"} if tool == "get_prompt" else {})
    server = create_server(None, cwd=elsewhere)
    async with Client(server, mode=mode, cache=None, list_roots_callback=list_roots) as client:
        result = await call_ok(client, tool, **arguments)
        info = await call_ok(client, "workspace_info")
    assert info["rule"] == "client roots" and info["root"] == str(project.resolve())
    assert result["feature"] == "canvas-preview"
