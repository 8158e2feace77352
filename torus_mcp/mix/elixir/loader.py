"""Getting the Elixir helper modules into the project's VM cheaply.

`elixir -r helper.exs` compiles the helpers on every run (about half a second on two cores, more
than a no-op `mix compile` itself). So they are compiled once per helper source and Elixir
installation into a cache directory, and a tiny boot script (`torus_mcp_boot.exs`, beside this module) loads
the compiled modules, or requires the sources when the cache was built by another Elixir/OTP or
could not be built at all. Correctness never depends on the cache; only speed does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from subprocess import DEVNULL

import anyio

HELPERS_DIR = Path(__file__).parent
BOOT_FILE = HELPERS_DIR / "torus_mcp_boot.exs"
# Every helper module is compiled into the cache; the boot script loads all of them.
CACHED_SOURCES = ("torus_mcp_json.exs", "torus_mcp_compile.exs", "torus_mcp_formatter.exs")
COMPILE_TIMEOUT = 180.0

_COMPILE_EXPRESSION = (
    'out = System.fetch_env!("TORUS_MCP_OUT"); '
    'files = String.split(System.fetch_env!("TORUS_MCP_SRC"), "\\n", trim: true); '
    "{:ok, _, _} = Kernel.ParallelCompiler.compile_to_path(files, out); "
    'File.write!(Path.join(out, "VERSION"), "#{System.version()} #{System.otp_release()}")'
)

_built: dict[str, Path | None] = {}


def cache_root() -> Path:
    configured = os.environ.get("TORUS_MCP_CACHE_DIR")
    if configured:
        return Path(configured) / "elixir-helpers"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "torus-mcp" / "elixir-helpers"


def cache_key(elixir: str) -> str:
    """Changes with the helper sources and with the Elixir installation that runs them."""
    digest = hashlib.sha256()
    for name in CACHED_SOURCES:
        digest.update((HELPERS_DIR / name).read_bytes())
    real = os.path.realpath(elixir)
    digest.update(real.encode())
    with contextlib.suppress(OSError):
        digest.update(str(os.stat(real).st_mtime_ns).encode())
    return digest.hexdigest()[:20]


async def compiled_helpers(elixir: str) -> Path | None:
    """The cache directory of compiled helpers for this Elixir, building it on first use.

    Concurrent first uses may both build; the loser's rename fails and its copy is dropped.
    """
    key = cache_key(elixir)
    if key in _built:
        return _built[key]
    final = cache_root() / key
    if (final / "VERSION").is_file():
        _built[key] = final
        return final
    _built[key] = await _build(elixir, final)
    return _built[key]


async def _build(elixir: str, final: Path) -> Path | None:
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{final.name}.", dir=final.parent))
    except OSError:
        return None
    env = {
        **os.environ,
        "TORUS_MCP_SRC": "\n".join(str(HELPERS_DIR / name) for name in CACHED_SOURCES),
        "TORUS_MCP_OUT": str(work),
    }
    try:
        with anyio.fail_after(COMPILE_TIMEOUT):
            result = await anyio.run_process(
                [elixir, "-e", _COMPILE_EXPRESSION], env=env, stdin=DEVNULL, check=False
            )
    except (OSError, TimeoutError):
        shutil.rmtree(work, ignore_errors=True)
        return None
    if result.returncode != 0 or not (work / "VERSION").is_file():
        shutil.rmtree(work, ignore_errors=True)
        return None
    try:
        # Another process may have built the same key meanwhile; either copy is fine.
        os.rename(work, final)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        if not (final / "VERSION").is_file():
            return None
    return final


async def helper_arguments(elixir: str, names: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """`elixir` arguments and environment that make the named helpers available to `-S mix`."""
    for name in names:
        if not (HELPERS_DIR / name).is_file() or ":" in name:
            raise ValueError(f"unknown Elixir helper {name!r}; helpers live in {HELPERS_DIR}")
    env = {"TORUS_MCP_HELPER_SOURCES": ":".join(str(HELPERS_DIR / name) for name in names)}
    beams = await compiled_helpers(elixir)
    if beams is not None:
        env["TORUS_MCP_HELPER_BEAMS"] = str(beams)
    return ["-r", str(BOOT_FILE)], env
