"""Persona prompts, their completion, and the get_prompt tool, through an MCP client in both eras."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from tests.server.calls import call_error, call_ok

pytestmark = pytest.mark.anyio

SEED_FIRST_LINE = "Torus Spec–Driven Development treats each feature as a small, versioned “spec pack”"


def _texts(result) -> tuple[str, dict[str, str]]:
    """The prompt's instruction text and its embedded documents by URI."""
    first = result.messages[0].content
    docs = {}
    for message in result.messages[1:]:
        assert message.content.type == "resource"
        docs[str(message.content.resource.uri)] = message.content.resource.text
    return first.text, docs


async def test_four_personas_are_listed_with_arguments(connect, project: Path) -> None:
    async with connect(project) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert set(prompts) == {"analyze", "architect", "plan", "develop"}
    args = {name: {a.name: a.required for a in p.arguments} for name, p in prompts.items()}
    assert args["develop"] == {"feature": True, "phase": False}
    assert args["analyze"] == {"feature": True, "description": False}
    assert args["architect"] == {"feature": True}
    assert all(a.description for p in prompts.values() for a in p.arguments)


async def test_develop_with_a_phase_embeds_docs_and_that_phase_alone(connect, project: Path) -> None:
    pack = project / "docs/features/canvas-preview"
    async with connect(project) as client:
        result = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "2"})
    text, docs = _texts(result)
    assert SEED_FIRST_LINE in text
    assert "$1" not in text and "$2" not in text
    assert "docs/features/canvas-preview" in text
    phase_part = text.split("## The phase to implement", 1)[1]
    assert "## Phase 2: Preview Links" in phase_part
    assert "## Phase 1" not in phase_part and "## Phase 3" not in phase_part
    assert docs == {
        "torus://features/canvas-preview/prd.md": (pack / "prd.md").read_text(),
        "torus://features/canvas-preview/fdd.md": (pack / "fdd.md").read_text(),
        "torus://features/canvas-preview/plan.md": (pack / "plan.md").read_text(),
        "torus://features/canvas-preview/requirements.yml": (pack / "requirements.yml").read_text(),
    }
    mime = {str(m.content.resource.uri): m.content.resource.mime_type for m in result.messages[1:]}
    assert mime["torus://features/canvas-preview/requirements.yml"] == "application/yaml"
    assert mime["torus://features/canvas-preview/prd.md"] == "text/markdown"


@pytest.mark.parametrize("phase", ["2", "Phase 2", "Preview Links", "phase 2"])
async def test_develop_phase_by_number_or_name(connect, project: Path, phase: str) -> None:
    async with connect(project) as client:
        result = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": phase})
    assert "## Phase 2: Preview Links" in _texts(result)[0].split("## The phase to implement", 1)[1]


async def test_develop_without_phase_takes_the_next_open_phase(connect, project: Path) -> None:
    async with connect(project) as client:
        result = await client.get_prompt("develop", {"feature": "canvas-preview"})
    text = _texts(result)[0]
    # Phase 1 is fully ticked in the example; phase 2 has open tasks.
    assert "next open phase" in text and "Phase 2: Preview Links" in text


async def test_develop_unknown_phase_lists_the_phases(connect, project: Path) -> None:
    async with connect(project) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "9"})
    assert caught.value.code == INVALID_PARAMS
    assert "Phase 1" in caught.value.message and "Phase 3" in caught.value.message


async def test_unknown_feature_is_invalid_params_listing_features(connect, project: Path) -> None:
    async with connect(project) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("architect", {"feature": "no-such-thing"})
    assert caught.value.code == INVALID_PARAMS
    assert "canvas-preview" in caught.value.message


async def test_analyze_with_and_without_description(connect, project: Path) -> None:
    async with connect(project) as client:
        asked = await client.get_prompt("analyze", {"feature": "canvas-preview"})
        given = await client.get_prompt(
            "analyze", {"feature": "canvas-preview", "description": "Authors preview pages"}
        )
    assert "Ask the user for the informal description" in _texts(asked)[0]
    assert "Authors preview pages" in _texts(given)[0]
    assert "torus://features/canvas-preview/prd.md" in _texts(given)[1]


async def test_analyze_embeds_informal_notes(connect, project: Path) -> None:
    (project / "docs/features/canvas-preview/informal.md").write_text("Raw notes from the kickoff\n")
    async with connect(project) as client:
        result = await client.get_prompt("analyze", {"feature": "canvas-preview"})
    docs = _texts(result)[1]
    assert docs["torus://features/canvas-preview/informal.md"] == "Raw notes from the kickoff\n"


async def test_plan_says_plainly_when_fdd_is_missing(connect, project: Path) -> None:
    (project / "docs/exec-plans/current/epics/authoring/bulk-tagging/fdd.md").unlink()
    async with connect(project) as client:
        result = await client.get_prompt("plan", {"feature": "authoring/bulk-tagging"})
    text, docs = _texts(result)
    assert "I cannot find both the prd.md and fdd.md files" in text
    assert "fdd.md missing" in text
    assert "torus://features/authoring/bulk-tagging/prd.md" in docs


async def test_architect_embeds_prd_and_requirements(connect, project: Path) -> None:
    async with connect(project) as client:
        result = await client.get_prompt("architect", {"feature": "bulk-tagging"})
    docs = _texts(result)[1]
    assert "torus://features/authoring/bulk-tagging/prd.md" in docs
    assert "torus://features/authoring/bulk-tagging/requirements.yml" in docs


async def test_project_override_wins_and_is_reported(connect, project: Path) -> None:
    overrides = project / ".torus/prompts"
    overrides.mkdir(parents=True)
    (overrides / "develop.md").write_text("## Our own develop\n\nWork in $1 on $2.\n")
    async with connect(project) as client:
        result = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "3"})
        info = await call_ok(client, "workspace_info")
    text = _texts(result)[0]
    assert "Work in docs/features/canvas-preview on Phase 3" in text
    assert "Approach" not in text.split("## Our own develop", 1)[1]
    assert info["prompt_overrides"] == [".torus/prompts/develop.md"]


async def test_get_prompt_tool_inlines_the_documents(connect, project: Path) -> None:
    async with connect(project) as client:
        result = await call_ok(client, "get_prompt", name="develop", feature="canvas-preview", phase="2")
        bad = await call_error(client, "get_prompt", name="develop", feature="canvas-preview", phase="42")
        wrong_arg = await call_error(client, "get_prompt", name="plan", feature="canvas-preview", phase="1")
    assert "## The phase to implement" in result["text"]
    assert "## prd.md (torus://features/canvas-preview/prd.md)" in result["text"]
    assert result["documents"][0] == "torus://features/canvas-preview/prd.md"
    assert "Phase 1" in bad
    assert "only the develop prompt takes a phase" in wrong_arg


async def test_completion_of_feature_and_phase(connect, project: Path) -> None:
    async with connect(project) as client:
        features = await client.complete(
            ref={"type": "ref/prompt", "name": "develop"}, argument={"name": "feature", "value": ""}
        )
        prefixed = await client.complete(
            ref={"type": "ref/prompt", "name": "develop"}, argument={"name": "feature", "value": "bulk"}
        )
        phases = await client.complete(
            ref={"type": "ref/prompt", "name": "develop"},
            argument={"name": "phase", "value": ""},
            context_arguments={"feature": "canvas-preview"},
        )
        no_feature = await client.complete(
            ref={"type": "ref/prompt", "name": "develop"}, argument={"name": "phase", "value": ""}
        )
    assert features.completion.values == ["authoring/bulk-tagging", "bulk-tagging", "canvas-preview"]
    assert prefixed.completion.values == ["bulk-tagging"]
    assert phases.completion.values == ["1", "2", "3"]
    assert no_feature.completion.values == []


async def test_completion_of_resource_template_arguments(connect, project: Path) -> None:
    async with connect(project) as client:
        docs = await client.complete(
            ref={"type": "ref/resource", "uri": "torus://features/{+feature}/{doc}"},
            argument={"name": "doc", "value": "p"},
            context_arguments={"feature": "canvas-preview"},
        )
        templates = await client.complete(
            ref={"type": "ref/resource", "uri": "torus://templates/{doc}"},
            argument={"name": "doc", "value": ""},
        )
    assert docs.completion.values == ["prd.md", "plan.md"]
    assert templates.completion.values == ["prd.md", "fdd.md", "plan.md", "requirements.yml"]


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("develop", {}, "the develop prompt needs feature"),
        ("develop", {"feature": "   "}, "the develop prompt needs feature"),
        (
            "review",
            {"feature": "canvas-preview"},
            "no prompt 'review'; prompts: analyze, architect, plan, develop",
        ),
    ],
)
async def test_bad_prompt_requests_are_invalid_params_in_both_eras(
    connect, project: Path, name, arguments, message
) -> None:
    async with connect(project) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt(name, arguments)
    # Without the server's own check the 2026-07-28 era answers a bare "Internal server error".
    assert caught.value.code == INVALID_PARAMS
    assert message in caught.value.message


async def test_develop_tells_the_assistant_to_check_the_guidelines_with_a_tool_that_exists(
    connect, project: Path
) -> None:
    async with connect(project) as client:
        result = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "2"})
        tools = {t.name for t in (await client.list_tools()).tools}
    text, _ = _texts(result)
    steps = text.split("## Working with torus-mcp", 1)[1]
    named = set(re.findall(r"`([a-z]+_[a-z_]+)`", steps))
    assert "check_guidelines" in named and "check_guidelines" in tools
    # Every tool-like name in the steps is a tool, an argument or a result field the steps explain.
    assert named - tools <= {"expected_version", "log_uri", "warnings_as_errors", "failed_only"}, (
        named - tools
    )
    finish = steps.split("Finish.", 1)[1]
    assert "check_guidelines" in finish
