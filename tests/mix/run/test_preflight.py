"""Preflight: each problem fails fast with a message that names it and the fix.

None of these needs Elixir: the checks run before mix would start (the build-lock case uses a
stand-in `mix` script that prints what mix 1.18+ prints while another process holds the lock).
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from torus_mcp.mix.operations import compile_project, test_project
from torus_mcp.mix.run.preflight import (
    MixPreflightError,
    check_database,
    database_endpoints,
    detect_build_lock,
    find_executable,
)
from torus_mcp.mix.run.runner import run_mix
from torus_mcp.mix.run.settings import MixEnvError

pytestmark = pytest.mark.anyio


def _project(root: Path, mix_exs: str = "defmodule Demo.MixProject do\nend\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mix.exs").write_text(mix_exs)
    return root


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_no_mix_on_path_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "app")
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    with pytest.raises(
        MixPreflightError, match=r"`mix` was not found on PATH.*apt-get install elixir"
    ) as info:
        find_executable("mix", path=str(empty_bin))
    assert info.value.problem == "mix_missing"
    monkeypatch.setenv("PATH", str(empty_bin))
    with pytest.raises(MixPreflightError, match="asdf"):
        await compile_project(root)


async def test_no_mix_exs_points_at_the_project_root(tmp_path: Path) -> None:
    with pytest.raises(MixPreflightError, match=r"has no mix\.exs") as info:
        await compile_project(tmp_path)
    assert info.value.problem == "no_mix_exs"


async def test_deps_in_mix_lock_but_not_fetched_say_mix_deps_get(tmp_path: Path) -> None:
    root = _project(tmp_path / "app")
    (root / "mix.lock").write_text(
        "%{\n"
        '  "jason": {:hex, :jason, "1.4.1", "af1504e3", [:mix], [], "hexpm", "fbb01ecd"},\n'
        '  "plug": {:hex, :plug, "1.15.2", "94cf1fa3", [:mix], [], "hexpm", "02731fa0"},\n'
        "}\n"
    )
    (root / "deps" / "plug").mkdir(parents=True)
    with pytest.raises(MixPreflightError, match=r"not fetched \(jason\).*mix deps.get") as info:
        await compile_project(root)
    assert info.value.problem == "deps_missing"


async def test_closed_postgres_port_is_found_before_mix_test(tmp_path: Path) -> None:
    port = _closed_port()
    root = _project(tmp_path / "app", 'defp deps, do: [{:postgrex, ">= 0.0.0"}]\n')
    (root / "config").mkdir()
    (root / "config" / "test.exs").write_text(
        "import Config\n\n"
        "config :demo, Demo.Repo,\n"
        '  username: "postgres",\n'
        '  hostname: System.get_env("DEMO_DB_HOST", "127.0.0.1"),\n'
        f"  port: {port},\n"
        '  database: "demo_test"\n\n'
        "config :demo, DemoWeb.Endpoint, http: [port: 4002]\n"
    )
    with pytest.raises(
        MixPreflightError, match=rf"Postgres is not reachable at 127.0.0.1:{port}.*Demo.Repo.*Start"
    ) as info:
        await test_project(root)
    assert info.value.problem == "database_unreachable"


async def test_an_open_postgres_port_passes(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        root = _project(tmp_path / "app", '{:postgrex, "~> 0.17"}')
        (root / "config").mkdir()
        (root / "config" / "test.exs").write_text(
            f'config :demo, Demo.Repo,\n  hostname: "localhost",\n  port: {port}\n'
        )
        check_database(root)  # does not raise


def test_torus_style_repo_config_is_read_with_env_defaults(tmp_path: Path) -> None:
    root = _project(tmp_path / "app", '{:postgrex, ">= 0.0.0"}')
    (root / "config").mkdir()
    (root / "config" / "test.exs").write_text(
        "config :oli, Oli.Repo,\n"
        '  username: System.get_env("DB_USER", "postgres"),\n'
        '  hostname: System.get_env("DB_HOST", "localhost"),\n'
        '  database: "oli_test",\n'
        "  pool: Ecto.Adapters.SQL.Sandbox,\n"
        "  pool_size: 30\n\n"
        "config :oli, OliWeb.Endpoint,\n  http: [port: 4002],\n  server: false\n"
    )
    (endpoint,) = database_endpoints(root, env={})
    assert (endpoint.repo, endpoint.host, endpoint.port) == ("Oli.Repo", "localhost", 5432)
    (endpoint,) = database_endpoints(root, env={"DB_HOST": "db.internal"})
    assert endpoint.host == "db.internal"
    (root / "mix.exs").write_text("no database here")
    assert database_endpoints(root) == []


def test_an_ecto_url_without_a_port_means_the_postgres_default(tmp_path: Path) -> None:
    root = _project(tmp_path / "app", '{:postgrex, ">= 0.0.0"}')
    (root / "config").mkdir()
    (root / "config" / "test.exs").write_text(
        'config :demo, Demo.Repo,\n  url: "ecto://postgres:secret@db.example/demo_test"\n\n'
        'config :demo, Demo.OtherRepo,\n  url: "ecto://postgres@db.example:6543/other_test"\n'
    )
    endpoints = database_endpoints(root, env={})
    assert [(e.repo, e.host, e.port) for e in endpoints] == [
        ("Demo.Repo", "db.example", 5432),
        ("Demo.OtherRepo", "db.example", 6543),
    ]


def test_build_lock_message_from_captured_text() -> None:
    text = (
        "==> app_a\n"
        "Waiting for lock on the build directory (held by process 48213)\n"
        "Waiting for lock on the build directory (held by process 48213)\n"
    )
    assert detect_build_lock(text) == ("build", 48213)
    assert detect_build_lock("Waiting for lock on the deps directory (held by process 7)") == ("deps", 7)
    assert detect_build_lock("Compiling 3 files (.ex)\n") is None


async def test_a_run_stuck_behind_a_build_lock_stops_with_the_holder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_mix = bin_dir / "mix"
    fake_mix.write_text(
        "#!/bin/sh\necho 'Waiting for lock on the build directory (held by process 48213)'\nexec sleep 300\n"
    )
    fake_mix.chmod(fake_mix.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    root = _project(tmp_path / "app")
    with pytest.raises(MixPreflightError, match=r"OS pid 48213.*kill 48213") as info:
        await run_mix(root, ["compile"], timeout=60, build_lock_wait=1.0)
    assert info.value.problem == "build_lock"


async def test_env_outside_the_allowlist_is_refused_before_running(tmp_path: Path) -> None:
    root = _project(tmp_path / "app")
    with pytest.raises(MixEnvError, match="ELIXIR_ERL_OPTIONS is not allowed"):
        await compile_project(root, env={"ELIXIR_ERL_OPTIONS": "-eval halt()"})
    assert not (root / ".torus-mcp" / "runs").exists()
