"""Pack and document history on real repositories, following a pack moved with `git mv`."""

from __future__ import annotations

from pathlib import Path

from tests.history.git_repos import commit_all, git
from torus_mcp.history.log import path_history
from torus_mcp.history.repository import open_repository

OLD = "docs/features/canvas-preview"
NEW = "docs/exec-plans/current/features/canvas-preview"


def _edit(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


def _moved(root: Path) -> dict[str, str]:
    """Edit, move the pack with git mv, edit again; the commit ids by step."""
    _edit(root / OLD / "prd.md", "- Another open question.")
    ids = {"before-move": commit_all(root, "prd: another question")}
    (root / NEW).parent.mkdir(parents=True, exist_ok=True)
    git(root, "mv", OLD, NEW)
    ids["move"] = commit_all(root, "move canvas-preview to exec-plans")
    _edit(root / NEW / "fdd.md", "Design note after the move.")
    ids["after-move"] = commit_all(root, "fdd: note after the move")
    return ids


def test_pack_history_follows_a_git_mv(repo_project: Path) -> None:
    ids = _moved(repo_project)
    with open_repository(repo_project) as repo:
        history = path_history(repo, NEW, is_dir=True, limit=20)
    subjects = [c.subject for c in history.commits]
    assert subjects == [
        "fdd: note after the move",
        "move canvas-preview to exec-plans",
        "prd: another question",
        "initial import",
    ]
    assert [c.hash for c in history.commits[:3]] == [
        ids["after-move"][:12],
        ids["move"][:12],
        ids["before-move"][:12],
    ]
    assert history.commits[0].files == ["fdd.md"]
    assert history.commits[1].moved_from == OLD
    assert history.commits[2].files == ["prd.md"]
    assert set(history.commits[3].files) == {"prd.md", "fdd.md", "plan.md", "requirements.yml"}
    assert history.locations == [NEW, OLD]
    assert history.more is False
    assert history.commits[0].author == "Ada Lovelace" and history.commits[0].date[:2] == "20"


def test_document_history_follows_the_move_and_skips_other_documents(repo_project: Path) -> None:
    _moved(repo_project)
    with open_repository(repo_project) as repo:
        history = path_history(repo, f"{NEW}/prd.md", is_dir=False, limit=20)
    assert [c.subject for c in history.commits] == [
        "move canvas-preview to exec-plans",
        "prd: another question",
        "initial import",
    ]
    assert all(c.files == ["prd.md"] for c in history.commits)
    assert history.commits[0].moved_from == f"{OLD}/prd.md"


def test_limit_cuts_the_history_and_says_so(repo_project: Path) -> None:
    _moved(repo_project)
    with open_repository(repo_project) as repo:
        two = path_history(repo, NEW, is_dir=True, limit=2)
        four = path_history(repo, NEW, is_dir=True, limit=4)
    assert [c.subject for c in two.commits] == [
        "fdd: note after the move",
        "move canvas-preview to exec-plans",
    ]
    assert two.more is True
    assert len(four.commits) == 4 and four.more is False


def test_a_pack_never_committed_has_no_history(repo_project: Path) -> None:
    fresh = repo_project / "docs/features/fresh"
    fresh.mkdir()
    (fresh / "prd.md").write_text("# Fresh\n")
    with open_repository(repo_project) as repo:
        history = path_history(repo, "docs/features/fresh", is_dir=True, limit=20)
    assert history.commits == [] and history.more is False
