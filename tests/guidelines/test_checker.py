"""The check as a whole: which files it reads, what it says when elixir is missing or too slow,
and how it refuses paths it must not read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.guidelines.conftest import FIXTURES, check, pairs
from tests.shared_data import require_mix
from torus_mcp.guidelines.settings import GuidelinesConfig
from torus_mcp.guidelines.sources import SourceSelectionError

RULES_DIR = FIXTURES / "rules"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project with Elixir files in lib/, a template, and build output that must be skipped."""
    root = tmp_path / "project"
    (root / "lib" / "web").mkdir(parents=True)
    shutil.copy(RULES_DIR / "string_to_atom.ex", root / "lib" / "atoms.ex")
    shutil.copy(RULES_DIR / "predicates.ex", root / "lib" / "predicates.exs")
    shutil.copy(RULES_DIR / "template.html.heex", root / "lib" / "web" / "page.html.heex")
    for skipped in ("_build/dev/lib", "deps/ecto/lib", ".elixir_ls", "assets/node_modules/x"):
        (root / skipped).mkdir(parents=True)
        shutil.copy(RULES_DIR / "string_to_atom.ex", root / skipped / "copy.ex")
    (root / "lib" / "README.md").write_text("not Elixir\n")
    return root


def test_a_directory_means_its_elixir_and_heex_files_without_build_output(tree: Path) -> None:
    require_mix()
    report = check(tree, ["."])
    assert [g.file for g in report.files] == ["lib/atoms.ex", "lib/predicates.exs", "lib/web/page.html.heex"]
    assert report.counts.files_checked == 3


def test_files_and_directories_may_be_mixed_and_repeated(tree: Path) -> None:
    require_mix()
    report = check(tree, ["lib/atoms.ex", "lib", str(tree / "lib" / "atoms.ex")])
    assert report.counts.files_checked == 3


def test_without_elixir_only_the_heex_rules_run_and_the_report_says_so(tree: Path) -> None:
    report = check(tree, ["lib"], elixir="no-such-elixir")
    assert [g.file for g in report.files] == ["lib/web/page.html.heex"]
    assert report.counts.files_checked == 3
    assert report.notes == [
        "`no-such-elixir` was not found on PATH, so only the textual HEEx rules ran (on .heex files); "
        "2 Elixir file(s) were not checked. Install Elixir (e.g. apt-get install elixir) and check again."
    ]


def test_an_elixir_that_is_too_slow_is_stopped_and_named(tree: Path) -> None:
    require_mix()
    report = check(tree, ["lib"], config=GuidelinesConfig(timeout=0.01))
    assert [g.file for g in report.files] == ["lib/web/page.html.heex"]
    assert len(report.notes) == 1
    assert report.notes[0].startswith(
        "The AST rules did not run on 2 file(s) (lib/atoms.ex, lib/predicates.exs)"
    )
    assert "elixir did not finish within 0.01 s ([guidelines] timeout in .torus-mcp.toml)" in report.notes[0]


def test_an_elixir_that_fails_is_reported_with_what_it_said(tree: Path) -> None:
    fake = tree.parent / "bin" / "elixir"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'erl: cannot start' >&2\nexit 3\n")
    fake.chmod(0o755)
    report = check(tree, ["lib/atoms.ex"], elixir=str(fake))
    assert report.files == []
    assert report.notes == [
        "The AST rules did not run on 1 file(s) (lib/atoms.ex): elixir exited with status 3: erl: cannot start."
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("../outside.ex", "is outside the project root"),
        ("/etc/hostname", "is outside the project root"),
        ("lib/missing.ex", "lib/missing.ex does not exist under"),
        ("lib/README.md", "lib/README.md is not an Elixir (.ex, .exs) or HEEx (.heex) file"),
        ("", "is not a path"),
    ],
)
def test_paths_that_cannot_be_checked_are_refused(tree: Path, path: str, expected: str) -> None:
    (tree.parent / "outside.ex").write_text("defmodule Outside do\nend\n")
    with pytest.raises(SourceSelectionError) as error:
        check(tree, [path])
    assert expected in str(error.value)


def test_a_symlink_out_of_the_project_is_refused_and_skipped_in_directories(tree: Path) -> None:
    secret = tree.parent / "secret.ex"
    secret.write_text("defmodule Secret do\n  def is_secret, do: true\nend\n")
    os.symlink(secret, tree / "lib" / "link.ex")
    with pytest.raises(SourceSelectionError, match="outside the project root"):
        check(tree, ["lib/link.ex"])
    report = check(tree, ["lib"], elixir="no-such-elixir")
    assert report.counts.files_checked == 3  # the link is not followed out of the project


def test_paths_and_since_together_are_refused(tree: Path) -> None:
    with pytest.raises(SourceSelectionError, match="either paths or since"):
        check(tree, ["lib"], since="main")


def test_the_change_under_work_outside_git_says_so_and_asks_for_paths(tree: Path) -> None:
    with pytest.raises(SourceSelectionError) as error:
        check(tree)
    assert "is not inside a git repository" in str(error.value)
    assert "name the files or directories to check" in str(error.value)


def test_a_long_report_is_cut_with_exact_counts(tree: Path) -> None:
    report = check(tree, ["lib/web/page.html.heex"], elixir="no-such-elixir")
    short = report.limited(3)
    assert short.shown == 3 and report.shown == 9
    assert sum(len(g.findings) for g in short.files) == 3
    assert short.counts == report.counts
    assert set(short.rules) == {f.rule for g in short.files for f in g.findings}
    assert short.notes[-1] == "6 more finding(s) not listed; check fewer paths to see them."
    assert report.limited(9) is report


def test_disabled_rules_are_not_reported(tree: Path) -> None:
    config = GuidelinesConfig(disabled=frozenset({"HEEX-LIVE-REDIRECT"}))
    report = check(tree, ["lib/web/page.html.heex"], config=config, elixir="no-such-elixir")
    rules = {rule for rule, _ in pairs(report, "lib/web/page.html.heex")}
    assert "HEEX-LIVE-REDIRECT" not in rules and "HEEX-FORM-LET" in rules
