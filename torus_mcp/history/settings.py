"""The ``[history]`` table of ``.torus-mcp.toml``: the main branch and the code globs drift watches.

    [history]
    main_branch = "master"                   # default: origin's HEAD, else master, else main
    drift_globs = ["lib/**", "test/**"]      # default: lib/**, test/**, assets/src/**, gleam/src/**

Globs are relative to the project root: ``**`` matches any run of directories, ``*`` and ``?`` stay
within one path segment.
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from torus_mcp.config import CONFIG_FILE_NAME, ConfigError, ProjectConfig

DEFAULT_DRIFT_GLOBS = ("lib/**", "test/**", "assets/src/**", "gleam/src/**")


class HistorySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    main_branch: str | None = Field(default=None, min_length=1, max_length=200)
    drift_globs: list[str] = Field(default_factory=lambda: list(DEFAULT_DRIFT_GLOBS), min_length=1)


def history_settings(config: ProjectConfig) -> HistorySettings:
    """The validated ``[history]`` table (defaults when the project has none)."""
    where = config.path or CONFIG_FILE_NAME
    try:
        settings = HistorySettings.model_validate(config.section("history"))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(
            f'{where}: [history] {problems}. It takes main_branch = "master" and drift_globs = ["lib/**"].'
        ) from exc
    for glob in settings.drift_globs:
        if not glob.strip() or glob.startswith(("/", "\\")) or ".." in glob.split("/"):
            raise ConfigError(
                f"{where}: [history] drift_globs entry {glob!r} must be relative to the project root with no "
                "'..', e.g. \"lib/**\"."
            )
    return settings


@functools.lru_cache(maxsize=64)
def _compiled(glob: str) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            parts.append(".*")
            index += 2
        elif glob[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif glob[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(glob[index]))
            index += 1
    return re.compile("".join(parts) + r"\Z")


def glob_matches(glob: str, path: str) -> bool:
    """True when ``path`` (relative, forward slashes) matches ``glob``."""
    return _compiled(glob).match(path) is not None


def glob_base(glob: str) -> str:
    """The directories a glob starts with before its first wildcard: ``assets/src/**`` -> ``assets/src``."""
    fixed = []
    for part in glob.split("/"):
        if any(mark in part for mark in "*?"):
            break
        fixed.append(part)
    return "/".join(fixed)
