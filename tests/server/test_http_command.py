"""`torus-mcp serve --http` as an operator runs it: refusals at start-up, a token file, worker processes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import anyio
import pytest

from tests.server.calls import call_ok
from tests.server.http_support import (
    TOKEN,
    console_script,
    free_port,
    http_client,
    http_server,
    post,
    raw_request,
)

CALLS = 200
CONCURRENT = 4


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command when it is expected to refuse before listening (nothing binds)."""
    return subprocess.run(
        [str(console_script()), "serve", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env=env,
    )


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token.txt"
    path.write_text(TOKEN + "\n")
    return path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--http"], ["needs --root"]),
        (["--http", "--host", "10.1.2.3"], ["bearer token is required", "--token-file", "TORUS_MCP_TOKEN"]),
        (["--http", "--host", "0.0.0.0", "--token-file", "{token}"], ["--allow-host"]),
        (["--http", "--workers", "2"], ["needs --stateless"]),
        (["--http", "--token-file", "{short}"], ["at least 16 characters"]),
        (["--http", "--token-file", "{missing}"], ["cannot read the token file"]),
    ],
    ids=[
        "no-root",
        "remote-without-token",
        "wildcard-without-allow-host",
        "workers-need-stateless",
        "short-token",
        "missing-token-file",
    ],
)
def test_unsafe_or_incomplete_http_setups_are_refused_before_listening(
    project: Path, token_file: Path, tmp_path: Path, args: list[str], expected: list[str]
) -> None:
    short = tmp_path / "short.txt"
    short.write_text("abc\n")
    values = {"token": str(token_file), "short": str(short), "missing": str(tmp_path / "nope.txt")}
    argv = [a.format(**values) for a in args]
    if "--root" not in argv and args != ["--http"]:
        argv += ["--root", str(project)]
    argv += ["--port", str(free_port())]  # should a refusal ever fail, nothing takes a well-known port
    result = serve(*argv, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    for words in expected:
        assert words in result.stderr


def test_help_says_subscriptions_need_the_stateful_mode() -> None:
    result = serve("--help")
    text = " ".join(result.stdout.split())
    assert "--http" in text and "--stateless" in text
    assert "subscriptions" in text and "stateful mode" in text


@pytest.mark.anyio
@pytest.mark.slow
async def test_stateless_workers_share_the_load(project: Path, token_file: Path) -> None:
    """Two worker processes, 200 calls each on a fresh connection (half per protocol era): every
    call is answered, by both workers, and the token file guards them all."""
    pids: list[int] = []
    limit = anyio.Semaphore(CONCURRENT)

    async def one_call(mode: str) -> None:
        async with limit, http_client(server.url, mode, token=TOKEN) as client:
            info = await call_ok(client, "workspace_info")
            pids.append(info["server_pid"])

    args = ("--stateless", "--workers", "2", "--token-file", str(token_file))
    with http_server(project, *args) as server:
        unauthorized, _, _ = await raw_request(server.port, post(server.port, b"{}"))
        async with anyio.create_task_group() as tg:
            for index in range(CALLS):
                tg.start_soon(one_call, "legacy" if index % 2 else "auto")
        workers = server.process.pid
    assert unauthorized == 401
    assert len(pids) == CALLS
    assert len(set(pids)) == 2, f"answered by {sorted(set(pids))}"
    assert workers not in pids  # the supervisor only supervises; the workers answer
