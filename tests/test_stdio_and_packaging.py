"""The server as users run it: the installed console script over stdio, and a wheel in a fresh venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters, stdio_client

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.anyio


def console_script() -> Path:
    script = Path(sys.executable).parent / "torus-mcp"
    if not script.exists():
        pytest.fail(
            f"the torus-mcp console script is not installed next to {sys.executable}: pip install -e ."
        )
    return script


async def test_console_script_serves_over_stdio(project: Path, tmp_path: Path) -> None:
    stderr_log = tmp_path / "stderr.log"
    params = StdioServerParameters(
        command=str(console_script()), args=["--log-level", "INFO", "--root", str(project)], cwd=str(tmp_path)
    )
    with stderr_log.open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog), mode="legacy") as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            prompt = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "1"})
            read = await client.call_tool("read_doc", {"feature": "canvas-preview", "doc": "plan"})
            stale = await client.call_tool(
                "write_doc",
                {"feature": "canvas-preview", "doc": "plan", "content": "x", "expected_version": "sha256:00"},
            )
    assert {"read_doc", "write_doc", "get_prompt"} <= tools
    # --log-level INFO logs the refused write; it lands on stderr (stdout carried only the protocol).
    assert "version conflict" in stderr_log.read_text()
    assert "## Phase 1" in prompt.messages[0].content.text
    assert read.structured_content["text"] == (project / "docs/features/canvas-preview/plan.md").read_text()
    assert stale.is_error and "version conflict" in stale.content[0].text


async def test_default_era_over_stdio_with_root_from_environment(project: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TORUS_ROOT": str(project)}
    params = StdioServerParameters(command=str(console_script()), args=[], cwd=str(tmp_path), env=env)
    async with Client(params) as client:
        info = await client.call_tool("workspace_info", {})
    assert info.structured_content["rule"] == "TORUS_ROOT"
    assert info.structured_content["root"] == str(project.resolve())


def test_bad_root_is_a_clear_error_on_stderr(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(console_script()), "serve", "--root", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""  # stdout belongs to the protocol, even when failing
    assert "is not a directory" in result.stderr and "--root" in result.stderr


def test_version_and_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "torus_mcp", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and out.stdout.startswith("torus-mcp ")


@pytest.mark.slow
async def test_wheel_ships_prompts_resources_and_example(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO_ROOT),
        ],
        check=True,
        timeout=300,
    )
    wheel = next(dist.glob("torus_mcp-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # The fresh venv gets the wheel itself; its dependencies come from this interpreter's site-packages
    # through a .pth file (no network), which holds no torus_mcp of its own that could mask the wheel.
    purelib = subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
    ).strip()
    (Path(purelib) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        timeout=300,
    )
    where = subprocess.check_output(
        [str(python), "-c", "import torus_mcp; print(torus_mcp.__file__)"], text=True, cwd=tmp_path
    )
    assert where.startswith(str(env_dir)), where
    # The Elixir files injected into mix runs are package data: the installed loader must find them.
    shipped = subprocess.check_output(
        [
            str(python),
            "-c",
            "from torus_mcp.mix.elixir.loader import BOOT_FILE, CACHED_SOURCES, HELPERS_DIR; "
            "print(all((HELPERS_DIR / name).is_file() for name in (BOOT_FILE.name, *CACHED_SOURCES)), HELPERS_DIR)",
        ],
        text=True,
        cwd=tmp_path,
    ).split()
    assert shipped[0] == "True" and shipped[1].startswith(str(env_dir)), shipped
    project = tmp_path / "project"
    subprocess.run(
        [
            str(python),
            "-c",
            "import shutil, sys; from torus_mcp.packaged import packaged_dir; "
            "shutil.copytree(packaged_dir('examples') / 'torus-example', sys.argv[1])",
            str(project),
        ],
        check=True,
        timeout=60,
        cwd=tmp_path,
    )
    params = StdioServerParameters(
        command=str(env_dir / "bin" / "torus-mcp"), args=["--root", str(project)], cwd=str(tmp_path)
    )
    async with Client(params, mode="legacy") as client:
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        develop = await client.get_prompt("develop", {"feature": "canvas-preview", "phase": "2"})
        guide = await client.read_resource("torus://guides/workflow")
        template = await client.read_resource("torus://templates/fdd.md")
        # The AST script ships inside the wheel: an AST rule finds the example's breach.
        guidelines = await client.call_tool("check_guidelines", {"paths": ["lib"]})
    assert prompts == {"analyze", "architect", "plan", "develop"}
    if shutil.which("elixir"):
        assert guidelines.structured_content["counts"]["by_rule"] == {"IS-PREDICATE": 1, "STRING-TO-ATOM": 1}
    assert "Torus Spec" in develop.messages[0].content.text
    assert guide.contents[0].text and template.contents[0].text
