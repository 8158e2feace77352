"""The gate engine: stages, targets, parser notes, caching, real packs and the example project pinned, damaged packs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_PROJECT
from tests.shared_data import require_shared
from tests.specs.gate_samples import (
    ALL_TICKED,
    FDD_WITH_TBD,
    GOOD_FDD,
    GOOD_PLAN,
    GOOD_PRD,
    NONE_TICKED,
    PRD_TWO_ERRORS,
    pack_of,
    write_pack,
)
from torus_mcp.specs import gates as gates_module
from torus_mcp.specs.findings import Finding
from torus_mcp.specs.gate_config import gates_config, parse_gates_section
from torus_mcp.specs.gate_summary import summarize_gate
from torus_mcp.specs.gates import StageError, check_gates
from torus_mcp.specs.pack import load_pack
from torus_mcp.specs.rules.registry import RULES


@pytest.mark.parametrize(
    ("docs", "stage", "done", "total"),
    [
        ({}, "developing", 1, 3),
        ({"plan": ALL_TICKED}, "done", 3, 3),
        ({"plan": NONE_TICKED}, "plan", 0, 3),
        ({"plan": None}, "fdd", 0, 0),
        ({"fdd": FDD_WITH_TBD}, "prd", 1, 3),
        ({"prd": PRD_TWO_ERRORS}, "none", 1, 3),
        ({"prd": None, "fdd": None, "plan": None}, "none", 0, 0),
    ],
    ids=["developing", "done", "plan", "fdd", "prd", "none", "empty-pack"],
)
def test_stage_is_the_last_gate_passed(tmp_path, docs, stage, done, total):
    report = check_gates(pack_of(tmp_path, **docs))
    assert report.stage == stage
    assert (report.tasks_done, report.tasks_total) == (done, total)
    assert [g.gate for g in report.gates] == ["prd", "fdd", "plan"]


def test_later_gates_are_still_evaluated_after_a_failure(tmp_path):
    report = check_gates(pack_of(tmp_path, prd=PRD_TWO_ERRORS, plan=None))
    assert [(g.gate, g.passed, g.errors) for g in report.gates] == [
        ("prd", False, 2),
        ("fdd", True, 0),
        ("plan", False, 1),
    ]
    assert report.stage == "none"
    assert not report.passed


def test_ticked_tasks_do_not_lift_a_feature_whose_plan_gate_fails(tmp_path):
    plan = ALL_TICKED + "\n## Phase 3: Cleanup\n\nGoal: Tidy up.\n\nTasks:\n- [x] Remove the old renderer\n"
    report = check_gates(pack_of(tmp_path, plan=plan))
    assert report.tasks_done == report.tasks_total == 4
    assert report.stage == "fdd"  # Phase 3 has no definition of done


def test_next_phase_is_the_first_with_an_open_task(tmp_path):
    plan = GOOD_PLAN.replace("- [ ] Escape author text", "- [x] Escape author text")
    assert check_gates(pack_of(tmp_path, plan=plan)).next_phase == "Phase 2: Rollout"
    assert check_gates(pack_of(tmp_path, "all", plan=ALL_TICKED)).next_phase is None


@pytest.mark.parametrize(
    ("target", "gates", "stage", "passed"),
    [
        ("prd", ["prd"], "prd", True),
        ("fdd", ["prd", "fdd"], "fdd", True),
        ("plan", ["prd", "fdd", "plan"], "plan", True),
        ("developing", ["prd", "fdd", "plan"], "developing", True),
        ("done", ["prd", "fdd", "plan"], "developing", False),
    ],
)
def test_a_target_evaluates_the_gates_up_to_it(tmp_path, target, gates, stage, passed):
    report = check_gates(pack_of(tmp_path), target)
    assert [g.gate for g in report.gates] == gates
    assert report.target == target
    assert report.stage == stage
    assert report.passed is passed
    assert report.model_dump()["passed"] is passed


def test_a_target_ignores_the_gates_after_it(tmp_path):
    report = check_gates(pack_of(tmp_path, plan=None, fdd=FDD_WITH_TBD), "prd")
    assert report.passed and report.stage == "prd"
    assert report.findings == []


def test_developing_needs_a_ticked_task(tmp_path):
    report = check_gates(pack_of(tmp_path, plan=NONE_TICKED), "developing")
    assert all(g.passed for g in report.gates)
    assert report.stage == "plan"
    assert not report.passed


@pytest.mark.parametrize("stage", ["none", "review", "", "Phase 1"])
def test_an_unknown_stage_is_refused_with_the_list(tmp_path, stage):
    with pytest.raises(StageError, match="the stages are prd, fdd, plan, developing, done"):
        check_gates(pack_of(tmp_path), stage)


def test_stage_names_are_case_insensitive(tmp_path):
    assert check_gates(pack_of(tmp_path), " FDD ").target == "fdd"


def test_parser_notes_are_reported_but_never_block(tmp_path):
    plan = GOOD_PLAN.replace("- [ ] Gate the button", "- [N/A] Gate the button")
    report = check_gates(pack_of(tmp_path, plan=plan))
    notes = [f for f in report.findings if f.rule == "PARSE-TASK"]
    assert len(notes) == 1 and notes[0].severity == "info"
    assert all(g.passed for g in report.gates)
    assert report.stage == "developing"


def test_a_parser_note_a_rule_already_reports_is_left_out(tmp_path):
    plan = GOOD_PLAN.replace("- [ ] Gate the button", "- Gate the button")
    report = check_gates(pack_of(tmp_path, plan=plan))
    rules = [f.rule for f in report.findings]
    assert "PLAN-CHECKBOXES" in rules
    assert "PARSE-CHECKBOX" not in rules


def test_reports_are_cached_by_document_version_and_config(tmp_path, monkeypatch):
    runs = []
    real_check = gates_module._check
    monkeypatch.setattr(gates_module, "_check", lambda *a: runs.append(1) or real_check(*a))
    pack_dir = write_pack(tmp_path / "cached")
    first = check_gates(load_pack(pack_dir, "cached"))
    first.findings.append(Finding(rule="X", severity="info", message="changed by the caller"))
    again = check_gates(load_pack(pack_dir, "cached"))
    assert len(runs) == 1
    assert again.findings == []  # the caller's change did not reach the cache
    check_gates(load_pack(pack_dir, "cached"), config=parse_gates_section({"disabled": ["NO-TODO"]}))
    assert len(runs) == 2
    (pack_dir / "plan.md").write_text(ALL_TICKED, encoding="utf-8")
    assert check_gates(load_pack(pack_dir, "cached")).stage == "done"
    assert len(runs) == 3


def test_packs_without_versions_are_never_served_from_the_cache(tmp_path):
    from torus_mcp.specs.pack import SpecPack

    # Same feature, same path, no document versions: only their content tells them apart.
    bare = SpecPack(feature="bare", path=tmp_path, texts={"prd.md": GOOD_PRD})
    parsed = pack_of(tmp_path).model_copy(update={"feature": "bare", "path": tmp_path, "docs": {}})
    assert check_gates(bare).stage == "none"
    assert check_gates(parsed).stage == "developing"
    assert check_gates(bare).stage == "none"


# pack: (stage, [(gate, passed)], {error rule: ids or lines it names}, (done, total))
REAL_PACKS = {
    # No FR ids and no Functional Requirements section in the PRD (FR1..FR7 live in the FDD only).
    # Its fdd and plan gates pass: the FDD defines FR1..FR7 itself and cites only those.
    "canary": (
        "none",
        [False, True, True],
        {"PRD-FR-IDS": [], "PRD-SECTIONS": ["'Functional Requirements'"]},
        (0, 19),
    ),
    # FR-010 and FR-011 have no acceptance criterion.
    "docs_import": ("none", [False, True, True], {"PRD-AC-COVERS-FR": ["FR-010", "FR-011"]}, (25, 25)),
    # FR-005 and FR-008 have no acceptance criterion; Phase 6 has no definition of done.
    "genai-routing": (
        "none",
        [False, True, False],
        {"PRD-AC-COVERS-FR": ["FR-005", "FR-008"], "PLAN-DOD": ["Phase 6: Documentation"]},
        (31, 42),
    ),
    "lti-launch-hardening": ("done", [True, True, True], {}, (57, 57)),
    "mer-5677-phases-of-the-moon": ("developing", [True, True, True], {}, (14, 23)),
    "module-level-log-controls": ("done", [True, True, True], {}, (23, 23)),
}


@pytest.fixture
def specpacks() -> Path:
    return require_shared("specpacks")


@pytest.mark.parametrize("name", sorted(REAL_PACKS))
def test_real_pack_stage(specpacks, name):
    stage, passed, errors, progress = REAL_PACKS[name]
    report = check_gates(load_pack(specpacks / name, name))
    assert report.stage == stage
    assert [g.passed for g in report.gates] == passed
    assert (report.tasks_done, report.tasks_total) == progress
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        if finding.severity == "error":
            found.setdefault(finding.rule, []).append(finding.message)
    assert sorted(found) == sorted(errors)
    for rule, fragments in errors.items():
        for fragment in fragments:
            assert any(fragment in message for message in found[rule]), (rule, fragment)
        if rule == "PRD-AC-COVERS-FR":
            assert len(found[rule]) == len(fragments)


def test_real_packs_with_flat_requirements_yml_report_unknown_coverage(specpacks):
    report = check_gates(load_pack(specpacks / "lti-launch-hardening", "lti"))
    (linked,) = [f for f in report.findings if f.rule == "PRD-AC-LINKED"]
    assert "none of the 17 acceptance criteria (requirements.yml)" in linked.message


def test_real_fdd_citing_requirements_the_prd_does_not_define(specpacks):
    report = check_gates(load_pack(specpacks / "genai-routing", "genai-routing"))
    unknown = [(f.line, f.message) for f in report.findings if f.rule == "FDD-CITES-KNOWN-ID"]
    assert unknown == [
        (17, "fdd.md cites FR-012, which neither prd.md nor requirements.yml defines."),
        (18, "fdd.md cites FR-013, which neither prd.md nor requirements.yml defines."),
    ]


def _example_pack(feature: str):
    from torus_mcp.workspace import RootChoice, Workspace

    workspace = Workspace(RootChoice(root=EXAMPLE_PROJECT, rule="--root", reason="test"))
    ref = workspace.resolve_feature(feature)
    return load_pack(ref.path, ref.id), gates_config(workspace.config)


def test_example_canvas_preview_is_developing():
    pack, config = _example_pack("canvas-preview")
    report = check_gates(pack, config=config)
    assert report.stage == "developing"
    assert (report.tasks_done, report.tasks_total) == (4, 11)
    assert report.next_phase == "Phase 2: Preview Links"
    assert [f for f in report.findings if f.severity != "info"] == []


def test_example_bulk_tagging_is_at_fdd():
    pack, config = _example_pack("authoring/bulk-tagging")
    report = check_gates(pack, config=config)
    assert report.stage == "fdd"
    assert [f.rule for f in report.findings] == ["PLAN-DOC"]
    assert check_gates(pack, "fdd", config).passed


_FRAGMENTS = [
    "#",
    "## ",
    "**",
    "- [ ] ",
    "- [x]",
    "```",
    "TBD",
    "FR-0",
    "AC-001 (FR-9)",
    "Given",
    ":",
    "\r",
    "  - id:",
]


def _damage(text: str, rng) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(lines)) if lines else 0
        action = rng.choice(["delete", "duplicate", "insert", "splice"])
        if not lines or action == "insert":
            lines.insert(position, "".join(rng.choices(_FRAGMENTS, k=rng.randint(1, 3))))
        elif action == "delete":
            del lines[position]
        elif action == "duplicate":
            lines.insert(position, lines[position])
        else:
            cut = rng.randint(0, len(lines[position]))
            lines[position] = lines[position][:cut] + rng.choice(_FRAGMENTS) + lines[position][cut:]
    return "\n".join(lines)


def test_damaged_packs_never_make_a_check_raise(tmp_path):
    import random

    from tests.specs.gate_samples import GOOD_REQUIREMENTS_YML

    rng = random.Random(3)
    originals = {
        "prd": GOOD_PRD,
        "fdd": GOOD_FDD,
        "plan": GOOD_PLAN,
        "requirements__yml": GOOD_REQUIREMENTS_YML,
    }
    stages = set()
    for index in range(120):
        docs = {key: _damage(text, rng) if rng.random() < 0.7 else text for key, text in originals.items()}
        report = check_gates(pack_of(tmp_path, f"damaged-{index}", **docs))
        stages.add(report.stage)
        first_failure = next((g.gate for g in report.gates if not g.passed), None)
        if first_failure is not None:
            order = ["none", "prd", "fdd", "plan"]
            assert order.index(report.stage) < order.index(first_failure)
        for finding in report.findings:
            if finding.rule in RULES:
                assert finding.severity == RULES[finding.rule].severity
                assert finding.document and finding.fix
        for persona in ("analyze", "architect", "plan", "develop"):
            assert summarize_gate(report, persona).strip()
    assert len(stages) >= 3  # the damage really moved features between stages
