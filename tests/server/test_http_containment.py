"""The containment attacks of test_security.py, replayed over Streamable HTTP.

Every test of that module runs here again, unchanged, with `connect` serving the project through
the HTTP app (`build_app`, as `torus-mcp serve --http` does) on a loopback port and the SDK client
connecting over real sockets, in both protocol eras. Whatever the transport, nothing outside the
spec tree is read or written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.server import test_security
from tests.server.http_support import http_client, serve_in_process
from torus_mcp.server.http import HttpOptions, build_app

pytestmark = pytest.mark.anyio

# Collected here under the same names: the tests, and the fixtures they use.
globals().update(
    {
        name: value
        for name, value in vars(test_security).items()
        if name.startswith("test_") or name in ("outside", "huge_prd", "peak_memory")
    }
)


@pytest.fixture
def connect(mode: str) -> Callable[..., object]:
    """`async with connect(root) as client:` an SDK client over HTTP in the fixture's era."""

    @asynccontextmanager
    async def _connect(root: Path | None, **client_kwargs: object) -> AsyncIterator[object]:
        assert root is not None, "over HTTP the root is always given"
        app = build_app(HttpOptions(root=str(root)), None)
        async with serve_in_process(app) as url, http_client(url, mode, **client_kwargs) as client:
            yield client

    return _connect
