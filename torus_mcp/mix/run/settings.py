"""How mix runs for one project: timeouts, output cap and the environment allowlist.

Defaults can be changed in the `[mix]` table of the project's `.torus-mcp.toml`:

    [mix]
    env_allowlist = ["DB_HOST"]   # added to the default allowlist, never replacing it
    compile_timeout = 300         # seconds
    test_timeout = 600            # seconds
    format_timeout = 120          # seconds
    max_output_mb = 20            # output kept in memory per run; the full log is always on disk
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field

from torus_mcp.config import CONFIG_FILE_NAME, ConfigError, load_project_config

# Variables that only choose what mix does, never what code it runs. Anything that can inject
# code or flags into the VM (ERL_FLAGS, ELIXIR_ERL_OPTIONS, MIX_EXS, PATH, ...) stays out unless a
# project opts in explicitly.
DEFAULT_ENV_ALLOWLIST: frozenset[str] = frozenset({"MIX_ENV", "MIX_TEST_PARTITION", "LANG", "LC_ALL", "TZ"})

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MIX_ENV_VALUE = re.compile(r"^[a-z_][a-z0-9_]*$")


class MixSettingsError(ValueError):
    """The `[mix]` table of `.torus-mcp.toml` cannot be used as written."""


class MixEnvError(ValueError):
    """An environment variable for mix was refused."""


class MixSettings(BaseModel):
    compile_timeout: float = Field(default=300.0, gt=0, description="Seconds before `mix compile` is killed")
    test_timeout: float = Field(default=600.0, gt=0, description="Seconds before `mix test` is killed")
    format_timeout: float = Field(default=120.0, gt=0, description="Seconds before `mix format` is killed")
    max_output_bytes: int = Field(default=20 * 1024 * 1024, gt=0, description="Output kept in memory")
    env_allowlist: frozenset[str] = DEFAULT_ENV_ALLOWLIST


def load_mix_settings(root: Path) -> MixSettings:
    """Read the `[mix]` table of `<root>/.torus-mcp.toml`; defaults when the file or table is absent."""
    try:
        config = load_project_config(Path(root))
    except ConfigError as exc:
        raise MixSettingsError(str(exc)) from exc
    if config.path is None:
        return MixSettings()
    table = (config.model_extra or {}).get("mix", {})
    if not isinstance(table, dict):
        raise MixSettingsError(f"{config.path}: `mix` must be a table (`[mix]`), not {type(table).__name__}.")
    return _settings_from_table(table, config.path)


def _settings_from_table(table: Mapping[str, object], path: Path) -> MixSettings:
    known = {"env_allowlist", "compile_timeout", "test_timeout", "format_timeout", "max_output_mb"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise MixSettingsError(
            f"{path}: unknown key(s) in [mix]: {', '.join(unknown)}; known keys: {', '.join(sorted(known))}."
        )
    values: dict[str, object] = {}
    for key in ("compile_timeout", "test_timeout", "format_timeout"):
        if key in table:
            values[key] = _positive_number(table[key], f"[mix] {key}", path)
    if "max_output_mb" in table:
        values["max_output_bytes"] = int(
            _positive_number(table["max_output_mb"], "[mix] max_output_mb", path) * 1024 * 1024
        )
    extra = table.get("env_allowlist", [])
    if not isinstance(extra, list) or not all(isinstance(n, str) and _ENV_NAME.match(n) for n in extra):
        raise MixSettingsError(
            f'{path}: [mix] env_allowlist must be a list of variable names, e.g. ["DB_HOST"]; got {extra!r}.'
        )
    values["env_allowlist"] = DEFAULT_ENV_ALLOWLIST | frozenset(extra)
    return MixSettings.model_validate(values)


def _positive_number(value: object, name: str, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise MixSettingsError(
            f"{path}: {name} must be a positive number of seconds/megabytes; got {value!r}."
        )
    return float(value)


def check_env(env: Mapping[str, str] | None, allowlist: frozenset[str]) -> dict[str, str]:
    """Return `env` as a plain dict after checking every name against the allowlist.

    Raises `MixEnvError` naming the refused variable and how to allow it.
    """
    if not env:
        return {}
    checked: dict[str, str] = {}
    for name, value in env.items():
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            raise MixEnvError(f"{name!r} is not a valid environment variable name.")
        if name not in allowlist:
            raise MixEnvError(
                f"Environment variable {name} is not allowed for mix runs (allowed: "
                f"{', '.join(sorted(allowlist))}). To allow it, add it to `env_allowlist` in the [mix] "
                f"table of {CONFIG_FILE_NAME}."
            )
        if not isinstance(value, str) or "\x00" in value:
            raise MixEnvError(f"The value of {name} must be a string without NUL characters.")
        if name == "MIX_ENV" and not _MIX_ENV_VALUE.match(value):
            raise MixEnvError(f"MIX_ENV={value!r} is not a mix environment name; use e.g. `test` or `dev`.")
        checked[name] = value
    return checked
