"""`torus-mcp parse-mix [FILE|-]`: a saved mix log (a CI log, a teammate's paste) as structured data.

Exit status: 0 when the log shows no errors or failures (warnings alone are fine), 1 when it shows
compile errors, test failures, Mix errors, unformatted files or a warnings-as-errors abort, 2 when
the command was used wrongly (the file cannot be read).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from torus_mcp.commands.annotations import workflow_command

if TYPE_CHECKING:
    from torus_mcp.mix.models import MixRunResult
    from torus_mcp.mix.summary import RunDigest

FORMATS = ("text", "json", "github")
KINDS = ("auto", "compile", "test", "format")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", nargs="?", default="-", help="the saved mix output; `-` or nothing reads stdin"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people, json for tools, github for ::error/::warning workflow annotations",
    )
    parser.add_argument(
        "--as",
        dest="kind",
        choices=KINDS,
        default="auto",
        help="which mix command printed the log (default: detect it)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=20,
        help="diagnostics and failures shown in full; the rest are counted (-1: show all; default 20)",
    )


def _read(source: str, stdin: TextIO) -> str:
    if source == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
    else:
        with open(source, "rb") as handle:
            data = handle.read()
    if isinstance(data, bytes):
        # CI logs are not always valid UTF-8; a bad byte must not stop the parse.
        return data.decode("utf-8", errors="replace")
    return data


def run(args: argparse.Namespace) -> int:
    # Imported here so building the CLI parser stays cheap.
    from torus_mcp.mix.parse.scan import parse_mix_output
    from torus_mcp.mix.summary import digest_run, run_has_problems

    stdout: TextIO = getattr(args, "stdout", None) or sys.stdout
    stderr: TextIO = getattr(args, "stderr", None) or sys.stderr
    stdin: TextIO = getattr(args, "stdin", None) or sys.stdin
    source = getattr(args, "file", "-") or "-"
    output_format = getattr(args, "format", "text") or "text"
    kind = getattr(args, "kind", "auto") or "auto"
    limit = getattr(args, "limit", 20)
    if output_format not in FORMATS or kind not in KINDS:
        print(f"parse-mix: unknown --format {output_format!r} or --as {kind!r}", file=stderr)
        return 2
    try:
        text = _read(source, stdin)
    except IsADirectoryError:
        print(
            f"parse-mix: {source} is a directory; give the path of a saved mix log, or - for stdin",
            file=stderr,
        )
        return 2
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            f"parse-mix: cannot read {source}: {reason}. Give the path of a saved mix log, "
            "or - to read it from standard input.",
            file=stderr,
        )
        return 2

    result = parse_mix_output(text, None if kind == "auto" else kind)  # type: ignore[arg-type]

    digest = digest_run(result, limit=limit)
    if output_format == "json":
        stdout.write(digest.model_dump_json(indent=2) + "\n")
    elif output_format == "github":
        _write_github(result, digest, stdout)
    else:
        _write_text(digest, stdout)
    return 1 if run_has_problems(result) else 0


# --- text --------------------------------------------------------------------------------------


def _where(file: str | None, line: int | None, column: int | None) -> str:
    if not file:
        return "(no file)"
    return ":".join(str(part) for part in (file, line, column) if part is not None)


def _top(counts: dict[str, int], n: int = 5) -> str:
    items = list(counts.items())
    text = ", ".join(f"{name} {count}" for name, count in items[:n])
    return text + (f", … {len(items) - n} more" if len(items) > n else "")


def _write_text(digest: RunDigest, out: TextIO) -> None:
    diags = digest.diagnostics
    print(f"mix {digest.command}: {'ok' if digest.ok else 'PROBLEMS'}", file=out)
    if digest.tests is not None:
        s = digest.tests
        extras = [
            f"{value} {label}"
            for value, label in (
                (s.doctests, "doctests"),
                (s.excluded, "excluded"),
                (s.invalid, "invalid"),
                (s.skipped, "skipped"),
            )
            if value
        ]
        seed = f"; seed {digest.seed}" if digest.seed is not None else ""
        print(
            f"tests: {s.tests} tests, {s.failures} failures" + "".join(f", {e}" for e in extras) + seed,
            file=out,
        )
    print(f"compiler: {diags.errors} errors, {diags.warnings} warnings", file=out)
    for diag in diags.shown:
        app = f"[{diag.app}] " if diag.app else ""
        first = diag.message.split("\n", 1)[0]
        print(
            f"  {app}{_where(diag.file, diag.line, diag.column)}: {diag.severity}: {first} [{diag.kind}]",
            file=out,
        )
        for loc in diag.related:
            print(f"      also at {_where(loc.file, loc.line, loc.column)}", file=out)
    if diags.omitted:
        print(f"  … {diags.omitted} more in the log; by file: {_top(diags.by_file)}", file=out)
        print(f"    by kind: {_top(diags.by_kind)}", file=out)
    if digest.failures is not None and digest.failures.total:
        print(f"failures: {digest.failures.total}", file=out)
        for failure in digest.failures.shown:
            module = f" ({failure.module})" if failure.module else ""
            print(
                f"  {_where(failure.file, failure.line, None)}: {failure.name}{module} [{failure.kind}]",
                file=out,
            )
            head = f"** ({failure.exception}) " if failure.exception else ""
            for text in (head + failure.message).splitlines()[:6]:
                print(f"      {text}", file=out)
            for label in ("code", "left", "right"):
                value = getattr(failure, label)
                if value is not None:
                    print(f"      {label}: {value.splitlines()[0] if value else ''}", file=out)
        if digest.failures.omitted:
            print(f"  … {digest.failures.omitted} more in the log", file=out)
    if digest.unformatted_files:
        print("not formatted:", file=out)
        for path in digest.unformatted_files:
            print(f"  {path}", file=out)
    if digest.warnings_as_errors_failed:
        print("warnings-as-errors: the run failed because of warnings", file=out)
    for error in digest.mix_errors:
        print(f"mix error: {error}", file=out)
    for note in digest.notes:
        print(f"note: {note.splitlines()[0]}", file=out)
    if digest.unparsed_lines:
        print(f"({digest.unparsed_lines} lines were not understood; they are in the log)", file=out)


# --- GitHub workflow annotations -----------------------------------------------------------------


def _repo_path(file: str | None, app: str | None) -> str | None:
    # In an umbrella, compiler paths are relative to the child app; annotations need repo paths.
    if file and app and not file.startswith(("apps/", "/")):
        return f"apps/{app}/{file}"
    return file


def _write_github(result: MixRunResult, digest: RunDigest, out: TextIO) -> None:
    compile_part = result.compile or (result.test.compile if result.test else None)
    diagnostics = list(compile_part.diagnostics) if compile_part else []
    if result.format is not None:
        diagnostics = list(result.format.diagnostics)
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    # Every item, not the budget: annotations land on the lines they name.
    for diag in diagnostics:
        for loc in [diag, *diag.related]:
            print(
                workflow_command(
                    levels.get(diag.severity, "warning"),
                    diag.message,
                    f"{diag.kind}" + (f" ({diag.exception})" if diag.exception else ""),
                    _repo_path(loc.file, diag.app),
                    loc.line,
                    loc.column,
                ),
                file=out,
            )
    if result.test is not None:
        for failure in result.test.failures:
            body = (f"** ({failure.exception}) " if failure.exception else "") + failure.message
            for label in ("code", "left", "right"):
                value = getattr(failure, label)
                if value is not None:
                    body += f"\n{label}: {value}"
            title = f"{failure.name}" + (f" ({failure.module})" if failure.module else "")
            print(workflow_command("error", body, title, failure.file, failure.line), file=out)
    if result.format is not None:
        for path in result.format.unformatted_files:
            print(
                workflow_command(
                    "error", "mix format --check-formatted: file is not formatted", "not formatted", path
                ),
                file=out,
            )
    for error in digest.mix_errors:
        print(workflow_command("error", error, "mix"), file=out)
    if digest.warnings_as_errors_failed:
        print(
            workflow_command(
                "error", "The run failed because of warnings (--warnings-as-errors)", "warnings as errors"
            ),
            file=out,
        )
    totals = f"{digest.diagnostics.errors} errors, {digest.diagnostics.warnings} warnings"
    if digest.tests is not None:
        totals += f", {digest.tests.tests} tests, {digest.tests.failures} failures"
    print(f"mix {digest.command}: {totals}", file=out)
