"""`torus-mcp check` as CI runs it: a subprocess on a copy of the example project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.specs.gate_samples import line_of, replace_once
from torus_mcp.commands.check import github_annotation
from torus_mcp.specs.findings import Finding
from torus_mcp.workspace import FeatureRef

CANVAS = Path("docs/features/canvas-preview")
BULK = Path("docs/exec-plans/current/epics/authoring/bulk-tagging")


def check(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TORUS_ROOT"}
    command = [sys.executable, "-m", "torus_mcp", "check", *args]
    if cwd is None:
        command += ["--root", str(project)]
    return subprocess.run(
        command, cwd=cwd or project.parent, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def edit(path: Path, old: str, new: str) -> str:
    text = replace_once(path.read_text(encoding="utf-8"), old, new)
    path.write_text(text, encoding="utf-8")
    return text


def test_text_for_every_feature_fails_while_a_pack_lacks_its_plan(project):
    result = check(project, cwd=project)  # the root is found from the working directory's mix.exs
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "authoring/bulk-tagging: stage fdd [prd pass, fdd pass, plan FAIL] FAILED"
    assert lines[1] == (
        f"  {BULK.as_posix()}/plan.md: error PLAN-DOC: plan.md does not exist in authoring/bulk-tagging, "
        "so the plan gate cannot pass."
    )
    assert lines[2].startswith("      fix: Write plan.md")
    assert "canvas-preview: stage developing [prd pass, fdd pass, plan pass, 4/11 tasks] ok" in lines
    assert lines[-1] == "2 feature(s) checked: 1 passed, 1 failed."
    assert result.stderr == ""


def test_named_features_and_a_stage_pass(project):
    result = check(project, "canvas-preview", "authoring/bulk-tagging", "--stage", "fdd")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "authoring/bulk-tagging: stage fdd (checked up to fdd) [prd pass, fdd pass] ok" in result.stdout
    assert (
        "canvas-preview: stage fdd (checked up to fdd) [prd pass, fdd pass, 4/11 tasks] ok" in result.stdout
    )


def test_a_stage_beyond_the_ticked_tasks_fails(project):
    result = check(project, "canvas-preview", "--stage", "done")
    assert result.returncode == 1
    assert "  target stage done not reached: 4 of 11 plan tasks ticked" in result.stdout


def test_json(project):
    result = check(project, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["passed"] is False
    assert data["root"] == str(project.resolve())
    features = {f["feature"]: f for f in data["features"]}
    assert set(features) == {"authoring/bulk-tagging", "canvas-preview"}
    canvas = features["canvas-preview"]
    assert (canvas["stage"], canvas["passed"], canvas["path"]) == ("developing", True, CANVAS.as_posix())
    assert (canvas["tasks_done"], canvas["tasks_total"], canvas["next_phase"]) == (
        4,
        11,
        "Phase 2: Preview Links",
    )
    bulk = features["authoring/bulk-tagging"]
    assert bulk["gates"][2] == {"gate": "plan", "passed": False, "errors": 1, "warnings": 0}
    assert bulk["findings"][0]["rule"] == "PLAN-DOC"
    assert set(bulk["findings"][0]) == {"rule", "severity", "document", "line", "message", "fix"}


def test_github_annotations(project):
    prd = edit(project / CANVAS / "prd.md", "no data migration;", "data migration TBD;")
    fdd = edit(project / CANVAS / "fdd.md", "## 5. Interfaces\n", "## 5. Interfaces\n\nSee FR-099.\n")
    result = check(project, "canvas-preview", "--format", "github")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    assert error.startswith(
        f"::error file={CANVAS.as_posix()}/prd.md,line={line_of(prd, 'migration TBD')},title=NO-TBD::unresolved TBD"
    )
    assert "%0AFix: Decide it" in error
    warning = next(line for line in lines if line.startswith("::warning "))
    assert warning == (
        f"::warning file={CANVAS.as_posix()}/fdd.md,line={line_of(fdd, 'FR-099')},title=FDD-CITES-KNOWN-ID::"
        "fdd.md cites FR-099, which neither prd.md nor requirements.yml defines."
        "%0AFix: Correct the id, or define FR-099 in the PRD (or requirements.yml) first."
    )
    assert lines[-1] == "canvas-preview: stage none [prd FAIL, fdd pass, plan pass] FAILED"


def test_the_project_config_changes_severities(project):
    edit(project / CANVAS / "plan.md", "Goal: Renders and link use", "Goal: TODO renders and link use")
    assert check(project, "canvas-preview").returncode == 0
    (project / ".torus-mcp.toml").write_text('[gates.severity]\n"NO-TODO" = "error"\n', encoding="utf-8")
    result = check(project, "canvas-preview")
    assert result.returncode == 1
    assert "plan.md:44: error NO-TODO: TODO left in plan.md" in result.stdout


@pytest.mark.parametrize(
    ("args", "config", "stderr"),
    [
        (
            ["nope"],
            None,
            "torus-mcp check: no feature 'nope'. Features: authoring/bulk-tagging, canvas-preview.",
        ),
        (["--stage", "none"], None, "argument --stage: invalid choice: 'none'"),
        (["--format", "xml"], None, "argument --format: invalid choice: 'xml'"),
        ([], '[gates]\ndisabled = ["NOPE"]\n', "unknown rule 'NOPE'. Known rules: PRD-DOC"),
        ([], "[gates\n", "is not valid TOML"),
        (["/etc/passwd"], None, "'/etc/passwd'"),
    ],
    ids=["unknown-feature", "bad-stage", "bad-format", "unknown-rule", "bad-toml", "absolute-path"],
)
def test_usage_errors_exit_2(project, args, config, stderr):
    if config is not None:
        (project / ".torus-mcp.toml").write_text(config, encoding="utf-8")
    result = check(project, *args)
    assert result.returncode == 2
    assert stderr in result.stderr
    assert result.stdout == ""


def test_a_root_without_packs_or_that_does_not_exist_exits_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = check(empty)
    assert result.returncode == 2
    assert f"no spec packs under {empty.resolve()}" in result.stderr
    missing = check(tmp_path / "missing")
    assert missing.returncode == 2
    assert "is not a directory" in missing.stderr


def test_github_annotation_escapes_what_the_workflow_command_syntax_reserves(tmp_path):
    ref = FeatureRef(
        id="a,b", slug="a", epic=None, path=tmp_path, rel_path="docs/features/a:b,c", tree="docs"
    )
    finding = Finding(
        rule="NO-TBD", severity="info", document="prd.md", line=None, message="100% done\r\nnext", fix=None
    )
    assert github_annotation(ref, finding) == (
        "::notice file=docs/features/a%3Ab%2Cc/prd.md,title=NO-TBD::100%25 done%0D%0Anext"
    )


def test_archived_packs_are_left_out_unless_asked_and_a_directory_checks_the_packs_under_it(project):
    archived = project / "docs/exec-plans/archive/epics/authoring/old-tagging"
    archived.mkdir(parents=True)
    (archived / "prd.md").write_text("# Old tagging\n")
    default = check(project)
    assert "authoring/old-tagging" not in default.stdout
    assert default.stdout.splitlines()[-1] == "1 archived pack(s) left out; pass --all to check them too."
    every = check(project, "--all")
    assert "authoring/old-tagging: stage" in every.stdout
    assert "left out" not in every.stdout
    assert json.loads(check(project, "--format", "json").stdout)["archived_left_out"] == 1
    under = check(project, "docs/exec-plans/current/epics/authoring")
    assert [line.split(":")[0] for line in under.stdout.splitlines() if ": stage " in line] == [
        "authoring/bulk-tagging"
    ]
    history = check(project, "docs/exec-plans/archive")
    assert [line.split(":")[0] for line in history.stdout.splitlines() if ": stage " in line] == [
        "authoring/old-tagging"
    ]
    nothing = check(project, "docs/exec-plans/current/epics/authoring/bulk-tagging/../../../../archive/x")
    assert nothing.returncode == 2
