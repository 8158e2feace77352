"""Real git repositories in temporary directories, driven by the real git command."""

from __future__ import annotations

import subprocess
from pathlib import Path

IDENTITY = ("-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com")


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    """Run git in ``repo``; fails the test with git's message when git fails."""
    done = subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def init_repo(path: Path, branch: str = "master") -> Path:
    """``git init`` with a local identity (the machine may have none) and everything committed."""
    git(path, "init", "-q", f"--initial-branch={branch}")
    git(path, "config", "user.name", "Ada Lovelace")
    git(path, "config", "user.email", "ada@example.com")
    git(path, "config", "commit.gpgsign", "false")
    if any(p for p in path.iterdir() if p.name != ".git"):
        commit_all(path, "initial import")
    return path


def commit_all(path: Path, message: str) -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD").strip()


def status(path: Path) -> list[str]:
    """``git status --porcelain`` lines."""
    return [line for line in git(path, "status", "--porcelain", "--untracked-files=all").splitlines() if line]
