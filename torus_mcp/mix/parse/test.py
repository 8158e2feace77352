"""ExUnit's report out of `mix test` text, Elixir 1.14 to 1.19.

A failure block looks like this (numbers are right-aligned in three columns and are not unique):

       1) test name (MyApp.ModTest)
          test/my_app/mod_test.exs:12
          Assertion with == failed
          code:  assert 1 + 1 == 3
          left:  2
          right: 3
          stacktrace:
            test/my_app/mod_test.exs:13: (test)

`setup_all` failures print `MyApp.ModTest: failure on setup_all callback, all tests have been
invalidated` as the title and no location; doctests print `doctest Mod.fun/1 (2) (ModTest)`.
The summary is `3 doctests, 23 tests, 19 failures, 1 excluded, 2 invalid, 2 skipped` up to 1.18
and `... 2 invalid, 2 skipped (1 excluded)` from 1.19. The seed is printed after the summary
(`Randomized with seed N`) up to 1.16 and before the run (`Running ExUnit with seed: N, ...`)
from 1.17. Whatever `mix test` compiled first is parsed as compiler output.
"""

from __future__ import annotations

import re

from torus_mcp.mix.models import TestFailure, TestSummary

_BODY_INDENT = 5
_LOCATION_RE = re.compile(r"^(?P<file>[^\s:]+\.\w+):(?P<line>\d+)\s*$")
_SETUP_ALL_RE = re.compile(r"^(?P<module>[A-Z][\w.]*): failure on setup_all callback(?:, (?P<rest>.*))?$")
_TITLE_RE = re.compile(r"^(?P<name>.*) \((?P<module>[A-Z][\w.]*)\)\s*$")
_EXCEPTION_RE = re.compile(r"^\*\* \((?P<exc>[^)]*)\)\s?(?P<msg>.*)$")
_FIELD_RE = re.compile(r"^(?P<label>code|left|right|stacktrace):(?: +(?P<value>.*))?$")
_TEST_FILE_FRAME_RE = re.compile(r"^(?P<file>[^\s:()]+\.exs):\d+: ")
_ASSERTION_EXCEPTIONS = {None, "ExUnit.AssertionError", "ExUnit.MultiError"}


def _clean(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def parse_failure_block(
    lines: list[str], i: int, number: int, title: str, app: str | None
) -> tuple[TestFailure, int]:
    """The numbered failure at `lines[i]` and everything indented under it."""
    n = len(lines)
    j = i + 1
    body: list[str] = []
    while j < n:
        line = lines[j]
        if line and not line.startswith("     "):
            break
        body.append(line[_BODY_INDENT:])
        j += 1
    # Blank lines between this block and the next belong to neither.
    while body and not body[-1].strip():
        body.pop()

    kind = "failure"
    module: str | None = None
    name = title.strip()
    setup_all = _SETUP_ALL_RE.match(name)
    if setup_all:
        kind = "setup_all"
        module = setup_all.group("module")
        name = "setup_all"
    else:
        tm = _TITLE_RE.match(name)
        if tm:
            name = tm.group("name")
            module = tm.group("module")
        if name.startswith("doctest "):
            kind = "doctest"

    file: str | None = None
    line_no: int | None = None
    message: list[str] = []
    fields: dict[str, list[str]] = {}
    stacktrace: list[str] = []
    exception: str | None = None
    current: list[str] = message
    k = 0
    if body:
        loc = _LOCATION_RE.match(body[0])
        if loc:
            file = loc.group("file")
            line_no = int(loc.group("line"))
            k = 1
    for text in body[k:]:
        if text[:1] == " " or not text:
            # Continuation of the current field (multi-line code, left, right, frames, messages).
            if current is stacktrace:
                if text.strip():
                    stacktrace.append(text.strip())
            else:
                current.append(text[2:] if current is not message and text.startswith("  ") else text)
            continue
        fm = _FIELD_RE.match(text)
        if fm:
            label = fm.group("label")
            if label == "stacktrace":
                current = stacktrace
                continue
            current = fields.setdefault(label, [])
            value = fm.group("value")
            if value is not None:
                current.append(value)
            continue
        em = _EXCEPTION_RE.match(text) if exception is None and not message else None
        if em:
            exception = em.group("exc")
            message.append(em.group("msg"))
            current = message
            continue
        current = message
        message.append(text)

    if kind == "failure" and exception not in _ASSERTION_EXCEPTIONS:
        kind = "error"
    if file is None and kind == "setup_all":
        # setup_all failures print no location; the module's test file is in the stacktrace.
        for frame in stacktrace:
            fm = _TEST_FILE_FRAME_RE.match(frame)
            if fm:
                file = fm.group("file")
                break
    failure = TestFailure(
        name=name,
        module=module,
        file=file,
        line=line_no,
        kind=kind,  # type: ignore[arg-type]
        message=_clean(message),
        exception=exception,
        code=_clean(fields["code"]) if "code" in fields else None,
        left=_clean(fields["left"]) if "left" in fields else None,
        right=_clean(fields["right"]) if "right" in fields else None,
        stacktrace=stacktrace,
        number=number,
        app=app,
        log_line=i + 1,
    )
    return failure, j


_SUMMARY_LINE_RE = re.compile(r"^\d+ \w+(?:, \d+ \w+)*(?: \((?P<excluded>\d+) excluded\))?\s*$")
_SUMMARY_ITEM_RE = re.compile(r"(\d+) (\w+)")
_SUMMARY_WORDS = {
    "doctest": "doctests",
    "doctests": "doctests",
    "property": "properties",
    "properties": "properties",
    "test": "tests",
    "tests": "tests",
    "failure": "failures",
    "failures": "failures",
    "invalid": "invalid",
    "skipped": "skipped",
    "excluded": "excluded",
}


def parse_summary_line(line: str) -> TestSummary | None:
    """`3 doctests, 23 tests, 19 failures, 1 excluded, 2 invalid, 2 skipped` (or 1.19's
    `... 2 skipped (1 excluded)`); None when the line is not a summary."""
    if not _SUMMARY_LINE_RE.match(line):
        return None
    counts: dict[str, int] = {}
    for number, word in _SUMMARY_ITEM_RE.findall(line):
        key = _SUMMARY_WORDS.get(word)
        if key is None:
            return None
        counts[key] = int(number)
    if "tests" not in counts or "failures" not in counts:
        return None
    return TestSummary(**counts)


_FINISHED_RE = re.compile(r"^Finished in (?P<secs>[\d.]+) seconds?(?: \((?P<detail>[^)]*)\))?")
_LOAD_RE = re.compile(r"([\d.]+)s on load")


def parse_finished_line(line: str) -> tuple[float | None, float | None]:
    """(total seconds, load seconds) from `Finished in 0.1 seconds (0.05s on load, ...)`."""
    m = _FINISHED_RE.match(line)
    if not m:
        return None, None
    try:
        total = float(m.group("secs"))
    except ValueError:
        return None, None
    load = None
    detail = m.group("detail")
    if detail:
        lm = _LOAD_RE.search(detail)
        if lm:
            try:
                load = float(lm.group(1))
            except ValueError:
                load = None
    return total, load


def combine_summaries(summaries: list[TestSummary]) -> TestSummary | None:
    """One summary for an umbrella run (one summary per app): counts added up."""
    if not summaries:
        return None
    if len(summaries) == 1:
        return summaries[0]
    total = TestSummary()
    for field in ("tests", "failures", "excluded", "skipped", "invalid", "doctests", "properties"):
        values = [getattr(s, field) for s in summaries if getattr(s, field) is not None]
        if values:
            setattr(total, field, sum(values))
    durations = [s.duration_seconds for s in summaries if s.duration_seconds is not None]
    total.duration_seconds = round(sum(durations), 6) if durations else None
    total.seed = next((s.seed for s in summaries if s.seed is not None), None)
    return total
