"""Shared fixtures: both protocol eras, a fresh copy of the example project, the shared test data."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PROJECT = REPO_ROOT / "examples" / "torus-example"


@pytest.fixture(autouse=True)
def parser_bugs_raise() -> Iterator[None]:
    """Every test parses strictly: a parser bug is an exception the test sees, not the empty answer or
    PARSE-* finding the server degrades to. Tests of that degradation use ``strict_parsing(False)``."""
    from torus_mcp.specs.parse_guard import strict_parsing

    with strict_parsing():
        yield


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["legacy", "auto"], ids=["era-2025-11-25", "era-2026-07-28"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the bundled example project."""
    target = tmp_path / "torus"
    shutil.copytree(EXAMPLE_PROJECT, target, ignore=shutil.ignore_patterns("_build", "deps"))
    return target


@pytest.fixture
def connect(mode: str) -> Callable[..., object]:
    """`async with connect(root) as client:` an in-memory client in the fixture's protocol era."""
    from contextlib import asynccontextmanager

    from mcp import Client

    from torus_mcp.server import create_server

    @asynccontextmanager
    async def _connect(root: Path | None, **client_kwargs: object) -> AsyncIterator[Client]:
        server = create_server(str(root) if root else None, cwd=root)
        async with Client(server, mode=mode, cache=None, **client_kwargs) as client:
            yield client

    return _connect
