"""What the persona prompts embed from packs of every shape, and what they say about the tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.shared_data import require_shared

pytestmark = pytest.mark.anyio

PACK = "docs/features/canvas-preview"


def _texts(result) -> tuple[str, dict[str, str]]:
    docs = {str(m.content.resource.uri): m.content.resource.text for m in result.messages[1:]}
    return result.messages[0].content.text, docs


@pytest.fixture
def today(tmp_path: Path) -> Path:
    target = tmp_path / "torus-today"
    shutil.copytree(require_shared("torus-today"), target)
    return target


async def test_analyze_embeds_every_informal_draft(connect, today: Path) -> None:
    epic = today / "docs/exec-plans/current/epics/course_replication"
    drafts = sorted(p.relative_to(epic).as_posix() for p in epic.rglob("*informal.md"))
    assert len(drafts) > 1
    async with connect(today) as client:
        result = await client.get_prompt("analyze", {"feature": "course_replication"})
    _, docs = _texts(result)
    for draft in drafts:
        assert docs[f"torus://features/course_replication/{draft}"] == (epic / draft).read_text(
            encoding="utf-8"
        )


async def test_prompts_for_exec_plans_packs_do_not_speak_of_docs_features(connect, today: Path) -> None:
    async with connect(today) as client:
        for name in ("analyze", "architect", "plan", "develop"):
            result = await client.get_prompt(name, {"feature": "intelligent_dashboard/email_sending"})
            text, _ = _texts(result)
            assert "docs/features subdirectory" not in text, name
            assert "docs/features/<feature_slug>" not in text, name
            assert "docs/exec-plans/current/epics/intelligent_dashboard/email_sending" in text, name


async def test_develop_embeds_the_phase_record_and_the_slices_it_links(connect, project: Path) -> None:
    pack = project / PACK
    plan = pack / "plan.md"
    text = plan.read_text()
    marker = "## Phase 2: Preview Links"
    assert marker in text
    plan.write_text(text.replace(marker, f"{marker}\n\nDesign: [the slice](design/preview.md).\n", 1))
    (pack / "design").mkdir()
    (pack / "design/preview.md").write_text("# Preview slice\n")
    (pack / "design/unrelated.md").write_text("# Unrelated\n")
    (pack / "phase_2_execution_record.md").write_text("# Phase 2 record\n")
    (pack / "phase_1_execution_record.md").write_text("# Phase 1 record\n")
    async with connect(project) as client:
        result = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "2"})
    _, docs = _texts(result)
    base = "torus://features/canvas-preview/"
    assert docs[base + "design/preview.md"] == "# Preview slice\n"
    assert docs[base + "phase_2_execution_record.md"] == "# Phase 2 record\n"
    assert base + "phase_1_execution_record.md" not in docs
    assert base + "design/unrelated.md" not in docs


async def test_develop_for_a_finished_plan_says_so_and_what_is_left(connect, project: Path) -> None:
    plan = project / PACK / "plan.md"
    plan.write_text(plan.read_text().replace("- [ ]", "- [x]"))
    async with connect(project) as client:
        result = await client.get_prompt("develop", {"feature": "canvas-preview"})
    text, _ = _texts(result)
    assert "plan.md is finished" in text
    assert "archive" in text and "execution record" in text
    assert "## The phase to implement" not in text
    assert "Phase: none (every phase is ticked or recorded as done)." in text
    assert "is an optional input" not in text
