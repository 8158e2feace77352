"""Serving MCP over Streamable HTTP: the SDK's Starlette app, guarded, run by uvicorn.

Safe by default:
- the server binds to loopback unless told otherwise, and any other address needs a bearer token
  (`bearer_token`); a token, once configured, is required on every address;
- DNS-rebinding protection is on: a request whose Host is not an allowed name is refused with 421,
  one whose Origin is not an allowed origin with 403;
- request bodies are capped (413 above `MAX_BODY_BYTES`);
- the project root is fixed by the operator (`--root` or TORUS_ROOT); the client's roots are never
  asked for, so a remote client cannot point the server at another directory.

Stateful mode (the default) keeps a session per client, which is what `resources/subscribe` needs.
`--stateless` serves every request on its own, so several uvicorn worker processes can share the
load: nothing a request needs lives only in one process (mix run logs are files, mix runs are
locked per project through the file system). uvicorn is imported only when serving starts.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from torus_mcp.server.bearer_token import BearerTokenGate, TokenError, load_token

log = logging.getLogger("torus_mcp")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8848
MCP_PATH = "/mcp"
# A document may be 2 MiB; escaped as JSON (newlines, quotes, backslashes) it can nearly double.
MAX_BODY_BYTES = 8 * 1024 * 1024
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
# Worker processes are spawned and import their app by name; their options travel in this variable.
OPTIONS_ENV = "TORUS_MCP_HTTP_OPTIONS"
GRACEFUL_SHUTDOWN_SECONDS = 5


class HttpSetupError(ValueError):
    """The HTTP options cannot be served safely as given; the message says what to change."""


@dataclass(frozen=True)
class HttpOptions:
    root: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    stateless: bool = False
    workers: int = 1
    token_file: str | None = None
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    log_level: str = "WARNING"

    @property
    def url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}{MCP_PATH}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_options(options: HttpOptions, environ: Mapping[str, str]) -> str | None:
    """Refuse what cannot be served safely; return the bearer token (None: loopback without one)."""
    if options.workers < 1:
        raise HttpSetupError("--workers must be 1 or more.")
    if options.workers > 1 and not options.stateless:
        raise HttpSetupError(
            "--workers above 1 needs --stateless: a stateful session lives in one process, and a request "
            "that reaches another worker would find no session."
        )
    try:
        token = load_token(options.token_file, environ)
    except TokenError as exc:
        raise HttpSetupError(str(exc)) from exc
    if token is None and not is_loopback(options.host):
        raise HttpSetupError(
            f"--host {options.host} accepts connections from other machines, so a bearer token is required: "
            "pass --token-file FILE or set TORUS_MCP_TOKEN (clients send 'Authorization: Bearer <token>'). "
            "Without one, serve on 127.0.0.1."
        )
    if options.host in WILDCARD_HOSTS and not options.allowed_hosts:
        raise HttpSetupError(
            f"--host {options.host or '(all)'} listens on every address; name the host clients connect to "
            "with --allow-host NAME (repeatable), so requests for any other name (DNS rebinding) are refused."
        )
    return token


def allowed_names(options: HttpOptions) -> list[str]:
    """Host names the server answers to: loopback, the address it is bound to, and --allow-host."""
    names = dict.fromkeys(LOOPBACK_NAMES)
    if options.host not in WILDCARD_HOSTS:
        names[_url_host(options.host)] = None
    names.update(dict.fromkeys(_url_host(h) for h in options.allowed_hosts))
    return list(names)


def build_app(options: HttpOptions, token: str | None) -> Any:
    """The ASGI app: the SDK's Streamable HTTP app for a torus-mcp server, behind the token gate."""
    from mcp.server.transport_security import TransportSecuritySettings

    from torus_mcp.server import create_server

    names = allowed_names(options)
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[pattern for name in names for pattern in (name, f"{name}:*")],
        allowed_origins=[
            f"{scheme}://{name}{port}"
            for name in names
            for scheme in ("http", "https")
            for port in ("", ":*")
        ],
    )
    server = create_server(options.root)
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=options.stateless,
        max_request_body_size=MAX_BODY_BYTES,
        transport_security=security,
        host=options.host,
    )
    return BearerTokenGate(app, token) if token else app


def serve_http(options: HttpOptions, token: str | None) -> None:
    """Serve until interrupted; `token` is what check_options returned. A bad root raises
    WorkspaceError before anything listens."""
    import uvicorn

    from torus_mcp.server.state import ServerState

    settings: dict[str, Any] = {
        "host": options.host,
        "port": options.port,
        # Logging stays as the command line configured it: everything on stderr.
        "log_config": None,
        "log_level": options.log_level.lower(),
        "access_log": options.log_level in ("DEBUG", "INFO"),
        "server_header": False,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
    }
    if options.workers == 1:
        uvicorn.run(build_app(options, token), **settings)
        return
    ServerState(cli_root=options.root)  # each worker builds its own server; fail here, once, on a bad root
    os.environ[OPTIONS_ENV] = json.dumps(asdict(options))
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=options.workers, **settings)


def worker_app() -> Any:
    """The app of one worker process (uvicorn calls this by name in each process it spawns)."""
    raw = json.loads(os.environ[OPTIONS_ENV])
    options = HttpOptions(**{**raw, "allowed_hosts": tuple(raw.get("allowed_hosts", ()))})
    logging.basicConfig(
        level=getattr(logging, options.log_level),
        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s",
    )
    logging.getLogger("torus_mcp").setLevel(getattr(logging, options.log_level))
    return build_app(options, check_options(options, os.environ))


def _url_host(host: str) -> str:
    """A host as it appears in a URL or Host header: IPv6 addresses in brackets."""
    bare = host.strip("[]")
    try:
        return f"[{bare}]" if ipaddress.ip_address(bare).version == 6 else host
    except ValueError:
        return host
