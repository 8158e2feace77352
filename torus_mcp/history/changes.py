"""The change under work: every file that differs from where the current branch left the main branch.

That is the files changed by the branch's commits since the merge base with the main branch, plus
staged, unstaged and untracked files, each once, with its status against the base. The main branch
is ``[history] main_branch`` in .torus-mcp.toml, else origin's HEAD, else ``master`` (Torus's), else
``main``. Reviews, guideline checks and drift all start from :func:`changed_files`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from torus_mcp.history.repository import GitRepository, HistoryError, short

Status = Literal["added", "modified", "deleted", "renamed", "copied", "type-changed", "unmerged", "untracked"]
_STATUS: dict[str, Status] = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "type-changed",
    "U": "unmerged",
}
_MAIN_CANDIDATES = (
    "refs/remotes/origin/HEAD",
    "refs/heads/master",
    "refs/remotes/origin/master",
    "refs/heads/main",
    "refs/remotes/origin/main",
)


class ChangedFile(BaseModel):
    path: str
    """Relative to the project root."""
    status: Status
    old_path: str | None = None
    """For a rename or copy: where the file came from."""


class Base(BaseModel):
    """The commit a change is measured from, and why that one."""

    sha: str | None
    """None in a repository without commits: everything is new."""
    reason: str


def main_branch(repo: GitRepository, configured: str | None) -> tuple[str, str]:
    """(commit id, name) of the main branch."""
    from torus_mcp.history.revisions import RevisionError, resolve_commit

    if configured:
        try:
            return resolve_commit(repo, configured).sha, configured
        except RevisionError as exc:
            raise HistoryError(
                f"[history] main_branch = {configured!r} in .torus-mcp.toml does not name a commit here; "
                "fix it or remove it to use origin's HEAD, master or main."
            ) from exc
    for ref in _MAIN_CANDIDATES:
        try:
            target = repo.repo.rev_parse(ref)
        except Exception:  # gitpython's lookup errors: the ref does not exist
            continue
        if target.type == "commit":
            name = ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")
            return target.hexsha, name
    raise HistoryError(
        "no main branch found (no origin/HEAD, master or main): set [history] main_branch in .torus-mcp.toml, "
        "or pass since with the revision to compare against."
    )


def merge_base(repo: GitRepository, configured_main: str | None) -> Base:
    """Where the current branch left the main branch."""
    head = repo.head()
    if head is None:
        return Base(sha=None, reason="the repository has no commit yet")
    main_sha, name = main_branch(repo, configured_main)
    out = repo.run("merge-base", head, main_sha, ok_codes=(0, 1)).decode().strip()
    if not out:
        raise HistoryError(
            f"HEAD and {name} share no history; pass since with the revision to compare against."
        )
    return Base(sha=out, reason=f"merge base of HEAD with {name}")


def change_base(repo: GitRepository, since: str | None, configured_main: str | None) -> Base:
    """``since`` (a client's revision) when given, else the merge base with the main branch."""
    from torus_mcp.history.revisions import resolve_commit

    if since is not None:
        revision = resolve_commit(repo, since)
        return Base(sha=revision.sha, reason=f"since {revision.label}")
    return merge_base(repo, configured_main)


def changed_files(repo: GitRepository, base: str | None) -> list[ChangedFile]:
    """Files of the project that differ between commit ``base`` and the working tree, untracked files
    included, sorted by path. ``base`` None (no commit yet) compares with the empty tree."""
    if base is None:
        base = repo.text("hash-object", "-t", "tree", "--stdin", stdin=b"").strip()
    scope = [repo.prefix] if repo.prefix else []
    raw = repo.run(
        "diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-relative", "--ignore-submodules",
        base, "--", *scope,
    )  # fmt: skip
    files = _parse_name_status(raw, repo)
    untracked = repo.run("ls-files", "-z", "--others", "--exclude-standard", "--", *scope)
    files.extend(
        ChangedFile(path=repo.project_path(path), status="untracked") for path in _split(untracked) if path
    )
    return sorted(files, key=lambda f: f.path)


def _split(raw: bytes) -> list[str]:
    return [part.decode("utf-8", errors="replace") for part in raw.split(b"\0")]


def _parse_name_status(raw: bytes, repo: GitRepository) -> list[ChangedFile]:
    """``git diff --name-status -z`` output: ``code NUL path NUL``, or ``code NUL old NUL new NUL`` for
    renames and copies."""
    fields = [f for f in _split(raw) if f]
    files: list[ChangedFile] = []
    index = 0
    while index + 1 < len(fields):
        code = fields[index]
        status = _STATUS.get(code[:1], "modified")
        if code[:1] in ("R", "C") and index + 2 < len(fields):
            old, new = fields[index + 1], fields[index + 2]
            files.append(
                ChangedFile(path=repo.project_path(new), status=status, old_path=repo.project_path(old))
            )
            index += 3
        else:
            files.append(ChangedFile(path=repo.project_path(fields[index + 1]), status=status))
            index += 2
    return files


def describe(base: Base) -> str:
    return f"{short(base.sha)} ({base.reason})" if base.sha else base.reason
