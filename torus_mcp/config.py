"""The project's `.torus-mcp.toml`: one loader for every section.

The file is optional and lives at the project root. Its schema (all keys optional):

    [specs]
    dirs = ["docs/features"]          # where `<slug>/` packs live; the first is where new packs go
    exec_plans = true                 # also find packs under docs/exec-plans/{current,archive}/...

    [gates]                           # read by torus_mcp.specs.gates (its docstring lists every rule)
    disabled = ["PLAN-COVERS-FR"]     # rule ids to skip (case-insensitive; *-DOC rules cannot be)
    [gates.severity]
    "PRD-AC-GWT" = "error"            # "error" blocks the gate, "warning" only reports

    [mix]                             # read by torus_mcp.mix.settings
    env_allowlist = ["DB_HOST"]       # added to the default allowlist (MIX_ENV, ...)
    compile_timeout = 300             # seconds
    test_timeout = 600                # seconds
    format_timeout = 120              # seconds
    max_output_mb = 20                # output kept in memory per run; the full log is on disk

An unknown key or rule id is an error naming the known ones. The README carries the same schema.

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
