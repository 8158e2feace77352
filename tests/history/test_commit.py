"""commit_spec's domain: exactly the pack's files are committed; the rest of the repository is untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.history.git_repos import git, status
from torus_mcp.history.commit import commit_pack
from torus_mcp.history.repository import HistoryError, open_repository

PACK = "docs/features/canvas-preview"


def test_commit_spec_leaves_unrelated_staged_and_unstaged_changes_as_they_were(repo_project: Path) -> None:
    pack = repo_project / PACK
    (repo_project / "README.md").write_text("staged elsewhere\n")
    git(repo_project, "add", "README.md")
    (repo_project / "mix.exs").write_text((repo_project / "mix.exs").read_text() + "# unstaged elsewhere\n")
    (repo_project / "notes.txt").write_text("untracked elsewhere\n")
    # A file staged and then changed again: both states must survive.
    lib = repo_project / "lib/torus_example/canvas_preview.ex"
    lib.write_text(lib.read_text() + "# staged\n")
    git(repo_project, "add", str(lib))
    lib.write_text(lib.read_text() + "# unstaged on top\n")
    (pack / "prd.md").write_text((pack / "prd.md").read_text() + "\nA new open question.\n")
    (pack / "approvals.yml").write_text("approvals: []\n")
    (pack / "requirements.yml").unlink()
    before = [line for line in status(repo_project) if PACK not in line]
    staged_diff = git(repo_project, "diff", "--cached", "--", "README.md", str(lib))

    with open_repository(repo_project) as repo:
        outcome = commit_pack(repo, "canvas-preview", pack, [], "canvas-preview: PRD question")

    assert [line for line in status(repo_project) if PACK not in line] == before
    assert [line for line in status(repo_project) if PACK in line] == []
    assert git(repo_project, "diff", "--cached", "--", "README.md", str(lib)) == staged_diff
    assert sorted(outcome.files) == ["A approvals.yml", "D requirements.yml", "M prd.md"]
    assert outcome.subject == "canvas-preview: PRD question"
    shown = git(repo_project, "show", "--name-status", "--format=%s%n%an", "HEAD").split()
    assert shown[:3] == ["canvas-preview:", "PRD", "question"]
    assert sorted(shown[5:]) == sorted(
        ["A", f"{PACK}/approvals.yml", "M", f"{PACK}/prd.md", "D", f"{PACK}/requirements.yml"]
    )


def test_nothing_to_commit_is_refused_and_nothing_changes(repo_project: Path) -> None:
    (repo_project / "README.md").write_text("elsewhere\n")
    head = git(repo_project, "rev-parse", "HEAD")
    with open_repository(repo_project) as repo, pytest.raises(HistoryError, match="nothing to commit"):
        commit_pack(repo, "canvas-preview", repo_project / PACK, [], "no-op")
    assert git(repo_project, "rev-parse", "HEAD") == head
    assert status(repo_project) == [" M README.md"]


def test_a_message_that_looks_like_an_option_is_just_a_message(repo_project: Path) -> None:
    (repo_project / PACK / "plan.md").write_text("# plan\n")
    with open_repository(repo_project) as repo:
        commit_pack(repo, "canvas-preview", repo_project / PACK, [], "--amend")
    assert git(repo_project, "log", "-1", "--format=%s") == "--amend\n"
    assert git(repo_project, "rev-list", "--count", "HEAD") == "2\n"


def test_an_empty_message_is_refused(repo_project: Path) -> None:
    (repo_project / PACK / "plan.md").write_text("# plan\n")
    with open_repository(repo_project) as repo, pytest.raises(HistoryError, match="message is empty"):
        commit_pack(repo, "canvas-preview", repo_project / PACK, [], "  \n")
    assert status(repo_project) == [f" M {PACK}/plan.md"]


def test_a_nested_pack_is_left_out(repo_project: Path) -> None:
    epic = repo_project / "docs/exec-plans/current/epics/authoring"
    (epic / "overview.md").write_text("# Authoring epic\n")
    (epic / "bulk-tagging/prd.md").write_text("# changed\n")
    with open_repository(repo_project) as repo:
        outcome = commit_pack(repo, "authoring", epic, [epic / "bulk-tagging"], "epic overview")
    assert outcome.files == ["A overview.md"]
    assert status(repo_project) == [" M docs/exec-plans/current/epics/authoring/bulk-tagging/prd.md"]
