"""Changed-files mode on a real git repository: a main branch, a feature branch with commits, and
staged, unstaged and untracked work on top.

Listing the change is the job of the git history module (torus_mcp.history); the checker reads it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.guidelines.conftest import FIXTURES, check
from tests.shared_data import require_mix

RULES_DIR = FIXTURES / "rules"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: lib/base.ex, lib/old.ex. feature (checked out): lib/feature.ex committed, lib/old.ex
    deleted; main then moves on with lib/main_only.ex. Working tree: lib/staged.ex staged,
    lib/base.ex edited, lib/untracked.ex and lib/page.html.heex untracked, notes.md untracked."""
    root = tmp_path / "repo"
    (root / "lib").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    shutil.copy(RULES_DIR / "module_with_impl.ex", root / "lib" / "base.ex")
    shutil.copy(RULES_DIR / "predicates.ex", root / "lib" / "old.ex")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    shutil.copy(RULES_DIR / "string_to_atom.ex", root / "lib" / "feature.ex")
    git(root, "rm", "-q", "lib/old.ex")
    git(root, "add", ".")
    git(root, "commit", "-qm", "feature work")
    git(root, "checkout", "-q", "main")
    shutil.copy(RULES_DIR / "else_if.ex", root / "lib" / "main_only.ex")
    git(root, "add", ".")
    git(root, "commit", "-qm", "main moves on")
    git(root, "checkout", "-q", "feature")
    shutil.copy(RULES_DIR / "struct_access.ex", root / "lib" / "staged.ex")
    git(root, "add", "lib/staged.ex")
    with (root / "lib" / "base.ex").open("a") as handle:
        handle.write("\ndefmodule Oli.Fixtures.Extra do\nend\n")
    shutil.copy(RULES_DIR / "changesets.ex", root / "lib" / "untracked.ex")
    shutil.copy(RULES_DIR / "template.html.heex", root / "lib" / "page.html.heex")
    (root / "notes.md").write_text("not Elixir\n")
    return root


def test_the_change_under_work_is_the_branch_plus_the_working_tree(repo: Path) -> None:
    require_mix()
    report = check(repo)
    assert report.counts.files_checked == 5
    assert [g.file for g in report.files] == [
        "lib/base.ex",
        "lib/feature.ex",
        "lib/page.html.heex",
        "lib/staged.ex",
        "lib/untracked.ex",
    ]
    # main_only.ex changed on main after the branch forked: not part of this change.
    assert "lib/main_only.ex" not in {g.file for g in report.files}


def test_since_a_ref_checks_what_changed_after_it_plus_the_working_tree(repo: Path) -> None:
    require_mix()
    head = git(repo, "rev-parse", "HEAD").strip()
    report = check(repo, since=head)
    assert [g.file for g in report.files] == [
        "lib/base.ex",
        "lib/page.html.heex",
        "lib/staged.ex",
        "lib/untracked.ex",
    ]


def test_a_clean_branch_has_nothing_to_check(repo: Path) -> None:
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "everything")
    git(repo, "checkout", "-q", "main")
    report = check(repo)
    assert report.counts.files_checked == 0 and report.files == []
