"""The server on a copy of ../shared/torus-today, the Torus docs tree as it is today.

Every expectation is computed from the tree itself (which directories hold prd/fdd/plan, which hold
only drafts), so the tests hold for the shapes, not for these particular files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.server.calls import call_ok
from tests.shared_data import require_shared

CORE = ("prd.md", "fdd.md", "plan.md")
SPEC_ROOT = "docs/exec-plans"

pytestmark = pytest.mark.anyio


@pytest.fixture
def today(tmp_path: Path) -> Path:
    target = tmp_path / "torus-today"
    shutil.copytree(require_shared("torus-today"), target)
    return target


def directories(root: Path) -> list[Path]:
    return [p for p in (root / SPEC_ROOT).rglob("*") if p.is_dir()]


def pack_dirs(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in directories(root) if any((p / d).is_file() for d in CORE)}


def draft_dirs(root: Path) -> set[str]:
    found = set()
    for p in directories(root):
        names = [f.name for f in p.iterdir() if f.is_file()]
        if not any(n in CORE for n in names) and any(
            n == "informal.md" or n.endswith("-informal.md") for n in names
        ):
            found.add(p.relative_to(root).as_posix())
    return found


async def test_every_directory_holding_prd_fdd_or_plan_is_a_pack(connect, today: Path) -> None:
    expected = pack_dirs(today)
    async with connect(today) as client:
        listing = await call_ok(client, "list_features", scope="all")
    assert {f["path"] for f in listing["features"]} == expected
    # Nested packs: the epic with its own plan.md and the packs below it.
    ids = {f["id"] for f in listing["features"]}
    assert {"automated_testing", "automated_testing/gating-tests", "automated_testing/capi"} <= ids
    assert "intelligent_dashboard/email_sending" in ids


async def test_draft_only_directories_are_drafts_not_packs(connect, today: Path) -> None:
    expected = draft_dirs(today)
    assert expected, "the tree should hold informal-only directories"
    async with connect(today) as client:
        listing = await call_ok(client, "list_features", scope="all")
        info = await call_ok(client, "workspace_info")
    assert {d["path"] for d in listing["drafts"]} == expected
    assert not expected & {f["path"] for f in listing["features"]}
    assert all("informal.md" in d["docs"] for d in listing["drafts"])
    assert info["draft_count"] == len(expected)
    assert info["feature_count"] == len(pack_dirs(today))
    # Drafts and the pack's own sub-directories are no "skipped" noise.
    assert not any(note.split(":")[0] in expected for note in info["skipped"])


async def test_scope_splits_live_and_archived_packs(connect, today: Path) -> None:
    archived = {p for p in pack_dirs(today) if "/archive/" in f"/{p}/"}
    assert archived
    async with connect(today) as client:
        live = await call_ok(client, "list_features")
        only_archived = await call_ok(client, "list_features", scope="archived")
        epic = await call_ok(
            client, "list_features", scope="all", prefix="docs/exec-plans/current/epics/automated_testing"
        )
        by_id = await call_ok(client, "list_features", prefix="intelligent_dashboard")
    assert {f["path"] for f in only_archived["features"]} == archived
    assert all(f["archived"] for f in only_archived["features"])
    assert {f["path"] for f in live["features"]} == pack_dirs(today) - archived
    assert not any(f["archived"] for f in live["features"])
    assert {f["id"] for f in epic["features"]} == {
        "automated_testing",
        "automated_testing/capi",
        "automated_testing/certificates",
        "automated_testing/gating-tests",
    }
    # The archived epic pack with the same prefix is left out of the live scope.
    assert {f["id"] for f in by_id["features"]} == {"intelligent_dashboard/email_sending"}


async def test_nested_and_archived_packs_resolve_by_id_and_path(connect, today: Path) -> None:
    async with connect(today) as client:
        epic = await call_ok(client, "read_doc", feature="automated_testing", doc="plan")
        nested = await call_ok(client, "read_doc", feature="gating-tests", doc="plan")
        archived = await call_ok(
            client, "read_doc", feature="docs/exec-plans/archive/epics/intelligent_dashboard", doc="prd"
        )
    assert epic["path"] == "docs/exec-plans/current/epics/automated_testing/plan.md"
    assert nested["feature"] == "automated_testing/gating-tests"
    assert archived["path"] == "docs/exec-plans/archive/epics/intelligent_dashboard/prd.md"


async def test_execution_records_and_other_working_documents_are_readable(connect, today: Path) -> None:
    async with connect(today) as client:
        record = await call_ok(
            client, "read_doc", feature="automated_testing/gating-tests", doc="phase_1_execution_record.md"
        )
        progress = await call_ok(client, "read_doc", feature="email_sending", doc="progress.md")
        report = await call_ok(client, "read_doc", feature="priv-signal", doc="validation_report.md")
    assert record["text"] == (today / record["path"]).read_text(encoding="utf-8")
    assert progress["path"].endswith("intelligent_dashboard/email_sending/progress.md")
    assert report["path"] == "docs/exec-plans/archive/features/priv-signal/validation_report.md"
