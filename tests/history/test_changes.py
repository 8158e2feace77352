"""The change under work on real repositories: branch commits, staged, unstaged and untracked files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.history.git_repos import commit_all, git, init_repo
from torus_mcp.history.changes import change_base, changed_files, main_branch, merge_base
from torus_mcp.history.repository import HistoryError, open_repository

LIB = "lib/torus_example/canvas_preview.ex"
TEST = "test/torus_example/canvas_preview_test.exs"
PRD = "docs/features/canvas-preview/prd.md"


def _feature_branch(root: Path) -> None:
    """master moves on after the branch point; the branch commits, stages, edits and adds files."""
    git(root, "checkout", "-q", "-b", "canvas-links")
    (root / LIB).write_text((root / LIB).read_text() + "\n# branch commit\n")
    commit_all(root, "branch: change the renderer")
    git(root, "checkout", "-q", "master")
    (root / "README.md").write_text("master moved on\n")
    commit_all(root, "master: readme")
    git(root, "checkout", "-q", "canvas-links")
    (root / PRD).write_text((root / PRD).read_text() + "\nstaged line\n")
    git(root, "add", PRD)
    (root / TEST).write_text((root / TEST).read_text() + "\n# unstaged\n")
    (root / "lib/torus_example/canvas_preview/link.ex").write_text(
        "defmodule TorusExample.CanvasPreview.Link do\nend\n"
    )
    (root / "mix.exs").unlink()


def test_changed_files_on_a_feature_branch_against_master(repo_project: Path) -> None:
    _feature_branch(repo_project)
    with open_repository(repo_project) as repo:
        base = merge_base(repo, None)
        files = changed_files(repo, base.sha)
    assert base.reason == "merge base of HEAD with master"
    assert [(f.path, f.status) for f in files] == [
        ("docs/features/canvas-preview/prd.md", "modified"),  # staged
        (LIB, "modified"),  # committed on the branch
        ("lib/torus_example/canvas_preview/link.ex", "untracked"),
        ("mix.exs", "deleted"),  # unstaged deletion
        (TEST, "modified"),  # unstaged
    ]
    # master's own later commit is not part of the branch's change.
    assert all(f.path != "README.md" for f in files)


def test_origin_head_wins_then_master_then_main(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "a.txt").write_text("a\n")
    init_repo(root, branch="main")
    with open_repository(root) as repo:
        assert main_branch(repo, None)[1] == "main"
    git(root, "branch", "master")
    with open_repository(root) as repo:
        assert main_branch(repo, None)[1] == "master"
    git(root, "update-ref", "refs/remotes/origin/trunk", "HEAD")
    git(root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    with open_repository(root) as repo:
        assert main_branch(repo, None)[1] == "origin/HEAD"
        assert main_branch(repo, "main")[1] == "main"  # [history] main_branch wins over everything


def test_no_main_branch_and_a_bad_configured_one_are_explained(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "a.txt").write_text("a\n")
    init_repo(root, branch="trunk")
    with open_repository(root) as repo:
        with pytest.raises(HistoryError, match=r"no main branch found .* set \[history\] main_branch"):
            merge_base(repo, None)
        with pytest.raises(
            HistoryError, match=r"main_branch = 'develop' in \.torus-mcp\.toml does not name a commit"
        ):
            merge_base(repo, "develop")
        # since= needs no main branch at all.
        assert change_base(repo, "HEAD", None).reason.startswith("since HEAD")


def test_a_repository_without_commits_lists_every_file_as_new(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    git(root, "init", "-q")
    (root / "staged.md").write_text("s\n")
    git(root, "add", "staged.md")
    (root / "loose.md").write_text("l\n")
    with open_repository(root) as repo:
        base = change_base(repo, None, None)
        files = changed_files(repo, base.sha)
    assert base.sha is None
    assert [(f.path, f.status) for f in files] == [("loose.md", "untracked"), ("staged.md", "added")]


def test_a_root_below_the_top_lists_only_its_own_files_relative_to_it(repo_project: Path) -> None:
    (repo_project / "README.md").write_text("outside the root\n")
    (repo_project / PRD).write_text("# changed\n")
    with open_repository(repo_project / "docs") as repo:
        files = changed_files(repo, repo.head())
    assert [(f.path, f.status) for f in files] == [("features/canvas-preview/prd.md", "modified")]


def test_renames_and_odd_names_survive(repo_project: Path) -> None:
    git(repo_project, "mv", "README.md", "READ ME\tnow.md")
    (repo_project / "ünïcode file.md").write_text("x\n")
    with open_repository(repo_project) as repo:
        files = changed_files(repo, repo.head())
    assert [(f.path, f.status, f.old_path) for f in files] == [
        ("READ ME\tnow.md", "renamed", "README.md"),
        ("ünïcode file.md", "untracked", None),
    ]
