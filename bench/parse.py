"""Parser benchmarks: throughput against a bare baseline, and context economy.

Run: `python bench/parse.py` (prints numbers, never fails).

1. Throughput: a generated 100k-line mix log (1.14- and 1.16+-layout warnings, compile errors,
   ExUnit failures, umbrella headers) parsed by `parse_mix_output`, against a baseline loop that
   only splits the text into lines and matches one location regex per line. Both run in this
   process, interleaved, several times; the median ratio is printed (target: <= 3).
2. Context economy: bytes of the budgeted JSON result (what a tool returns) against bytes of the
   raw log, for a build with 300 warnings (target: <= 10%), with every warning still counted.
"""

from __future__ import annotations

import gc
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from torus_mcp.mix.parse.scan import parse_mix_output
from torus_mcp.mix.summary import digest_run

TARGET_LINES = 100_000
REPETITIONS = 7

_LOCATION_RE = re.compile(r"([^\s:]+\.exs?):(\d+)(?::(\d+))?")

_WARNING_114 = """warning: variable "x{n}" is unused (if the variable is not meant to be used, prefix it with an underscore)
  lib/app/mod_{m}.ex:{line}: App.Mod{m}.fun_{n}/1
"""
_WARNING_116 = """    warning: variable "y{n}" is unused (if the variable is not meant to be used, prefix it with an underscore)
    │
 {line} │     y{n} = compute({n})
    │     ~~
    │
    └─ lib/app/mod_{m}.ex:{line}:5: App.Mod{m}.fun_{n}/1
"""
_MULTI_116 = """    warning: Missing.call/0 is undefined (module Missing is not available or is yet to be defined)
    │
 {line} │   def f{n}, do: Missing.call()
    │                 ~
    │
    └─ lib/app/mod_{m}.ex:{line}:17: App.Mod{m}.f{n}/0
    └─ lib/app/mod_{m}.ex:{line2}:17: App.Mod{m}.g{n}/0
"""
_TYPE_WARNING = """    warning: incompatible types given to Kernel.+/2:

        1 + :a{n}

    given types:

        integer(), -:a{n}-

    typing violation found at:
    │
 {line} │   def bad{n}, do: 1 + :a{n}
    │                   ~
    │
    └─ lib/app/mod_{m}.ex:{line}:19: App.Mod{m}.bad{n}/0
"""
_ERROR_BLOCK = """    error: undefined variable "z{n}"
    │
 {line} │     a + z{n}
    │         ^^
    │
    └─ lib/app/err_{m}.ex:{line}:9: App.Err{m}.f/1


== Compilation error in file lib/app/err_{m}.ex ==
** (CompileError) lib/app/err_{m}.ex: cannot compile module App.Err{m} (errors have been logged)

"""
_FAILURE = """
 {n}) test case {n} does the thing (App.Mod{m}Test)
     test/app/mod_{m}_test.exs:{line}
     Assertion with == failed
     code:  assert App.Mod{m}.fun_{n}(1) == 2
     left:  1
     right: 2
     stacktrace:
       test/app/mod_{m}_test.exs:{line2}: (test)

"""
_SUMMARY = """Finished in 1.2 seconds (0.5s async, 0.7s sync)
{tests} tests, {failures} failures

Randomized with seed 1234
"""


def generate_log(target_lines: int = TARGET_LINES) -> str:
    """A mixed mix log of about `target_lines` lines."""
    parts: list[str] = []
    lines = 0
    n = 0
    failures = 0
    while lines < target_lines:
        n += 1
        m = n % 97
        line = 10 + n % 400
        if n % 200 == 0:
            parts.append(f"==> app_{n // 200}\nCompiling 12 files (.ex)\n")
            lines += 2
        choice = n % 10
        if choice < 3:
            block = _WARNING_114
        elif choice < 6:
            block = _WARNING_116
        elif choice == 6:
            block = _MULTI_116
        elif choice == 7:
            block = _TYPE_WARNING
        elif choice == 8 and n % 50 == 8:
            block = _ERROR_BLOCK
        else:
            block = _FAILURE
            failures += 1
        text = block.format(n=n, m=m, line=line, line2=line + 3)
        if block is not _FAILURE and block is not _ERROR_BLOCK:
            text += "\n"  # the blank line between diagnostics
        parts.append(text)
        lines += text.count("\n")
    parts.append(_SUMMARY.format(tests=failures * 3, failures=failures))
    return "".join(parts)


def baseline(text: str) -> int:
    """Split into lines and match one location regex per line: the floor any parser pays."""
    found = 0
    search = _LOCATION_RE.search
    for line in text.splitlines():
        if search(line):
            found += 1
    return found


def _time(fn, arg) -> float:
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def throughput() -> None:
    text = generate_log()
    line_count = text.count("\n")
    result = parse_mix_output(text)
    test = result.test
    assert test is not None
    print(f"generated log: {line_count} lines, {len(text) / 1e6:.1f} MB")
    print(
        f"parsed: {len(test.compile.diagnostics)} diagnostics ({test.compile.errors} errors), "
        f"{len(test.failures)} failures, unparsed lines: {test.unparsed_lines}"
    )
    ratios = []
    parse_times = []
    base_times = []
    for _ in range(REPETITIONS):
        # Baseline before and after each parse: load on the machine drifts during the run.
        gc.collect()
        b = _time(baseline, text)
        p = _time(parse_mix_output, text)
        b2 = _time(baseline, text)
        base = (b + b2) / 2
        ratios.append(p / base)
        parse_times.append(p)
        base_times.append(base)
    print(
        f"throughput: parse_mix_output median {statistics.median(parse_times) * 1000:.0f} ms, "
        f"baseline median {statistics.median(base_times) * 1000:.0f} ms"
    )
    print(f"throughput ratio (median of {REPETITIONS}): {statistics.median(ratios):.2f}x  (target <= 3)")


def context_economy(warnings: int = 300) -> None:
    parts = ["Compiling 120 files (.ex)\n"]
    for n in range(warnings):
        m = n % 40
        block = (_WARNING_116, _TYPE_WARNING, _MULTI_116, _WARNING_114)[n % 4]
        parts.append(block.format(n=n, m=m, line=10 + n % 300, line2=13 + n % 300) + "\n")
    parts.append("Generated app app\n")
    raw = "".join(parts)
    result = parse_mix_output(raw)
    assert result.compile is not None
    digest = digest_run(result)
    budgeted = digest.model_dump_json(exclude_none=True)
    full = digest.model_dump_json()
    raw_bytes = len(raw.encode())
    print(
        f"context economy: {warnings} warnings, raw log {raw_bytes} bytes; "
        f"budgeted result {len(budgeted.encode())} bytes ({len(budgeted.encode()) / raw_bytes:.1%}, "
        f"target <= 10%); with null fields {len(full.encode())} bytes ({len(full.encode()) / raw_bytes:.1%})"
    )
    counted = json.loads(budgeted)["diagnostics"]
    print(
        f"  counted: total={counted['total']} warnings={counted['warnings']} shown={len(counted['shown'])} "
        f"omitted={counted['omitted']} (every omitted one has a log_line in the full result)"
    )


def main() -> int:
    throughput()
    context_economy()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
