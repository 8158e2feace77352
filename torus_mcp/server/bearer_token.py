"""The bearer token that guards the HTTP transport: where it comes from, and the gate that checks it.

The token comes from `--token-file` (first line of the file) or the `TORUS_MCP_TOKEN` environment
variable. Every HTTP request must carry `Authorization: Bearer <token>`; anything else is answered
401 with a body that says nothing about what was expected. Tokens are compared through their
SHA-256 digests with `hmac.compare_digest`, so neither their content nor their length can be
learnt from response times.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

TOKEN_ENV = "TORUS_MCP_TOKEN"
MIN_TOKEN_LENGTH = 16
UNAUTHORIZED = b"Unauthorized\n"
HOW_TO_MAKE_ONE = "e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > token.txt`"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TokenError(ValueError):
    """The configured token cannot be used; the message says how to fix it."""


def load_token(token_file: str | None, environ: Mapping[str, str]) -> str | None:
    """The token from --token-file, else TORUS_MCP_TOKEN, else None."""
    if token_file:
        try:
            lines = Path(token_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise TokenError(f"cannot read the token file {token_file}: {exc}") from exc
        token, where = (lines[0].strip() if lines else ""), f"the token file {token_file}"
    elif environ.get(TOKEN_ENV) is not None:
        token, where = environ[TOKEN_ENV].strip(), TOKEN_ENV
    else:
        return None
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise TokenError(
            f"{where} must hold one token of at least {MIN_TOKEN_LENGTH} characters without spaces "
            f"({HOW_TO_MAKE_ONE})."
        )
    return token


class BearerTokenGate:
    """ASGI middleware: HTTP requests without the right bearer token get a bare 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._digest = _digest(token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._authorized(scope):
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(UNAUTHORIZED)).encode()),
                        (b"www-authenticate", b"Bearer"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": UNAUTHORIZED})
            return
        await self._app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        values = [v for k, v in scope.get("headers", ()) if k.lower() == b"authorization"]
        if len(values) != 1:
            return False
        scheme, _, credentials = values[0].partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(_digest(credentials.strip()), self._digest)


def _digest(value: bytes) -> bytes:
    return hashlib.sha256(value).digest()
