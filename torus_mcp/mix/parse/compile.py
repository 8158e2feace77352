"""Compiler diagnostics out of `mix compile` text, Elixir 1.14 to 1.19.

Layouts handled (all after `clean_lines`):

- 1.14/1.15: `warning: MESSAGE` (column 0, message may span lines) then one or more location
  lines `  lib/x.ex:13: Mod.fun/1` (`Invalid call found at 2 locations:` before several).
  1.15 adds `error: MESSAGE` for errors and replays stored warnings without the `Mod.fun/1` part.
- 1.16+: `    warning: MESSAGE` (indented 4), a code snippet with `│` gutters, then one or more
  `    └─ lib/x.ex:13:5: Mod.fun/1` lines; a few warnings print at column 0 without a snippet.
- Erlang: `src/x.erl:4:3: Warning: MESSAGE` followed by `%` snippet lines (and the 1.15+ replay
  `src/x.erl:4:3: warning: MESSAGE`).
- `== Compilation error in file lib/x.ex ==` followed by `** (CompileError) ...`,
  `** (SyntaxError) ...`, `TokenMissingError`, `MismatchedDelimiterError`, or any exception raised
  in a module body, with its stacktrace.

The block functions here take the cleaned lines and an index and return what they understood
plus the index after the block; `scan.scan_log` calls them as it meets each block.
"""

from __future__ import annotations

import re

from torus_mcp.mix.models import Diagnostic, Location
from torus_mcp.mix.parse.kinds import diagnostic_kind
from torus_mcp.mix.parse.lines import SEVERITY_WORDS, starts_block

# --- locations ---------------------------------------------------------------------------------

# `lib/x.ex:13:5: Mod.fun/1`, `lib/x.ex:13`, `(for doctest at) lib/x.ex: Mod.fun/1`, `nofile:2:3`.
_LOC_TEXT = (
    r"(?:\(for doctest at\) )?"
    r"(?P<file>(?:[A-Za-z]:)?[^\s:]+)"
    r"(?::(?P<line>\d+))?(?::(?P<col>\d+))?"
    r"(?:: (?P<ctx>.*?))?\s*$"
)
_TREE_LOC_RE = re.compile(r"\s*└─ " + _LOC_TEXT)
# The 1.14/1.15 location line: exactly two spaces, a path with an extension (or nofile), a line.
_INDENT_LOC_RE = re.compile(
    r"  (?:\(for doctest at\) )?(?P<file>(?:[A-Za-z]:)?[^\s:]*\.\w+|nofile):(?P<line>\d+)"
    r"(?::(?P<col>\d+))?(?:: (?P<ctx>.*?))?\s*$"
)
# Snippet lines of the 1.16+ layout (`    │ ...`, ` 13 │ ...`, ` ...`) and of 1.15 syntax errors.
_SNIPPET_RE = re.compile(r"\s*(?:\d+ )?[│|](?: |$)|\s*\.\.\.\s*$")
# Lines that say where the locations follow; they are layout, not message.
_LOCATION_INTRO_RE = re.compile(
    r"^(?:Invalid call found at \d+ locations:|typing violation found at:|Conflict found at)\s*$"
)


# A location as parsed: (file, line, column, context). Plain tuples keep the hot loop cheap; only
# the extra locations of a multi-location warning become `Location` models.
LocTuple = tuple[str | None, int | None, int | None, str | None]


def _location(m: re.Match[str]) -> LocTuple:
    file, line, col, ctx = m.group("file", "line", "col", "ctx")
    return (file, int(line) if line else None, int(col) if col else None, ctx or None)


def _finish_message(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _LOCATION_INTRO_RE.match(lines[-1].strip()):
        lines.pop()
        while lines and not lines[-1].strip():
            lines.pop()
    return "\n".join(lines)


def _diagnostic(
    severity: str,
    message: str,
    locations: list[LocTuple],
    *,
    app: str | None,
    log_line: int,
    exception: str | None = None,
    compiler: str | None = "elixir",
    file: str | None = None,
    kind: str | None = None,
) -> Diagnostic:
    primary = locations[0] if locations else (file, None, None, None)
    related = [Location(file=f, line=ln, column=c, context=x) for f, ln, c, x in locations[1:]]
    return Diagnostic(
        severity=severity,  # type: ignore[arg-type]
        message=message,
        file=primary[0],
        line=primary[1],
        column=primary[2],
        kind=kind or diagnostic_kind(message, exception),
        context=primary[3],
        related=related,
        exception=exception,
        compiler=compiler,
        app=app,
        log_line=log_line,
    )


# --- blocks ------------------------------------------------------------------------------------

_DIAG_HEADER_RE = re.compile(r" {4}(?:warning|error|information|info|notice):(?: |$)")


def parse_diagnostic_block(
    lines: list[str], i: int, indent: int, severity_word: str, first: str, app: str | None
) -> tuple[Diagnostic, int]:
    """`warning: ...` / `error: ...` at `lines[i]` (indent 0 or 4) up to its last location line."""
    n = len(lines)
    pad = " " * indent
    message = [first]
    locations: list[LocTuple] = []
    j = i + 1
    blanks = 0
    while j < n:
        line = lines[j]
        if not line:
            blanks += 1
            # Two blank lines in a row end a location-less diagnostic in every layout.
            if blanks >= 2:
                break
            message.append("")
            j += 1
            continue
        blanks = 0
        head = line[:12]
        if "└─" in head:
            m = _TREE_LOC_RE.match(line)
            if m:
                while m:
                    locations.append(_location(m))
                    j += 1
                    m = _TREE_LOC_RE.match(lines[j]) if j < n else None
                # 1.16+ may print hints after the locations; they belong to this diagnostic.
                hint = pad + "hint: "
                while j < n and lines[j].startswith(hint):
                    message.append(lines[j][indent:])
                    j += 1
                    while j < n and lines[j].startswith(pad + "  ") and lines[j].strip():
                        message.append(lines[j][indent:])
                        j += 1
                break
        # A box-drawing gutter in the first columns is a 1.16+ snippet line; `|` (1.15) and ` ...`
        # (elided lines) need the regex.
        if "│" in head or (("|" in head or "..." in head) and _SNIPPET_RE.match(line)):
            j += 1
            continue
        if indent:
            if not line.startswith(pad):
                break
            # At this indent only another diagnostic can start a new block.
            if line[indent : indent + 1] in ("w", "e", "i", "n") and _DIAG_HEADER_RE.match(line):
                break
            message.append(line[indent:])
        else:
            if line.startswith("  ") and line[2:3] not in (" ", ""):
                m = _INDENT_LOC_RE.match(line)
                if m:
                    while j < n:
                        m = _INDENT_LOC_RE.match(lines[j])
                        if not m:
                            break
                        locations.append(_location(m))
                        j += 1
                    break
            if starts_block(line):
                break
            message.append(line)
        j += 1
    severity = SEVERITY_WORDS.get(severity_word, "warning")
    diag = _diagnostic(severity, _finish_message(message), locations, app=app, log_line=i + 1)
    return diag, j


def parse_erlang_diagnostic(
    lines: list[str], i: int, m: re.Match[str], app: str | None
) -> tuple[Diagnostic | None, int]:
    """`src/x.erl:4:3: Warning: ...` plus its `%` snippet lines; None when it is not one."""
    rest = m.group("erest")
    file = m.group("efile")
    low = rest[:12].lower()
    if low.startswith("warning: "):
        severity, message = "warning", rest[9:]
    elif low.startswith("error: "):
        severity, message = "error", rest[7:]
    elif file.endswith((".erl", ".hrl", ".yrl", ".xrl")):
        # Erlang prints errors with no severity word: `src/x.erl:3:1: syntax error before: ...`.
        severity, message = "error", rest
    else:
        return None, i
    j = i + 1
    n = len(lines)
    while j < n and lines[j].startswith("%"):
        j += 1
    col = m.group("ecol")
    loc: LocTuple = (file, int(m.group("eline")), int(col) if col else None, None)
    compiler = "erlang" if file.endswith((".erl", ".hrl", ".yrl", ".xrl")) else "elixir"
    return _diagnostic(severity, message, [loc], app=app, log_line=i + 1, compiler=compiler), j


# `** (SyntaxError) invalid syntax found on lib/x.ex:6:1:` (1.16+): the real message follows.
_FOUND_ON_RE = re.compile(
    r"^(?:invalid syntax found|token missing|mismatched delimiter found) on "
    r"(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+):\s*$"
)
# `lib/x.ex:3:7: message` (1.14/1.15), `lib/x.ex: message` (1.15+ "errors have been logged").
_FILE_PREFIX_RE = re.compile(r"^(?P<file>[^\s:]+\.\w+)(?::(?P<line>\d+))?(?::(?P<col>\d+))?: (?P<msg>.*)$")
# A stacktrace frame: `    (elixir 1.14.0) lib/x.ex:12: fun`, `    lib/x.ex:2: (module)`,
# `    :erlang.map_get(:nope, %{})`, `    (for doctest at) lib/x.ex:17: (test)`.
_FRAME_RE = re.compile(
    r"^ {4}(?:\([a-z_]\w* [\w.+-]+\) \S|(?:\(for doctest at\) )?[^\s:│|└]+:\d+: |:[a-z_]\w*\.|[A-Z][\w.]*\.\S+\()"
)
_FRAME_LOC_RE = re.compile(r"(?:\) )?(?P<file>[^\s:()]+\.\w+):(?P<line>\d+)(?::(?P<col>\d+))?: ")
_EXCEPTION_HEAD_RE = re.compile(r"\*\* \((?P<exc>[^)]*)\)\s?(?P<rest>.*)$")
_DIAG_INDENTED_RE = re.compile(r" {4}(?:warning|error): ")


def read_exception_block(lines: list[str], i: int) -> tuple[str, str, list[str], list[str], int]:
    """`** (Name) text` at `lines[i]` and its indented continuation.

    Returns (exception name, rest of the first line, body lines, stacktrace frames, next index).
    """
    m = _EXCEPTION_HEAD_RE.match(lines[i])
    exc = m.group("exc") if m else ""
    rest = m.group("rest") if m else lines[i]
    body: list[str] = []
    frames: list[str] = []
    n = len(lines)
    j = i + 1
    while j < n:
        line = lines[j]
        if not line:
            # A blank line followed by a new diagnostic ends the block (1.15+ errors logged
            # before the slogan belong to other files).
            k = j
            while k < n and not lines[k]:
                k += 1
            if k >= n or lines[k][0] != " " or _DIAG_INDENTED_RE.match(lines[k]):
                j = k
                break
            body.append("")
            j += 1
            continue
        if line[0] != " ":
            break
        if _FRAME_RE.match(line):
            frames.append(line.strip())
        else:
            body.append(line)
        j += 1
    return exc, rest, body, frames, j


def _exception_message(rest: str, body: list[str]) -> tuple[str, LocTuple | None, list[LocTuple]]:
    """Message text and the location it names, from an exception block."""
    found = _FOUND_ON_RE.match(rest)
    locations: list[LocTuple] = []
    loc: LocTuple | None = None
    lines: list[str] = []
    if found:
        loc = (found.group("file"), int(found.group("line")), int(found.group("col")), None)
    else:
        fm = _FILE_PREFIX_RE.match(rest)
        if fm:
            line = fm.group("line")
            col = fm.group("col")
            loc = (fm.group("file"), int(line) if line else None, int(col) if col else None, None)
            rest = fm.group("msg")
        lines.append(rest.strip())
    for raw in body:
        if "└─" in raw[:12]:
            m = _TREE_LOC_RE.match(raw)
            if m:
                locations.append(_location(m))
                continue
        if _SNIPPET_RE.match(raw):
            continue
        text = raw[4:] if raw.startswith("    ") else raw.strip()
        if found and not lines and text.startswith("error: "):
            text = text[7:]
        lines.append(text)
    return _finish_message(lines), loc, locations


def parse_exception_diagnostic(
    lines: list[str], i: int, app: str | None, file: str | None = None, line: int | None = None
) -> tuple[Diagnostic, int]:
    """An error diagnostic from `** (Name) ...` at `lines[i]`, after a compilation-error slogan
    (`file`, `line` come from the slogan) or on its own."""
    exc, rest, body, frames, j = read_exception_block(lines, i)
    message, loc, tree_locs = _exception_message(rest, body)
    if loc is None and tree_locs:
        loc = tree_locs[0]
    if loc is None or loc[0] is None:
        loc = (file, line, None, None)
    if loc[1] is None and loc[0] is not None and exc != "CompileError":
        # An exception raised in a module body names its line only in the stacktrace.
        target = loc[0]
        for frame in frames:
            fm = _FRAME_LOC_RE.search(frame)
            if fm and fm.group("file") == target:
                loc = (fm.group("file"), int(fm.group("line")), None, None)
                break
    if loc[1] is None and line is not None:
        loc = (loc[0], line, None, None)
    diag = _diagnostic(
        "error",
        message or exc,
        [loc],
        app=app,
        log_line=i + 1,
        exception=exc or None,
        file=file,
    )
    if frames:
        diag.stacktrace = frames
    return diag, j


def expand_related(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per location: the shape Mix's own diagnostics (and the JSON helper) have.

    The text of 1.14+ prints a warning found at several places once, with all its locations; this
    splits it so the two sources can be compared one to one.
    """
    out: list[Diagnostic] = []
    for diag in diagnostics:
        if not diag.related:
            out.append(diag)
            continue
        out.append(diag.model_copy(update={"related": []}))
        for loc in diag.related:
            out.append(
                diag.model_copy(
                    update={
                        "file": loc.file,
                        "line": loc.line,
                        "column": loc.column,
                        "end_line": loc.end_line,
                        "end_column": loc.end_column,
                        "context": loc.context,
                        "related": [],
                    }
                )
            )
    return out
