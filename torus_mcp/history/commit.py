"""Committing a spec pack: exactly the pack's files, whatever else is staged or changed.

The pack's changed files (modified, deleted, untracked; not those of a pack nested inside it) are
staged and committed with ``git commit --only``, which takes just those paths: other staged changes
stay staged and unstaged ones stay unstaged. The repository's hooks run as for any commit.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from torus_mcp.history.repository import GitRepository, HistoryError, short

MAX_MESSAGE_CHARS = 10_000


class CommitOutcome(BaseModel):
    feature: str
    commit: str
    subject: str
    files: list[str]
    """What the commit changed, relative to the pack, as ``<status> <name>`` (A, M or D)."""


def _message(message: str) -> str:
    text = message.replace("\r\n", "\n").strip()
    if not text:
        raise HistoryError(
            "the commit message is empty: say what changed in the pack, e.g. 'PRD: add AC-007'."
        )
    if "\x00" in text or len(text) > MAX_MESSAGE_CHARS:
        raise HistoryError(f"the commit message must be text of at most {MAX_MESSAGE_CHARS:,} characters.")
    return text


def pack_changes(repo: GitRepository, pack_dir: Path, nested: list[Path]) -> list[tuple[str, str]]:
    """(status, repository path) of each file of the pack that differs from HEAD, untracked included."""
    where = repo.repo_path(pack_dir)
    skip = [repo.repo_path(p) + "/" for p in nested]
    raw = repo.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", where)
    changes = []
    for entry in raw.decode("utf-8", errors="replace").split("\0"):
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if any(path.startswith(prefix) for prefix in skip):
            continue
        status = "A" if code == "??" or "A" in code else "D" if "D" in code else "M"
        changes.append((status, path))
    return changes


def commit_pack(
    repo: GitRepository, feature: str, pack_dir: Path, nested: list[Path], message: str
) -> CommitOutcome:
    """Commit the pack's changed files with ``message``; refuses when the pack matches HEAD."""
    text = _message(message)
    changes = pack_changes(repo, pack_dir, nested)
    where = repo.repo_path(pack_dir)
    if not changes:
        raise HistoryError(f"nothing to commit: every file of {feature} ({where}) matches the last commit.")
    repo.identity()  # refuse before staging anything when git cannot name the author
    paths = [path for _, path in changes]
    repo.run("add", "--all", "--", *paths)
    try:
        repo.run("commit", "--only", "--quiet", "--no-edit", f"--message={text}", "--", *paths)
    except HistoryError as exc:
        raise HistoryError(
            f"{exc} (the pack's changed files are left staged; nothing else changed)."
        ) from exc
    head = repo.head() or ""
    return CommitOutcome(
        feature=feature,
        commit=str(short(head)),
        subject=text.splitlines()[0],
        files=[f"{status} {path[len(where) + 1 :]}" for status, path in changes],
    )
