"""The commits that touched a pack or one of its documents, newest first, following moves.

``git log --follow`` follows one file only, and Torus moved whole packs (``docs/features/<slug>`` to
``docs/exec-plans/.../<slug>``). So the history of a path is read with one ``git log`` per location:
the oldest commit found there is where the path appeared; that one commit is checked with rename
detection over the whole commit, and when the files came from another path the log goes on from
there, before the move. A pack's log lists file names (``--name-only``), a document's none (it is the
only file): a history costs one ``git log`` plus one short look per move.
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
        self.files: list[str] = []  # repository paths, or (status, old, new) triples from _find_move
        self.renames: list[tuple[str, str]] = []


def path_history(repo: GitRepository, path: str, *, is_dir: bool, limit: int) -> PathHistory:
    """History of ``path`` (relative to the top of the repository), at most ``limit`` commits."""
    entries: list[CommitEntry] = []
    locations = [path]
    current, start = path, repo.head()
    more = False
    while start is not None:
        room = limit - len(entries)
        commits = _log(repo, start, current, room + 1, is_dir)
        if len(commits) > room:
            commits, more = commits[:room], True
        first = len(entries)
        entries.extend(_entry(commit, current, is_dir) for commit in commits)
        oldest = commits[-1] if commits and not more else None
        origin = _origin(repo, oldest, current, is_dir) if oldest is not None else None
        if origin is None or len(locations) > MAX_MOVES:
            break
        entries[first + len(commits) - 1].moved_from = repo.project_path(origin)
        locations.append(origin)
        current, start = origin, oldest.parents[0]
        if len(entries) >= limit:
            # The limit is reached exactly at a move: older commits exist if the old path has any.
            more = bool(_log(repo, start, current, 1, is_dir))
            break
    return PathHistory(commits=entries, locations=[repo.project_path(p) for p in locations], more=more)


def _log(repo: GitRepository, start: str, path: str, count: int, is_dir: bool) -> list[_Commit]:
    files = ["--name-only"] if is_dir else []
    raw = repo.run(
        "log", "-z", *files, "--no-renames", "--no-show-signature", _FORMAT, f"-n{count}", start, "--", path,
    )  # fmt: skip
    return _parse(raw)


def _parse(raw: bytes) -> list[_Commit]:
    """Records ``RS header NUL [LF file NUL ...]``; renames come as ``R<score> NUL old NUL new NUL``."""
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
        while index < len(tokens):
            token = tokens[index]
            if token[:1] == "R" and token[1:].isdigit() and index + 2 < len(tokens):
                commit.renames.append((tokens[index + 1], tokens[index + 2]))
                index += 3
            else:
                commit.files.append(token)
                index += 1
        commits.append(commit)
    return commits


def _inside(candidate: str, path: str, is_dir: bool) -> bool:
    return candidate.startswith(path + "/") if is_dir else candidate == path


def _origin(repo: GitRepository, commit: _Commit, path: str, is_dir: bool) -> str | None:
    """Where ``path`` was before ``commit``, when that commit moved it here; None when it was created."""
    if not commit.parents:
        return None
    raw = repo.run(
        "log", "--no-walk", "-z", "-M", "--diff-filter=R", "--name-status", "--no-show-signature", _FORMAT,
        commit.sha,
    )  # fmt: skip
    origins: dict[str, int] = {}
    for detailed in _parse(raw):
        for old, new in detailed.renames:
            if not _inside(new, path, is_dir) or _inside(old, path, is_dir):
                continue
            if not is_dir:
                origins[old] = origins.get(old, 0) + 1
            elif old.endswith("/" + new[len(path) + 1 :]):
                folder = old[: len(old) - len(new) + len(path)]
                origins[folder] = origins.get(folder, 0) + 1
    return max(origins, key=lambda o: origins[o]) if origins else None


def _entry(commit: _Commit, path: str, is_dir: bool) -> CommitEntry:
    if is_dir:
        files = [changed[len(path) + 1 :] for changed in commit.files if _inside(changed, path, True)]
    else:
        files = [path.rsplit("/", 1)[-1]]
    return CommitEntry(
        hash=commit.sha[:SHORT], author=commit.author, date=commit.date, subject=commit.subject, files=files
    )
