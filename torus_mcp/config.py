"""The project's `.torus-mcp.toml`: one loader for every section.

The file is optional and lives at the project root. Its schema, every section of it, is documented
in one place: the "Configuration" section of README.md. This module validates `[specs]` itself and
keeps the other sections (`[gates]`, read by `torus_mcp.specs.gate_config`; `[mix]`, read by
`torus_mcp.mix.run.settings`; `[history]`, read by `torus_mcp.history.settings`; `[guidelines]`, read
by `torus_mcp.guidelines.settings`) as raw tables for their owners to validate.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CONFIG_FILE_NAME = ".torus-mcp.toml"


class ConfigError(ValueError):
    """The project's `.torus-mcp.toml` cannot be used as written."""


class SpecsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dirs: list[str] = Field(default_factory=lambda: ["docs/features"], min_length=1)
    exec_plans: bool = True


class ProjectConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    specs: SpecsConfig = Field(default_factory=SpecsConfig)
    path: Path | None = None  # the file it came from, None when the project has none

    def section(self, name: str) -> dict[str, Any]:
        """A raw section (e.g. `gates`, `mix`) as written, or an empty dict."""
        value = (self.model_extra or {}).get(name)
        return value if isinstance(value, dict) else {}


def load_project_config(root: Path) -> ProjectConfig:
    path = root / CONFIG_FILE_NAME
    if not path.is_file():
        return ProjectConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix the file or remove it.") from exc
    try:
        return ProjectConfig.model_validate({**data, "path": path})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}. See the schema in the README.") from exc
