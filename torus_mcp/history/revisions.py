"""Revisions named by a client, checked before git sees them.

A revision is refused outright when it could be read as an option (a leading ``-``), names a range
(``..``), starts like a path or holds whitespace or control characters; otherwise it is resolved by gitpython in this
process and must name a commit (an annotated tag is followed to its commit). Only the resulting
commit id is ever passed to a git command.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from torus_mcp.history.repository import GitRepository, HistoryError, short

MAX_REVISION_CHARS = 200
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


class RevisionError(HistoryError):
    """A revision that is refused or names no commit; nothing was run or written."""


class Revision(BaseModel):
    """A client's revision and the commit it names."""

    given: str
    sha: str

    @property
    def label(self) -> str:
        shown = short(self.sha)
        return self.given if self.given == shown else f"{self.given} ({shown})"


def check_revision_text(rev: str) -> str:
    """The revision, stripped, or RevisionError when it cannot be a single safe revision."""
    value = rev.strip()
    if not value:
        raise RevisionError(
            "the revision is empty: pass a commit id, branch, tag or HEAD~N. Nothing was run."
        )
    if value.startswith("-"):
        raise RevisionError(
            f"{rev!r} is refused: a revision cannot start with '-' (git would read it as an option). Pass a "
            "commit id, branch, tag or HEAD~N. Nothing was run."
        )
    if ".." in value:
        raise RevisionError(
            f"{rev!r} is a range; pass one revision per parameter (e.g. from_rev=main, to_rev=HEAD). "
            "Nothing was run."
        )
    if value.startswith(("/", "\\")):
        raise RevisionError(
            f"{rev!r} is a path, not a revision; pass a commit id, branch, tag or HEAD~N. Nothing was run."
        )
    if len(value) > MAX_REVISION_CHARS or _UNSAFE.search(value):
        raise RevisionError(
            f"{rev[:60]!r} is not a revision: no spaces or control characters, at most "
            f"{MAX_REVISION_CHARS} characters. Nothing was run."
        )
    return value


def resolve_commit(repo: GitRepository, rev: str) -> Revision:
    """The commit ``rev`` names in ``repo``; RevisionError when it is refused or names none."""
    value = check_revision_text(rev)
    try:
        target = repo.repo.rev_parse(value)
        while target.type == "tag":
            target = target.object
    except Exception as exc:  # gitpython raises BadName, BadObject, IndexError, KeyError, ValueError...
        raise RevisionError(
            f"{value!r} does not name a commit in this repository (no such branch, tag or commit, or not "
            "that many ancestors); spec_history lists the commits of a pack. Nothing was run."
        ) from exc
    if target.type != "commit":
        raise RevisionError(
            f"{value!r} names a {target.type}, not a commit; pass a commit id, branch, tag or HEAD~N. "
            "Nothing was run."
        )
    return Revision(given=value, sha=target.hexsha)
