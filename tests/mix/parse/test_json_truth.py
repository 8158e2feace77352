"""The text parser against the JSON the injected Elixir helpers wrote during the same runs.

`.diagnostics.jsonl` holds Mix's own diagnostics (`compile --return-errors`), `.results.jsonl` the
ExUnit events. Compared per (file, line, severity, start of message) and (file, line, test name,
start of message). On 1.14 Mix also returns the stale warnings of files it did not recompile, which
the text does not print again, so there the text must be a subset of the JSON.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.mix.parse.captures import CAPTURES, read_capture
from torus_mcp.mix.parse.compile import expand_related
from torus_mcp.mix.parse.scan import parse_compile_output, parse_test_output

DIAGNOSTIC_FILES = sorted(str(p.relative_to(CAPTURES)) for p in CAPTURES.rglob("*.diagnostics.jsonl"))
RESULT_FILES = sorted(str(p.relative_to(CAPTURES)) for p in CAPTURES.rglob("*.results.jsonl"))
# 1.14 returns diagnostics of files it did not recompile: the text prints a subset.
SUBSET_ONLY = {
    "1.14/compile_diagnostics_task_error.diagnostics.jsonl",
    "1.14/compile_diagnostics_task_noop.diagnostics.jsonl",
    "1.14/compile_diagnostics_task_syntax_error.diagnostics.jsonl",
}
# A JSON message may carry the exception banner and the path the text gives separately.
_BANNER = re.compile(
    r"^\*\* \([^)]*\) (?:(?:invalid syntax found|token missing|mismatched delimiter found) on \S+:\s*\n\s*"
    r"(?:error: )?)?(?:[^\s:]+\.\w+(?::\d+)*: )?"
)


def _first_line(message: str) -> str:
    return _BANNER.sub("", message.strip()).split("\n", 1)[0].strip()


def _key(file: str | None, line: int | None, severity: str, message: str) -> tuple[str | None, int, str, str]:
    # Mix reports "no line" as 0.
    return (file, line or 0, severity, _first_line(message)[:60])


def test_there_is_json_truth_for_every_version() -> None:
    assert {rel.split("/")[0] for rel in DIAGNOSTIC_FILES} == {"1.14", "1.15", "1.16", "1.18"}
    assert {rel.split("/")[0] for rel in RESULT_FILES} == {"1.14", "1.15", "1.16", "1.18"}


@pytest.mark.parametrize("rel", DIAGNOSTIC_FILES)
def test_text_diagnostics_match_mix_diagnostics(rel: str) -> None:
    truth = [json.loads(line) for line in read_capture(rel).splitlines() if line.strip()]
    result = parse_compile_output(read_capture(rel.replace(".diagnostics.jsonl", ".combined")))
    text_keys = []
    for diag in expand_related(result.diagnostics):
        file = diag.file
        if diag.app and file and not file.startswith("apps/"):
            # Umbrella children print paths relative to themselves; Mix returns them from the root.
            file = f"apps/{diag.app}/{file}"
        text_keys.append(_key(file, diag.line, diag.severity, diag.message))
    json_keys = [_key(d["file"], d["line"], d["severity"], d["message"]) for d in truth]
    if rel in SUBSET_ONLY:
        # A 1.14 no-op compile prints nothing at all (1.15+ replay the stored warnings).
        assert bool(text_keys) == ("noop" not in rel)
        missing = [k for k in text_keys if k not in json_keys]
        assert not missing
        assert len(json_keys) > len(text_keys)
    elif not truth:
        assert text_keys == []
    else:
        assert sorted(text_keys) == sorted(json_keys)


@pytest.mark.parametrize("rel", DIAGNOSTIC_FILES)
def test_columns_agree_where_the_text_prints_them(rel: str) -> None:
    truth = {
        (d["file"], d["line"], _first_line(d["message"])[:60]): d["column"]
        for d in (json.loads(line) for line in read_capture(rel).splitlines() if line.strip())
    }
    result = parse_compile_output(read_capture(rel.replace(".diagnostics.jsonl", ".combined")))
    checked = 0
    for diag in expand_related(result.diagnostics):
        file = f"apps/{diag.app}/{diag.file}" if diag.app else diag.file
        key = (file, diag.line or 0, _first_line(diag.message)[:60])
        if diag.column is not None and key in truth:
            assert truth[key] == diag.column, key
            checked += 1
    if rel.startswith(("1.16", "1.18")) and "noop" not in rel and "syntax" not in rel:
        assert checked > 0, "1.16+ print columns; some must have been compared"


def _events(rel: str) -> list[dict]:
    return [json.loads(line) for line in read_capture(rel).splitlines() if line.strip()]


@pytest.mark.parametrize("rel", RESULT_FILES)
def test_text_failures_match_exunit_events(rel: str) -> None:
    events = _events(rel)
    finished = [e for e in events if e["event"] == "test_finished"]
    failed = [e for e in finished if e["status"] == "failed"]
    result = parse_test_output(read_capture(rel.replace(".results.jsonl", ".combined")))
    if "ERL_FLAGS_pa" in rel:
        # That run replaced the CLI formatter with the JSON one: the text has no test report.
        assert result.failures == [] and result.summary is None
        assert len(failed) == 19
        return

    text = sorted((f.file, f.line, f.name) for f in result.failures if f.kind != "setup_all")
    truth = sorted((e["file"], e["line"], e["name"]) for e in failed)
    assert text == truth

    by_test = {(e["file"], e["line"], e["name"]): e for e in failed}
    for failure in result.failures:
        if failure.kind == "setup_all":
            continue
        event = by_test[(failure.file, failure.line, failure.name)]
        first = event["failures"][0]
        # `EXIT from #PID<...>: an exception was raised:` in JSON is `** (EXIT from #PID<...>) an
        # exception was raised:` in the text: the text keeps the banner apart.
        assert failure.message.split("\n")[0][:30] in first["message"]
        exception = first["exception"].lstrip(":")
        if failure.exception is not None:
            assert failure.exception.startswith(exception.split(" ")[0])
        if failure.kind == "doctest":
            assert event["test_type"] == "doctest"

    module_failed = sorted(e["module"] for e in events if e["event"] == "module_failed")
    assert sorted(f.module for f in result.failures if f.kind == "setup_all") == module_failed
    assert {f.file for f in result.failures if f.kind == "setup_all"} == {
        e["file"] for e in events if e["event"] == "module_failed"
    }

    summary = result.summary
    assert summary is not None
    assert summary.invalid == sum(1 for e in finished if e["status"] == "invalid")
    assert summary.skipped == sum(1 for e in finished if e["status"].startswith("skipped"))
    assert summary.excluded == sum(1 for e in finished if e["status"].startswith("excluded"))
    assert summary.doctests == sum(1 for e in finished if e["test_type"] == "doctest")
    assert summary.tests + summary.doctests == len(finished)
    assert summary.failures == len(failed)
    started = next(e for e in events if e["event"] == "suite_started")
    assert result.seed == started["seed"]
