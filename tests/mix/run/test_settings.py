"""`[mix]` settings from .torus-mcp.toml and the environment allowlist."""

from __future__ import annotations

from pathlib import Path

import pytest

from torus_mcp.mix.run.settings import (
    DEFAULT_ENV_ALLOWLIST,
    MixEnvError,
    MixSettings,
    MixSettingsError,
    check_env,
    load_mix_settings,
)


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    settings = load_mix_settings(tmp_path)
    assert settings.compile_timeout == 300 and settings.test_timeout == 600
    assert settings.max_output_bytes == 20 * 1024 * 1024
    assert "MIX_ENV" in settings.env_allowlist


def test_the_project_extends_the_allowlist_and_timeouts(tmp_path: Path) -> None:
    (tmp_path / ".torus-mcp.toml").write_text(
        '[specs]\ndirs = ["docs/features"]\n\n[mix]\nenv_allowlist = ["DB_HOST"]\ntest_timeout = 30\nmax_output_mb = 5\n'
    )
    settings = load_mix_settings(tmp_path)
    assert settings.env_allowlist == DEFAULT_ENV_ALLOWLIST | {"DB_HOST"}
    assert settings.test_timeout == 30 and settings.compile_timeout == 300
    assert settings.max_output_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[mix]\ntest_timeout = -1\n", "test_timeout must be a positive number"),
        ("[mix]\ncompile_timeout = 0\n", "compile_timeout must be a positive number"),
        ("[mix]\nmax_output_mb = 0\n", "max_output_mb must be a positive number"),
        ("[mix]\ntest_timeout = true\n", "test_timeout must be a positive number"),
        ('[mix]\nenv_allowlist = "DB_HOST"\n', "must be a list of variable names"),
        ("[mix]\ntimeout = 3\n", "unknown key"),
        ("[mix\n", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_problem(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / ".torus-mcp.toml").write_text(body)
    with pytest.raises(MixSettingsError, match=message):
        load_mix_settings(tmp_path)


def test_env_outside_the_allowlist_is_refused_with_the_fix() -> None:
    with pytest.raises(MixEnvError, match=r"ERL_FLAGS is not allowed.*env_allowlist.*\.torus-mcp\.toml"):
        check_env({"ERL_FLAGS": "-eval 'os:cmd(\"rm -rf ~\")'"}, MixSettings().env_allowlist)


def test_env_values_are_checked() -> None:
    allowed = MixSettings().env_allowlist
    assert check_env({"MIX_ENV": "test"}, allowed) == {"MIX_ENV": "test"}
    with pytest.raises(MixEnvError, match="not a mix environment name"):
        check_env({"MIX_ENV": "test; rm -rf /"}, allowed)
    with pytest.raises(MixEnvError, match="not a valid environment variable name"):
        check_env({"BAD=NAME": "x"}, allowed | {"BAD=NAME"})
