"""`torus-mcp lint` as a user or CI runs it: a subprocess, real files, the real elixir (or none)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.guidelines.conftest import FIXTURES
from tests.shared_data import require_mix

RULES_DIR = FIXTURES / "rules"


def lint(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "TORUS_ROOT"} if env is None else env
    return subprocess.run(
        [sys.executable, "-m", "torus_mcp", "lint", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "lib" / "app").mkdir(parents=True)
    (root / "mix.exs").write_text("defmodule App.MixProject do\nend\n")
    shutil.copy(RULES_DIR / "predicates.ex", root / "lib" / "app" / "predicates.ex")
    shutil.copy(RULES_DIR / "struct_access.ex", root / "lib" / "app" / "struct_access.ex")
    shutil.copy(RULES_DIR / "template.html.heex", root / "lib" / "app" / "page.html.heex")
    return root


def test_text_output_and_exit_1_on_errors(project: Path) -> None:
    require_mix()
    result = lint(project / "lib", "app/struct_access.ex")  # the root is found from the cwd's mix.exs
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "lib/app/struct_access.ex:4:33: error STRUCT-ACCESS: user[:email] on a %User{} struct "
        "(bound at line 4); write user.email"
    )
    assert lines[-3].startswith("STRUCT-ACCESS: Don’t use map access on structs (struct[:field])")
    assert lines[-2].startswith("    fix: Write var.field")
    assert lines[-1] == "1 file(s) checked: 4 error(s), 0 warning(s) in 1 file(s)."
    assert result.stderr == ""


def test_warnings_alone_pass(project: Path) -> None:
    require_mix()
    result = lint(project, "lib/app/predicates.ex")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "1 file(s) checked: 0 error(s), 4 warning(s) in 1 file(s)."


def test_json_and_github_formats(project: Path) -> None:
    require_mix()
    as_json = lint(project, "lib", "--format", "json")
    document = json.loads(as_json.stdout)
    assert as_json.returncode == 1
    assert document["root"] == str(project.resolve()) and document["passed"] is False
    assert [g["file"] for g in document["files"]] == [
        "lib/app/page.html.heex",
        "lib/app/predicates.ex",
        "lib/app/struct_access.ex",
    ]
    assert document["counts"]["files_checked"] == 3
    github = lint(project, "lib/app/predicates.ex", "--format", "github")
    first = github.stdout.splitlines()[0]
    assert first.startswith(
        "::warning file=lib/app/predicates.ex,line=2,col=7,title=IS-PREDICATE::def is_admin/1"
    )
    assert "%0AFix: Rename is_foo to foo?" in first


@pytest.mark.parametrize(
    ("args", "config", "expected"),
    [
        (["lib/nope.ex"], None, "lib/nope.ex does not exist under"),
        (
            ["lib"],
            '[guidelines]\nlayers = "Oli"\n',
            "[guidelines] layers must be a list of [lower, upper] pairs",
        ),
        ([], None, "is not inside a git repository"),
        (["--since", "main"], None, "is not inside a git repository"),
    ],
)
def test_usage_errors_exit_2(project: Path, args: list[str], config: str | None, expected: str) -> None:
    if config:
        (project / ".torus-mcp.toml").write_text(config)
    result = lint(project, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("torus-mcp lint: ") and expected in result.stderr


def test_without_elixir_on_path_the_heex_rules_still_run_and_the_gap_is_named(
    project: Path, tmp_path: Path
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**{k: v for k, v in os.environ.items() if k != "TORUS_ROOT"}, "PATH": str(empty_bin)}
    only_code = lint(project, "lib/app/predicates.ex", env=env)
    assert only_code.returncode == 2  # nothing was really checked: CI must not pass silently
    assert only_code.stdout.splitlines() == ["1 file(s) checked: 0 error(s), 0 warning(s) in 0 file(s)."]
    assert (
        "torus-mcp lint: `elixir` was not found on PATH, so only the textual HEEx rules ran"
        in only_code.stderr
    )
    with_template = lint(project, "lib", env=env)
    assert with_template.returncode == 1
    assert {line.split(":")[0] for line in with_template.stdout.splitlines() if ": error " in line} == {
        "lib/app/page.html.heex"
    }
    assert "2 Elixir file(s) were not checked" in with_template.stderr
