"""Progress of real Torus packs whose plan checkboxes are unticked while their execution records
(or progress.md) say the phases are done: plan_status and check_gates agree on the verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.server.calls import call_ok
from tests.shared_data import require_shared

pytestmark = pytest.mark.anyio

GATING = "docs/exec-plans/current/epics/automated_testing/gating-tests"
EMAIL = "docs/exec-plans/current/epics/intelligent_dashboard/email_sending"


@pytest.fixture
def torus_today(tmp_path: Path) -> Path:
    target = tmp_path / "torus"
    shutil.copytree(require_shared("torus-today"), target)
    return target


async def test_gating_tests_phases_are_done_by_their_records(connect, torus_today: Path) -> None:
    async with connect(torus_today) as client:
        status = await call_ok(client, "plan_status", feature=GATING)
        gates = await call_ok(client, "check_gates", feature=GATING)
    assert status["done"] == 0  # not one checkbox is ticked in plan.md
    assert [(p["key"], p["verdict"]) for p in status["phases"]] == [(str(n), "done") for n in range(1, 6)]
    assert status["phases"][2]["record"]["document"] == "phase_3_execution_record.md"
    assert any("phase_3_execution_record.md" in e for e in status["phases"][2]["evidence"])
    assert status["next_phase"] is None
    assert gates["next_phase"] is None


async def test_email_sending_phases_done_by_progress_md_and_next_is_phase_7(
    connect, torus_today: Path
) -> None:
    async with connect(torus_today) as client:
        status = await call_ok(client, "plan_status", feature=EMAIL)
        gates = await call_ok(client, "check_gates", feature=EMAIL)
    verdicts = {p["key"]: p["verdict"] for p in status["phases"]}
    assert verdicts == {
        "1": "done",
        "2": "done",
        "3": "done",
        "4": "done",
        "5": "done",
        "6": "done",
        "7": "not_started",
    }
    assert any(e.startswith("progress.md:") for e in status["phases"][3]["evidence"])
    assert status["next_phase_key"] == "7"
    assert gates["next_phase"].startswith("Phase 7:")


async def test_a_new_record_moves_the_next_phase(connect, torus_today: Path) -> None:
    certificates = torus_today / "docs/exec-plans/current/epics/automated_testing/certificates"
    async with connect(torus_today) as client:
        before = await call_ok(client, "plan_status", feature="automated_testing/certificates")
        (certificates / "execution").mkdir()
        (certificates / "execution" / "phase_4.md").write_text("# Phase 4\n\nStatus: done\n")
        after = await call_ok(client, "plan_status", feature="automated_testing/certificates")
    assert before["next_phase_key"] == "4"
    assert after["next_phase_key"] != "4"


async def test_develop_without_a_phase_follows_the_records_not_the_checkboxes(
    connect, torus_today: Path
) -> None:
    async with connect(torus_today) as client:
        finished = (await client.get_prompt("develop", {"feature": GATING})).messages
        email = (await client.get_prompt("develop", {"feature": EMAIL})).messages
    finished_text = "\n".join(m.content.text for m in finished if getattr(m.content, "type", "") == "text")
    email_text = "\n".join(m.content.text for m in email if getattr(m.content, "type", "") == "text")
    assert "every phase is ticked or recorded as done" in finished_text
    assert "Phase 7" in email_text and "the first neither ticked nor recorded as done" in email_text
