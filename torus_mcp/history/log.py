"""The commits that touched a pack or one of its documents, newest first, following moves.

``git log --follow`` follows one file only, and Torus moved whole packs (``docs/features/<slug>`` to
``docs/exec-plans/.../<slug>``). So the history of a path is read with one ``git log`` per location:
when the oldest commits there *add* files, those commits are checked once more with rename detection
over the whole commit, and where the files came from another path the log goes on from there, before
the move.
"""

from __future__ import annotations

from pydantic import BaseModel

from torus_mcp.history.repository import SHORT, GitRepository

MAX_MOVES = 10
_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = f"--format={_RECORD}%H{_FIELD}%P{_FIELD}%an{_FIELD}%aI{_FIELD}%s"


class CommitEntry(BaseModel):
    """One commit in the history of a pack or document."""

    hash: str
    author: str
    date: str
    subject: str
    files: list[str]
    """The files it touched, relative to the pack (or the document's name)."""
    moved_from: str | None = None
    """Set on the commit that moved the pack or document here: its path before, from the project root."""


class PathHistory(BaseModel):
    commits: list[CommitEntry]
    locations: list[str]
    """The path followed (relative to the project root), then each earlier location, newest first."""
    more: bool
    """True when the limit cut the history short."""


class _Commit:
    def __init__(self, sha: str, parents: list[str], author: str, date: str, subject: str) -> None:
        self.sha, self.parents, self.author, self.date, self.subject = sha, parents, author, date, subject
        self.changes: list[tuple[str, list[str]]] = []  # (status letter, paths)


def path_history(repo: GitRepository, path: str, *, is_dir: bool, limit: int) -> PathHistory:
    """History of ``path`` (relative to the top of the repository), at most ``limit`` commits."""
    entries: list[CommitEntry] = []
    locations = [path]
    current, start = path, repo.head()
    more = False
    while start is not None:
        room = limit - len(entries)
        commits = _log(repo, start, current, room + 1)
        if len(commits) > room:
            commits, more = commits[:room], True
        move = None if more else _find_move(repo, commits, current, is_dir)
        first = len(entries)
        entries.extend(_entry(repo, commit, current, is_dir) for commit in commits)
        if move is None or len(locations) > MAX_MOVES:
            break
        commit, old = move
        entries[first + commits.index(commit)].moved_from = repo.project_path(old)
        locations.append(old)
        current, start = old, (commit.parents[0] if commit.parents else None)
        if start is not None and len(entries) >= limit:
            # The limit is reached exactly at a move: older commits exist if the old path has any.
            more = bool(_log(repo, start, current, 1))
            break
    return PathHistory(commits=entries, locations=[repo.project_path(p) for p in locations], more=more)


def _log(repo: GitRepository, start: str, path: str, count: int) -> list[_Commit]:
    raw = repo.run(
        "log", "-z", "--name-status", "--no-renames", "--no-show-signature", _FORMAT, f"-n{count}",
        start, "--", path,
    )  # fmt: skip
    return _parse(raw)


def _parse(raw: bytes) -> list[_Commit]:
    commits: list[_Commit] = []
    for chunk in raw.decode("utf-8", errors="replace").split(_RECORD):
        if not chunk.strip("\0\n"):
            continue
        header, _, rest = chunk.partition("\0")
        fields = header.split(_FIELD, 4)
        if len(fields) < 5:
            continue
        sha, parents, author, date, subject = fields
        commit = _Commit(sha, parents.split(), author, date, subject)
        tokens = [t for t in rest.lstrip("\n").split("\0") if t]
        index = 0
        while index + 1 < len(tokens):
            code = tokens[index]
            width = 2 if code[:1] in ("R", "C") else 1
            commit.changes.append((code[:1], tokens[index + 1 : index + 1 + width]))
            index += 1 + width
        commits.append(commit)
    return commits


def _inside(candidate: str, path: str, is_dir: bool) -> bool:
    return candidate.startswith(path + "/") if is_dir else candidate == path


def _find_move(
    repo: GitRepository, commits: list[_Commit], path: str, is_dir: bool
) -> tuple[_Commit, str] | None:
    """The oldest of ``commits`` that moved files here from elsewhere, and the old location."""
    adding = [c for c in commits if any(code == "A" for code, _ in c.changes)]
    if not adding:
        return None
    raw = repo.run(
        "log", "--no-walk=unsorted", "-z", "--name-status", "-M", "--no-show-signature", _FORMAT,
        *(c.sha for c in adding),
    )  # fmt: skip
    by_sha = {c.sha: c for c in adding}
    for detailed in reversed(_parse(raw)):
        origins: dict[str, int] = {}
        for code, paths in detailed.changes:
            if code != "R" or len(paths) != 2:
                continue
            old, new = paths
            if not _inside(new, path, is_dir) or _inside(old, path, is_dir):
                continue
            if not is_dir:
                origins[old] = origins.get(old, 0) + 1
            elif old.endswith("/" + new[len(path) + 1 :]):
                folder = old[: len(old) - len(new) + len(path)]
                origins[folder] = origins.get(folder, 0) + 1
        if origins and detailed.sha in by_sha:
            return by_sha[detailed.sha], max(origins, key=lambda o: origins[o])
    return None


def _entry(repo: GitRepository, commit: _Commit, path: str, is_dir: bool) -> CommitEntry:
    files: list[str] = []
    for _, paths in commit.changes:
        for changed in paths:
            if _inside(changed, path, is_dir):
                name = changed[len(path) + 1 :] if is_dir else changed.rsplit("/", 1)[-1]
                if name not in files:
                    files.append(name)
    return CommitEntry(
        hash=commit.sha[:SHORT], author=commit.author, date=commit.date, subject=commit.subject, files=files
    )
