"""load_pack on real files in a temporary directory: contents, findings, and the version cache."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from torus_mcp.documents import MAX_DOC_BYTES, version_of
from torus_mcp.specs.pack import PACK_RULE, clear_pack_cache, load_pack, pack_cache_stats
from torus_mcp.specs.requirements.model import YAML_RULE

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FEATURE = REPO_ROOT / "examples" / "torus-example" / "docs" / "features" / "canvas-preview"

PRD = """\
# Demo — PRD

## 6. Functional Requirements
| ID | Description |
|---|---|
| FR-001 | Render blocks. |

## 7. Acceptance Criteria
- AC-001 (FR-001) — Given a page, when it renders, then blocks keep order.

## 14. Open Questions & Assumptions
Assumptions:
- Pages are small.
"""
FDD = "# Demo — FDD\n\n## 1. Executive Summary\nRenders blocks (FR-001).\n"
PLAN = """\
# Demo — Plan

## Phase 1: Rendering
Goal: render.

Tasks:
- [x] Render blocks (FR-001)
- [ ] Test AC-001 — owner TBD
"""
REQUIREMENTS = """\
requirements:
- id: FR-001
  title: Render blocks.
  status: verified_plan
  acceptance_criteria:
  - id: AC-001
    title: Blocks keep order.
    proofs:
    - type: test
      ref: test/render_test.exs
"""


def age(path: Path) -> None:
    """Set a file's mtime a minute back, as if it had been written long ago (the stat shortcut
    trusts only files that have been still for a while)."""
    past = time.time() - 60
    os.utime(path, (past, past))


def make_pack(root: Path, files: dict[str, str] | None = None) -> Path:
    pack = root / "demo"
    pack.mkdir(parents=True)
    for name, text in (
        files or {"prd.md": PRD, "fdd.md": FDD, "plan.md": PLAN, "requirements.yml": REQUIREMENTS}
    ).items():
        (pack / name).write_text(text, encoding="utf-8")
        age(pack / name)
    return pack


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_pack_cache()
    yield
    clear_pack_cache()


def test_pack_contents(tmp_path):
    path = make_pack(tmp_path)
    (path / "notes.txt").write_text("not a spec document")
    (path / ".hidden.md").write_text("# hidden")
    pack = load_pack(path, "demo")

    assert (pack.feature, pack.path) == ("demo", path)
    assert sorted(pack.docs) == ["fdd.md", "plan.md", "prd.md", "requirements.yml"]
    prd = pack.docs["prd.md"]
    assert (prd.version, prd.size) == (version_of(PRD.encode()), len(PRD.encode()))
    assert pack.text("plan.md") == PLAN and pack.text("nope.md") is None
    assert [s.title for s in pack.prd_sections] == [
        "Demo — PRD",
        "Functional Requirements",
        "Acceptance Criteria",
        "Open Questions & Assumptions",
    ]
    assert [s.number for s in pack.fdd_sections] == [None, "1"]
    assert [s.title for s in pack.plan_sections] == ["Demo — Plan", "Phase 1: Rendering"]
    assert pack.plan is not None and [(p.number, p.done, p.total) for p in pack.plan.phases] == [(1, 1, 2)]

    [requirement] = pack.requirements.requirements
    assert (requirement.document, requirement.sources, requirement.status) == (
        "requirements.yml",
        ["requirements.yml", "prd.md"],
        "verified_plan",
    )
    [criterion] = pack.requirements.acceptance_criteria
    assert criterion.given_when_then  # from the PRD's wording; the YAML title is plain
    assert [p.ref for p in criterion.proofs] == ["test/render_test.exs"]
    assert [(m.kind, m.document, m.line) for m in pack.markers] == [("TBD", "plan.md", 8)]
    assert [(n.kind, n.document, n.text) for n in pack.notes] == [
        ("assumption", "prd.md", "Pages are small.")
    ]
    # The AC's two wordings differ: an info finding, nothing more.
    assert [(f.rule, f.severity) for f in pack.findings] == [("REQ-CONFLICT", "info")]


def test_dump_leaves_out_the_texts(tmp_path):
    pack = load_pack(make_pack(tmp_path), "demo")
    dumped = pack.model_dump(mode="json")
    assert "texts" not in dumped
    assert dumped["docs"]["prd.md"]["version"].startswith("sha256:")
    assert "Render blocks" not in pack.model_dump_json(include={"docs", "feature"})
    assert "texts=" not in repr(pack)


def test_pack_without_plan_or_yaml(tmp_path):
    pack = load_pack(make_pack(tmp_path, {"prd.md": PRD}), "demo")
    assert pack.plan is None and pack.fdd_sections == [] and pack.plan_sections == []
    assert [r.document for r in pack.requirements.requirements] == ["prd.md"]


def test_missing_directory_is_a_finding(tmp_path):
    pack = load_pack(tmp_path / "absent", "absent")
    assert pack.docs == {} and pack.plan is None
    [finding] = pack.findings
    assert finding.rule == PACK_RULE and "cannot be read" in finding.message


def test_unreadable_documents_are_findings_naming_them(tmp_path):
    path = make_pack(tmp_path, {"prd.md": PRD})
    (path / "fdd.md").write_bytes(b"# FDD\n\xff\xfe broken\n")
    (path / "plan.md").write_bytes(b"# Plan\x00binary")
    with (path / "informal.md").open("wb") as handle:
        handle.truncate(MAX_DOC_BYTES + 1)
    pack = load_pack(path, "demo")
    assert sorted(pack.docs) == ["prd.md"]
    messages = {f.document: f.message for f in pack.findings if f.rule == PACK_RULE}
    assert "not valid UTF-8" in messages["fdd.md"]
    assert "binary" in messages["plan.md"]
    assert "over the" in messages["informal.md"]


def test_symlink_out_of_the_pack_is_left_out(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text("# secret")
    path = make_pack(tmp_path, {"prd.md": PRD})
    (path / "fdd.md").symlink_to(outside)
    (path / "plan.md").symlink_to(path / "prd.md")  # inside the pack: kept
    assert sorted(load_pack(path, "demo").docs) == ["plan.md", "prd.md"]


def test_malformed_yaml_is_a_pack_finding_with_file_and_line(tmp_path):
    path = make_pack(
        tmp_path, {"prd.md": PRD, "requirements.yml": "requirements:\n- id: FR-001\n  title: [oops\n"}
    )
    pack = load_pack(path, "demo")
    [finding] = [f for f in pack.findings if f.rule == YAML_RULE]
    assert (finding.document, finding.line) == ("requirements.yml", 4)
    # The PRD still supplies the requirement.
    assert [r.document for r in pack.requirements.requirements] == ["prd.md"]


# ---------------------------------------------------------------------------------------------
# Cache


def test_unchanged_pack_is_neither_read_nor_parsed_again(tmp_path):
    path = make_pack(tmp_path)
    first = load_pack(path, "demo")
    after_first = pack_cache_stats()
    assert (after_first.pack_misses, after_first.pack_hits, after_first.documents_read) == (1, 0, 4)
    # sections x3, plan, requirements, markers x4, notes x3
    assert after_first.parses == 12

    second = load_pack(path, "demo")
    after_second = pack_cache_stats()
    assert (after_second.pack_hits, after_second.parses, after_second.documents_read) == (1, 12, 4)
    assert after_second.reads_skipped == 4
    assert second == first and second is not first


def test_changing_the_plan_reparses_only_the_plan(tmp_path):
    path = make_pack(tmp_path)
    load_pack(path, "demo")
    before = pack_cache_stats()
    (path / "plan.md").write_text(PLAN.replace("- [ ] Test", "- [x] Test"), encoding="utf-8")
    pack = load_pack(path, "demo")
    after = pack_cache_stats()
    assert after.documents_read - before.documents_read == 1
    # plan.md's sections, plan, markers and notes; not the PRD, FDD or requirements.
    assert after.parses - before.parses == 4
    assert [(p.done, p.total) for p in pack.plan.phases] == [(2, 2)]


def test_changing_the_prd_reparses_requirements(tmp_path):
    path = make_pack(tmp_path)
    load_pack(path, "demo")
    before = pack_cache_stats()
    (path / "prd.md").write_text(PRD.replace("| FR-001 |", "| FR-002 | New. |\n| FR-001 |"), encoding="utf-8")
    pack = load_pack(path, "demo")
    # prd.md's sections, markers and notes, and the requirements it feeds.
    assert pack_cache_stats().parses - before.parses == 4
    assert [r.id for r in pack.requirements.requirements] == ["FR-001", "FR-002"]


def test_same_size_rewrite_with_the_old_mtime_is_seen(tmp_path):
    path = make_pack(tmp_path)
    load_pack(path, "demo")
    plan = path / "plan.md"
    stat = plan.stat()
    replaced = PLAN.replace("[ ] Test", "[x] Test")
    assert len(replaced) == len(PLAN)
    # An atomic replace (new inode), then the old times put back: the stat still differs.
    tmp = path / ".plan.tmp"
    tmp.write_text(replaced, encoding="utf-8")
    os.replace(tmp, plan)
    os.utime(plan, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [(p.done, p.total) for p in load_pack(path, "demo").plan.phases] == [(2, 2)]


def test_recently_written_files_are_read_again_but_not_reparsed(tmp_path):
    path = make_pack(tmp_path)
    (path / "plan.md").write_text(PLAN, encoding="utf-8")  # fresh mtime: the stat is not trusted
    load_pack(path, "demo")
    before = pack_cache_stats()
    load_pack(path, "demo")
    after = pack_cache_stats()
    assert after.documents_read - before.documents_read == 1
    assert after.reads_skipped - before.reads_skipped == 3
    assert (after.parses, after.pack_hits) == (before.parses, before.pack_hits + 1)


def test_identical_documents_of_two_features_are_parsed_once(tmp_path):
    path = make_pack(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(path, copy)
    load_pack(path, "demo")
    parses = pack_cache_stats().parses
    pack = load_pack(copy, "copy")
    stats = pack_cache_stats()
    assert (stats.pack_misses, stats.parses) == (2, parses)
    assert (pack.feature, pack.path) == ("copy", copy)


def test_callers_cannot_change_the_cached_pack(tmp_path):
    path = make_pack(tmp_path)
    first = load_pack(path, "demo")
    first.findings.clear()
    first.requirements.requirements[0].title = "changed"
    first.plan.phases[0].tasks.clear()
    second = load_pack(path, "demo")
    assert second.findings and second.requirements.requirements[0].title == "Render blocks."
    assert len(second.plan.phases[0].tasks) == 2


def test_clear_pack_cache_resets_counters(tmp_path):
    load_pack(make_pack(tmp_path), "demo")
    clear_pack_cache()
    assert pack_cache_stats().model_dump() == {
        "pack_hits": 0,
        "pack_misses": 0,
        "documents_read": 0,
        "reads_skipped": 0,
        "parses": 0,
    }


def test_committed_example_pack(tmp_path):
    target = tmp_path / "canvas-preview"
    shutil.copytree(EXAMPLE_FEATURE, target)
    pack = load_pack(target, "canvas-preview")
    requirements = pack.requirements
    assert [r.id for r in requirements.requirements] == [f"FR-00{n}" for n in range(1, 7)]
    assert [c.id for c in requirements.acceptance_criteria] == [f"AC-00{n}" for n in range(1, 8)]
    assert all(r.document == "requirements.yml" and "prd.md" in r.sources for r in requirements.requirements)
    assert requirements.criterion("AC-005").cites == ["FR-004", "FR-005"]  # YAML nesting + PRD's cite
    assert requirements.requirement("FR-005").acceptance == ["AC-005", "AC-006"]
    assert [p.ref for p in requirements.criterion("AC-001").proofs] == [
        "test/torus_example/canvas_preview_test.exs"
    ]
    assert all(c.given_when_then for c in requirements.acceptance_criteria)
    assert [(n.kind, n.document) for n in pack.notes] == [
        ("assumption", "fdd.md"),
        ("open_question", "fdd.md"),
        ("assumption", "prd.md"),
        ("open_question", "prd.md"),
    ]
    assert [f.severity for f in pack.findings if f.severity != "info"] == []
