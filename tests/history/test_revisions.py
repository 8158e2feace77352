"""Revisions from clients: refused before git sees them, or resolved to a commit in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.history.git_repos import commit_all, git
from torus_mcp.history.repository import NotAGitRepository, open_repository
from torus_mcp.history.revisions import RevisionError, resolve_commit


@pytest.mark.parametrize(
    ("rev", "says"),
    [
        ("--output=/tmp/x", "cannot start with '-'"),
        ("-n1", "cannot start with '-'"),
        ("HEAD..master", "is a range"),
        ("HEAD...master", "is a range"),
        ("HEAD~999", "does not name a commit"),
        ("no-such-branch", "does not name a commit"),
        ("/etc/passwd", "is a path"),
        ("HEAD master", "no spaces or control characters"),
        ("HEAD\x00", "no spaces or control characters"),
        ("", "empty"),
        ("HEAD^{tree}", "names a tree, not a commit"),
    ],
)
def test_bad_revisions_are_refused_with_the_reason(repo_project: Path, rev: str, says: str) -> None:
    with open_repository(repo_project) as repo, pytest.raises(RevisionError) as error:
        resolve_commit(repo, rev)
    assert says in str(error.value)
    assert str(error.value).endswith("Nothing was run.")


def test_branches_tags_and_ancestors_resolve_to_commits(repo_project: Path) -> None:
    first = git(repo_project, "rev-parse", "HEAD").strip()
    git(repo_project, "tag", "-a", "v1", "-m", "release")
    (repo_project / "README.md").write_text("changed\n")
    second = commit_all(repo_project, "second")
    with open_repository(repo_project) as repo:
        assert resolve_commit(repo, "HEAD").sha == second
        assert resolve_commit(repo, "HEAD~1").sha == first
        assert resolve_commit(repo, "v1").sha == first  # an annotated tag is followed to its commit
        assert resolve_commit(repo, "master").sha == second
        assert resolve_commit(repo, first[:10]).sha == first
        assert resolve_commit(repo, " HEAD ").given == "HEAD"


def test_outside_a_repository_says_so_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepository) as error:
        open_repository(tmp_path)
    message = str(error.value)
    assert "is not inside a git repository" in message
    assert message.count(". ") == 0 and message.endswith(".")


def test_a_root_below_the_top_of_the_repository_is_found(repo_project: Path) -> None:
    with open_repository(repo_project / "docs") as repo:
        assert repo.top == repo_project.resolve()
        assert repo.prefix == "docs"
        assert repo.project_path("docs/features/x.md") == "features/x.md"
