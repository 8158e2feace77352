"""The project's `.torus-mcp.toml`: one loader for every section.

The file is optional and lives at the project root. Its schema (all keys optional):

    [specs]
    dirs = ["docs/features"]          # where `<slug>/` packs live; the first is where new packs go
    exec_plans = true                 # also find packs under docs/exec-plans/{current,archive}/...

    [gates]
    disabled = ["PLAN-COVERS-FR"]     # rule ids to skip
    [gates.severity]
    "PRD-AC-GWT" = "error"            # override a rule's severity: "error" | "warning"

    [mix]
    env_allowlist = ["MIX_ENV"]       # extra environment variables mix tools may set
    compile_timeout = 300             # seconds
    test_timeout = 600                # seconds

Unknown sections are kept as raw dictionaries so later features can read their own part without
this module having to know them first.
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
