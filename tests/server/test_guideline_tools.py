"""check_guidelines and torus://guides/rules through an MCP client in both eras, on the example project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.server.calls import call_error, call_ok
from tests.shared_data import require_mix
from torus_mcp.guidelines.rules import RULES

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "guidelines"


async def test_the_tool_takes_paths_and_since_and_is_read_only(connect, project: Path) -> None:
    async with connect(project) as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["check_guidelines"]
    assert set(tool.input_schema["properties"]) == {"paths", "since"}
    assert tool.input_schema.get("required", []) == []
    assert tool.annotations.read_only_hint is True
    assert {"files", "rules", "counts", "shown", "notes"} <= set(tool.output_schema["properties"])
    assert "torus://guides/rules" in tool.description


async def test_findings_come_grouped_by_file_with_each_rule_explained_once(connect, project: Path) -> None:
    require_mix()
    shutil.copy(FIXTURES / "rules" / "string_to_atom.ex", project / "lib" / "atoms.ex")
    shutil.copy(FIXTURES / "rules" / "template.html.heex", project / "lib" / "page.html.heex")
    async with connect(project) as client:
        report = await call_ok(client, "check_guidelines", paths=["lib"])
    files = {group["file"]: group["findings"] for group in report["files"]}
    # The example project keeps two breaches of its own in share_link.ex.
    assert list(files) == [
        "lib/atoms.ex",
        "lib/page.html.heex",
        "lib/torus_example/canvas_preview/share_link.ex",
    ]
    first = files["lib/atoms.ex"][0]
    assert first == {
        "rule": "STRING-TO-ATOM",
        "severity": "warning",
        "line": 2,
        "column": 43,
        "message": "String.to_atom creates atoms, which are never freed",
    }
    assert report["rules"]["STRING-TO-ATOM"] == {
        "guideline": RULES["STRING-TO-ATOM"].guideline,
        "fix": RULES["STRING-TO-ATOM"].fix,
    }
    assert report["counts"]["files_checked"] == 5  # the example's three modules and the two copies
    assert report["counts"]["by_rule"]["STRING-TO-ATOM"] == 7
    assert report["counts"]["errors"] == 3 and report["shown"] == sum(len(f) for f in files.values())
    assert report["notes"] == []


async def test_a_clean_file_has_no_findings(connect, project: Path) -> None:
    require_mix()
    async with connect(project) as client:
        report = await call_ok(
            client, "check_guidelines", paths=["lib/torus_example/canvas_preview/block.ex"]
        )
    assert report["files"] == [] and report["counts"]["files_checked"] == 1 and report["rules"] == {}


async def test_without_paths_outside_git_it_asks_for_paths(connect, project: Path) -> None:
    async with connect(project) as client:
        default = await call_error(client, "check_guidelines")
    assert "is not inside a git repository" in default
    assert "name the files or directories to check" in default


async def test_bad_paths_and_config_are_explained(connect, project: Path) -> None:
    async with connect(project) as client:
        outside = await call_error(client, "check_guidelines", paths=["../../etc"])
        missing = await call_error(client, "check_guidelines", paths=["lib/nope.ex"])
        wrong = await call_error(client, "check_guidelines", paths=["README.md"])
        (project / ".torus-mcp.toml").write_text('[guidelines]\ndisabled = ["NOPE"]\n')
        config = await call_error(client, "check_guidelines", paths=["lib"])
    assert "is outside the project root" in outside
    assert "lib/nope.ex does not exist" in missing
    assert "README.md is not an Elixir (.ex, .exs) or HEEx (.heex) file" in wrong
    assert "disabled names unknown rule 'NOPE'" in config


async def test_a_long_answer_lists_the_first_hundred_findings_with_exact_counts(
    connect, project: Path
) -> None:
    lines = "\n".join('<ul phx-update="append"></ul>' for _ in range(130))
    (project / "lib" / "long.html.heex").write_text(lines + "\n")
    async with connect(project) as client:
        report = await call_ok(client, "check_guidelines", paths=["lib/long.html.heex"])
    assert report["shown"] == 100 and len(report["files"][0]["findings"]) == 100
    assert report["counts"]["warnings"] == 130
    assert report["notes"] == ["30 more finding(s) not listed; check fewer paths to see them."]


async def test_the_rules_resource_lists_every_rule_as_the_project_configures_it(
    connect, project: Path
) -> None:
    (project / ".torus-mcp.toml").write_text(
        '[guidelines]\ndisabled = ["ELSE-IF"]\n[guidelines.severity]\n"IS-PREDICATE" = "error"\n'
    )
    async with connect(project) as client:
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        result = await client.read_resource("torus://guides/rules")
        through_tool = await call_ok(client, "read_resource", uri="torus://guides/rules")
    assert listed["torus://guides/rules"].mime_type == "text/markdown"
    text = result.contents[0].text
    rows = {
        line.split(" | ")[0].strip("| "): line.split(" | ")[1]
        for line in text.splitlines()
        if line.startswith("| ") and "---" not in line
    }
    assert set(rows) - {"rule"} == set(RULES)
    assert rows["ELSE-IF"] == "off" and rows["IS-PREDICATE"] == "error" and rows["DB-IN-LOOP"] == "warning"
    assert "Layers: Oli must not reference OliWeb." in text
    assert through_tool["text"] == text
