"""`mix format --check-formatted` output.

1.14 lists the files (`  * lib/x.ex`); 1.15+ print each file's absolute path (in bright red even
when piped) followed by a diff:

    ** (Mix) mix format failed due to --check-formatted.
    The following files are not formatted:

    /home/me/app/lib/badly_formatted.ex

    1 1  |defmodule Bad do
    2   -|  def f(a,b),   do: a+b
      2 +|  def f(a, b), do: a + b
         |

A file mix format cannot parse prints `mix format failed for file: lib/x.ex` and the exception;
that becomes an error diagnostic.
"""

from __future__ import annotations

import re

from torus_mcp.mix.parse.lines import starts_block

CHECK_FAILED_TEXT = "mix format failed due to --check-formatted"
_LISTED_FILE_RE = re.compile(r"^ {2}\* (?P<file>\S.*?)\s*$")
_DIFF_LINE_RE = re.compile(r"^[ \d]*[ +-]?\|")


def parse_unformatted_files(lines: list[str], i: int) -> tuple[list[str], dict[str, str], int]:
    """Files (and their diffs, 1.15+) after `The following files are not formatted:` at `lines[i]`."""
    files: list[str] = []
    diffs: dict[str, list[str]] = {}
    current: str | None = None
    n = len(lines)
    j = i + 1
    while j < n:
        line = lines[j]
        if not line.strip():
            j += 1
            continue
        listed = _LISTED_FILE_RE.match(line)
        if listed:
            current = listed.group("file")
            files.append(current)
        elif _DIFF_LINE_RE.match(line):
            if current is not None:
                diffs.setdefault(current, []).append(line)
        elif line[0] != " " and not starts_block(line) and "** (" not in line:
            current = line.strip()
            files.append(current)
        else:
            break
        j += 1
    return files, {f: "\n".join(d).rstrip() for f, d in diffs.items()}, j
