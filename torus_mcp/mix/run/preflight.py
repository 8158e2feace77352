"""Checks before running mix, so a run fails in milliseconds with a fix instead of hanging.

Each failure is a `MixPreflightError` whose message names the problem and what to do about it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

Problem = Literal["mix_missing", "no_mix_exs", "deps_missing", "database_unreachable", "build_lock"]

# Mix 1.18+ takes an OS-level lock on the build (and deps) directory and prints this while another
# OS process holds it; the number is that process's OS pid.
BUILD_LOCK_WAIT = re.compile(
    r"Waiting for lock on the (?P<what>build|deps) directory \(held by process (?P<pid>\d+)\)"
)

INSTALL_HINT = (
    "Install Elixir so `mix` is on PATH: `sudo apt-get install elixir` (Debian/Ubuntu), "
    "`brew install elixir` (macOS), or `asdf install` in a project that pins its versions in "
    ".tool-versions (Torus does); then restart the MCP server so it sees the new PATH."
)


class MixPreflightError(ValueError):
    """mix cannot usefully run in this project right now; the message says why and how to fix it."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


class DatabaseEndpoint(BaseModel):
    repo: str
    host: str
    port: int
    config_file: str


def find_executable(name: str, path: str | None = None) -> str:
    """Absolute path of `mix` or `elixir` on PATH (or on `path`), else `MixPreflightError`."""
    found = shutil.which(name, path=path if path is not None else os.environ.get("PATH", os.defpath))
    if found is None:
        raise MixPreflightError("mix_missing", f"`{name}` was not found on PATH. {INSTALL_HINT}")
    return found


def check_mix_project(root: Path) -> None:
    if not (root / "mix.exs").is_file():
        raise MixPreflightError(
            "no_mix_exs",
            f"{root} has no mix.exs, so it is not a mix project. Point the server at the project's root "
            "directory (the one with mix.exs), e.g. with --root or by opening that folder in the client.",
        )


_LOCK_ENTRY = re.compile(r'^\s*"(?P<name>[a-z0-9_]+)":\s*\{:(?P<scm>hex|git)\b', re.MULTILINE)


def missing_deps(root: Path) -> list[str]:
    """Dependencies named in mix.lock that have no directory under deps/."""
    lock = root / "mix.lock"
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    deps_dir = root / "deps"
    return [m.group("name") for m in _LOCK_ENTRY.finditer(text) if not (deps_dir / m.group("name")).is_dir()]


def check_deps(root: Path) -> None:
    missing = missing_deps(root)
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise MixPreflightError(
            "deps_missing",
            f"Dependencies listed in mix.lock are not fetched ({shown}); mix would stop or prompt for Hex. "
            "Run `mix deps.get` in the project root first.",
        )


_REPO_BLOCK = re.compile(
    r"^config\s+:\w+,\s*(?P<repo>[A-Z][\w.]*Repo)\s*,(?P<body>.*?)(?=^\S|\Z)", re.M | re.S
)
_GET_ENV = r'System\.get_env\(\s*"(?P<{0}var>\w+)"\s*(?:,\s*"(?P<{0}default>[^"]*)")?\s*\)'
_HOST = re.compile(r'hostname:\s*(?:"(?P<host>[^"]+)"|' + _GET_ENV.format("h") + ")")
_PORT = re.compile(r'port:\s*(?:(?P<port>\d[\d_]*)|"(?P<sport>\d+)"|' + _GET_ENV.format("p") + ")")
_URL = re.compile(r'url:\s*"ecto://(?:[^@"/]*@)?(?P<host>[^:/"]+)(?::(?P<port>\d+))?')


def database_endpoints(root: Path, env: Mapping[str, str] | None = None) -> list[DatabaseEndpoint]:
    """Postgres host/port pairs that config/test.exs gives to an Ecto Repo, as far as a reader can tell.

    Only literal values and `System.get_env("VAR", "default")` are understood; anything else is
    skipped rather than guessed. Projects without postgrex in mix.lock/mix.exs have no endpoints.
    """
    config_file = root / "config" / "test.exs"
    try:
        config = config_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    if not _uses_postgres(root):
        return []
    values = {**os.environ, **(env or {})}
    endpoints = []
    for block in _REPO_BLOCK.finditer(config):
        body = block.group("body")
        if "socket_dir:" in body or "socket:" in body:
            continue
        url = _URL.search(body)
        host_match, port_match = _HOST.search(body), _PORT.search(body)
        if url:
            host, port = url.group("host"), int(url.group("port") or 5432)
        else:
            host = _resolved(host_match, "host", "h", values, "localhost")
            port_text = _resolved(port_match, "port", "p", values, "5432", alt="sport")
            if host is None or port_text is None or not port_text.replace("_", "").isdigit():
                continue
            port = int(port_text.replace("_", ""))
        endpoints.append(
            DatabaseEndpoint(repo=block.group("repo"), host=host, port=port, config_file="config/test.exs")
        )
    return endpoints


def _resolved(
    match: re.Match[str] | None,
    literal: str,
    prefix: str,
    values: Mapping[str, str],
    default: str,
    alt: str | None = None,
) -> str | None:
    if match is None:
        return default
    if match.group(literal):
        return match.group(literal)
    if alt and match.group(alt):
        return match.group(alt)
    variable = match.group(f"{prefix}var")
    if variable:
        return values.get(variable) or match.group(f"{prefix}default")
    return None


def _uses_postgres(root: Path) -> bool:
    for name in ("mix.lock", "mix.exs"):
        try:
            if "postgrex" in (root / name).read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def check_database(root: Path, env: Mapping[str, str] | None = None, timeout: float = 1.0) -> None:
    """Raise when a Postgres that config/test.exs needs does not accept TCP connections."""
    for endpoint in database_endpoints(root, env):
        try:
            with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout):
                pass
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise MixPreflightError(
                "database_unreachable",
                f"Postgres is not reachable at {endpoint.host}:{endpoint.port} ({reason}), which "
                f"{endpoint.config_file} configures for {endpoint.repo}; `mix test` would wait on it and "
                "fail. Start Postgres (e.g. `docker compose up -d postgres` or `sudo service postgresql "
                "start`), or point the config's hostname/port (DB_HOST, ...) at a running server.",
            ) from exc


def detect_build_lock(text: str) -> tuple[str, int] | None:
    """('build' | 'deps', OS pid) when mix printed that it waits for another process's lock."""
    matches = list(BUILD_LOCK_WAIT.finditer(text))
    return (matches[-1].group("what"), int(matches[-1].group("pid"))) if matches else None


def build_lock_error(what: str, pid: int, waited: float | None = None) -> MixPreflightError:
    waited_text = f" for {waited:.0f}s" if waited is not None else ""
    return MixPreflightError(
        "build_lock",
        f"Another mix process (OS pid {pid}) holds the lock on the {what} directory and this run "
        f"waited{waited_text} without getting it. Wait for that process to finish (a running "
        f"`mix phx.server`, `iex -S mix` or test run in the same project), or stop it with `kill {pid}`, "
        "then run again.",
    )
