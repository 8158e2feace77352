"""Reading AST facts: one run of the project's own `elixir` on the bundled `elixir/ast_facts.exs`.

All files go to one process as arguments (paths relative to the project root, which is the working
directory); stdin is closed, the process runs in its own session and the whole group is killed at
the timeout or when the caller is cancelled. Each output line is JSON: the facts of file number
`i`, or `{"done": N}` at the end. Files without a line (the process died or timed out) are named in
the result's note, so the checker can say what it could not check.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Sequence
from pathlib import Path
from subprocess import DEVNULL, PIPE
from typing import Any, NamedTuple

import anyio

SCRIPT = Path(__file__).parent / "elixir" / "ast_facts.exs"
# Far below the kernel's argument limit; a longer list is split over more than one run.
MAX_ARGUMENT_BYTES = 512 * 1024
STDERR_KEPT = 2000


class FactsRun(NamedTuple):
    facts: dict[Path, dict[str, Any]]
    """Per file (as given), the decoded facts; a file that does not parse has an `error` entry."""
    note: str | None
    """Why some files have no facts (timeout, crash), or None when every file was read."""


async def collect_facts(root: Path, files: Sequence[Path], elixir: str, timeout: float) -> FactsRun:
    """The AST facts of `files` (absolute paths inside `root`), read by one `elixir` run per batch."""
    facts: dict[Path, dict[str, Any]] = {}
    problems: list[str] = []
    try:
        with anyio.fail_after(timeout):
            for names, paths in _batches(root, files):
                output, errors, status = await _run([elixir, str(SCRIPT), *names], root)
                facts.update(_decode(paths, output))
                if status != 0 or not output.rstrip().endswith(b"}") or b'"done"' not in output[-40:]:
                    tail = errors.decode("utf-8", "replace").strip()[-STDERR_KEPT:]
                    problems.append(f"elixir exited with status {status}" + (f": {tail}" if tail else ""))
    except TimeoutError:
        problems.append(
            f"elixir did not finish within {timeout:g} s ([guidelines] timeout in .torus-mcp.toml)"
        )
    missing = [path for path in files if path not in facts]
    if not missing:
        return FactsRun(facts, None)
    names = ", ".join(p.relative_to(root).as_posix() for p in missing[:5]) + (
        " ..." if len(missing) > 5 else ""
    )
    reason = "; ".join(problems) or "elixir printed nothing for them"
    return FactsRun(facts, f"The AST rules did not run on {len(missing)} file(s) ({names}): {reason}.")


def _batches(root: Path, files: Sequence[Path]) -> list[tuple[list[str], list[Path]]]:
    """The files as argument lists (names relative to root) of at most MAX_ARGUMENT_BYTES each."""
    batches: list[tuple[list[str], list[Path]]] = [([], [])]
    size = 0
    for path in files:
        name = path.relative_to(root).as_posix()
        if batches[-1][0] and size + len(name) + 1 > MAX_ARGUMENT_BYTES:
            batches.append(([], []))
            size = 0
        # A name starting with "-" would read as an option to elixir's argument parser.
        batches[-1][0].append(name if not name.startswith("-") else f"./{name}")
        batches[-1][1].append(path)
        size += len(name) + 1
    return [batch for batch in batches if batch[0]]


def _decode(paths: Sequence[Path], output: bytes) -> dict[Path, dict[str, Any]]:
    """Facts by path: line `{"i": n, ...}` belongs to paths[n]."""
    found: dict[Path, dict[str, Any]] = {}
    for raw in output.splitlines():
        try:
            item = json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            continue  # a half-written last line of a killed run
        index = item.pop("i", None) if isinstance(item, dict) else None
        if isinstance(index, int) and 0 <= index < len(paths):
            found[paths[index]] = item
    return found


async def _run(command: list[str], cwd: Path) -> tuple[bytes, bytes, int | None]:
    process = await anyio.open_process(
        command, stdin=DEVNULL, stdout=PIPE, stderr=PIPE, cwd=cwd, start_new_session=True
    )
    output, errors = bytearray(), bytearray()

    async def drain(stream, buffer: bytearray, limit: int | None) -> None:
        async for chunk in stream:
            buffer.extend(chunk)
            if limit is not None and len(buffer) > limit:
                del buffer[:-limit]

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(drain, process.stdout, output, None)
            group.start_soon(drain, process.stderr, errors, STDERR_KEPT)
            await process.wait()
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        with anyio.CancelScope(shield=True):
            await process.aclose()
    return bytes(output), bytes(errors), process.returncode
