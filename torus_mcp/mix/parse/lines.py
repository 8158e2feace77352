"""Plain lines out of terminal output, and what kind of block a line starts.

Elixir colours output under a terminal, with `mix test --color`, and always around the file names of
`mix format --check-formatted` (1.15+). `mix test --trace` rewrites its progress line with a lone
`\\r`, and a pseudo-terminal turns every `\\n` into `\\r\\n`. The parsers only ever see the result
of `clean_lines`, and they recognise the start of every block with one regex (`LINE_KIND`) so a
line costs a single match.
"""

from __future__ import annotations

import re

# CSI sequences (colours, cursor moves, erase line), OSC sequences (titles, hyperlinks) and
# character-set switches. Anything else starting with ESC is rare and harmless, so it stays.
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]")


def strip_ansi(text: str) -> str:
    """Remove ANSI escape sequences."""
    if "\x1b" not in text:
        return text
    return _ANSI_RE.sub("", text)


def _last_overwrite(line: str) -> str:
    # A lone "\r" returns the cursor to column 0 and the next text overwrites the line: what a
    # reader saw is the last non-empty segment.
    for segment in reversed(line.split("\r")):
        if segment:
            return segment
    return ""


def clean_lines(text: str) -> list[str]:
    """Split terminal output into lines without ANSI codes or carriage returns.

    A final newline does not produce an empty last line.
    """
    text = strip_ansi(text)
    has_cr = "\r" in text
    if has_cr:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if has_cr and "\r" in text:
        lines = [_last_overwrite(line) if "\r" in line else line for line in lines]
    return lines


# Severity words Elixir prints before a diagnostic. `hint:` is not one: it continues a diagnostic.
SEVERITY_WORDS = {
    "warning": "warning",
    "error": "error",
    "info": "info",
    "information": "info",
    "notice": "info",
}

# The start of every block the parsers understand, as one alternation tried with `match` on each
# top-level line; `m.lastgroup` names the block. Order matters where prefixes overlap.
LINE_KIND = re.compile(
    r"""
    (?P<diag>(?P<diag_indent>\ {4}|)(?P<sev>warning|error|information|info|notice):(?:\ (?P<diag_msg>.*))?$)
   |(?P<umbrella>==>\ (?P<app>\S+)\s*$)
   |(?P<comperr>==\ Compilation\ error\ in\ file\ (?P<cfile>.+?)(?::(?P<cline>\d+))?\ ==\s*$)
   |(?P<exception>\*\*\ \()
   |(?P<failure>\ {0,3}(?P<fnum>\d+)\)\ (?P<ftitle>.+)$)
   |(?P<summary>\d+\ (?:doctests?|propert(?:y|ies)|tests?),\ )
   |(?P<logger>\d\d:\d\d:\d\d(?:\.\d+)?\ \[\w+\]|\[(?:error|warning|warn|info|debug|notice|critical|alert|emergency)\]\ )
   |(?P<erlang>(?P<efile>[^\s:]+\.(?:erl|hrl|yrl|xrl|ex|exs|eex|heex|leex)):(?P<eline>\d+):(?:(?P<ecol>\d+):)?\ (?P<erest>.*)$)
   |(?P<progress>[.*?F]+\s*$)
   |(?P<compiling>Compiling\ |Compiled\ |Generated\ \S+\ app|Consolidated\ |Enabled\ compilers:)
   |(?P<wae>Compilation\ failed\ due\ to\ warnings)
   |(?P<deadlock>Compilation\ failed\ because\ of\ a\ deadlock)
   |(?P<finished>Finished\ in\ (?P<secs>[\d.]+)\ seconds?)
   |(?P<seed>Randomized\ with\ seed\ (?P<seed_n>\d+))
   |(?P<running>Running\ ExUnit\ with\ seed:\ (?P<run_seed>\d+))
   |(?P<tags>(?:Ex|In)cluding\ tags:\ )
   |(?P<trace>\ \ \*\ |\S+\ \[\S+\.exs\]\s*$)
   |(?P<slowest>Top\ \d+\ slowest)
   |(?P<max_failures>--max-failures\ reached)
   |(?P<no_tests>Paths\ given\ to\ "mix\ test"\ did\ not\ match|The\ --only\ option\ was\ given|There\ are\ no\ tests\ to\ run|All\ tests\ have\ been\ excluded)
   |(?P<test_wae>ERROR!\ Test\ suite\ aborted)
   |(?P<format>The\ following\ files\ are\ not\ formatted:|mix\ format\ failed\ for\ file:\ (?P<format_file>.+)$)
   |(?P<deps>Unchecked\ dependencies\ for|Could\ not\ find\ Hex|Could\ not\ compile\ :|\*\ Getting\ |\*\ Updating\ |Resolving\ Hex|All\ dependencies\ are\ up\ to\ date|Waiting\ for\ lock\ on\ the\ )
    """,
    re.VERBOSE,
)

# Blocks whose start ends the free-text message of a column-0 (1.14/1.15 layout) diagnostic.
BLOCK_STARTS = frozenset(
    {
        "diag",
        "umbrella",
        "comperr",
        "exception",
        "failure",
        "summary",
        "logger",
        "erlang",
        "compiling",
        "wae",
        "deadlock",
        "finished",
        "seed",
        "running",
        "tags",
        "slowest",
        "max_failures",
        "no_tests",
        "test_wae",
        "format",
        "deps",
        "progress",
        "trace",
    }
)


def starts_block(line: str) -> bool:
    """True when `line` begins a block of its own (so it cannot continue a message)."""
    m = LINE_KIND.match(line)
    return m is not None and m.lastgroup in BLOCK_STARTS
