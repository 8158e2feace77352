"""The git repository that holds the project root, opened with gitpython on demand.

Every git command torus-mcp runs goes through :meth:`GitRepository.run`: an argument list (never a
shell), pathspecs read literally, no pager, no colour, no external diff, English messages. Values a
client gives are never put on a command line unchecked: revisions are resolved to commit ids first
(``torus_mcp.history.revisions``), paths come from validated pack and document names.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import git


class HistoryError(ValueError):
    """A git-backed request cannot be answered; the message says why and what to do."""


class NotAGitRepository(HistoryError):
    pass


# English messages, no prompt for credentials, no optional index lock taken by read-only commands.
_GIT_ENV = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}

SHORT = 12
"""Characters of a commit id shown to clients (any unique prefix resolves)."""


def short(sha: str | None) -> str | None:
    return sha[:SHORT] if sha else None


def _gitpython() -> Any:
    try:
        import git
    except ImportError as exc:  # gitpython refuses to import when no git executable is found
        raise HistoryError(
            f"git is not available ({str(exc).splitlines()[0]}); install git to use the history tools."
        ) from exc
    return git


def open_repository(root: Path) -> GitRepository:
    """The repository whose working tree holds ``root`` (``root`` may be a sub-directory of it)."""
    git = _gitpython()
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise NotAGitRepository(
            f"{root} is not inside a git repository, so there is no history to use: run `git init` "
            "there and commit, or point the server at a git checkout."
        ) from exc
    if repo.bare or repo.working_tree_dir is None:
        repo.close()
        raise NotAGitRepository(f"{root} is in a bare git repository, which has no working tree to compare.")
    return GitRepository(repo, root)


class GitRepository:
    """An open repository and where the project root sits in it. Close it (or use ``with``)."""

    def __init__(self, repo: git.Repo, root: Path) -> None:
        self.repo = repo
        self.top = Path(str(repo.working_tree_dir)).resolve()
        self.root = Path(root).resolve()
        if not self.root.is_relative_to(self.top):
            repo.close()
            raise NotAGitRepository(f"{root} is outside the working tree of the repository at {self.top}.")
        rel = self.root.relative_to(self.top).as_posix()
        self.prefix = "" if rel == "." else rel
        """The project root relative to the top of the working tree ("" when they are the same)."""

    def __enter__(self) -> GitRepository:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.repo.close()

    # -- commands -------------------------------------------------------------------------------

    def run(self, *args: str, stdin: bytes | None = None, ok_codes: tuple[int, ...] = (0,)) -> bytes:
        """Run ``git <args>`` in the top of the working tree and return its raw standard output.

        A non-zero exit status outside ``ok_codes`` is a HistoryError carrying git's own message.
        """
        import os
        import subprocess

        executable = _gitpython().Git.GIT_PYTHON_GIT_EXECUTABLE or "git"
        command = [executable, "--literal-pathspecs", "--no-pager", "-c", "color.ui=false", *args]
        env = {**os.environ, **_GIT_ENV}
        try:
            done = subprocess.run(
                command,
                cwd=self.top,
                input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                env=env,
                check=False,
            )
        except OSError as exc:
            raise HistoryError(
                f"git could not be run ({exc.strerror or exc}); install git to use the history tools."
            ) from exc
        if done.returncode not in ok_codes:
            lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
            detail = lines[-1] if lines else f"exit status {done.returncode}"
            raise HistoryError(f"git {args[0]} failed: {detail}")
        return done.stdout

    def text(self, *args: str, stdin: bytes | None = None) -> str:
        return self.run(*args, stdin=stdin).decode("utf-8", errors="replace")

    # -- paths ----------------------------------------------------------------------------------

    def repo_path(self, path: Path) -> str:
        """An absolute path inside the project as git names it: relative to the top, forward slashes."""
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.top):
            raise HistoryError(f"{path} is outside the repository at {self.top}.")
        return resolved.relative_to(self.top).as_posix()

    def project_path(self, repo_path: str) -> str:
        """A path git reported, relative to the project root (unchanged when the root is the top)."""
        if self.prefix and repo_path.startswith(self.prefix + "/"):
            return repo_path[len(self.prefix) + 1 :]
        return repo_path

    # -- facts ----------------------------------------------------------------------------------

    def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository with no commit yet."""
        # Read from the ref files alone: looking the commit up would start a git process.
        try:
            return _gitpython().SymbolicReference.dereference_recursive(self.repo, "HEAD")
        except ValueError:
            return None

    def identity(self) -> str:
        """``Name <email>`` from git config: who approves or commits."""
        reader = self.repo.config_reader()
        name = str(reader.get_value("user", "name", default="")).strip()
        email = str(reader.get_value("user", "email", default="")).strip()
        if not name and not email:
            raise HistoryError(
                "git has no user.name or user.email configured, so it cannot record who approves or commits: "
                'run git config user.name "Your Name" and git config user.email you@example.com.'
            )
        return f"{name} <{email}>" if name and email else name or f"<{email}>"
