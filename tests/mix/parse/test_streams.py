"""The merged stream and the separate stdout/stderr of a capture must tell the same story.

Warnings go to stderr and ExUnit to stdout; compile errors moved from stdout (1.14) to stderr
(1.15+). A runner reads one merged pipe, but a pasted CI log may hold either stream alone.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.mix.parse.captures import CAPTURES, read_capture
from torus_mcp.mix.parse.scan import scan_log

SPLIT = sorted(
    str(p.relative_to(CAPTURES)).removesuffix(".stdout")
    for p in CAPTURES.rglob("*.stdout")
    if p.with_suffix(".stderr").exists() and p.with_suffix(".combined").exists()
)


def _diagnostic_keys(text: str) -> Counter:
    return Counter(
        (d.file, d.line, d.column, d.severity, d.kind, d.message.split("\n", 1)[0])
        for d in scan_log(text).diagnostics
    )


def _failure_keys(text: str) -> list[tuple]:
    return [(f.number, f.name, f.module, f.file, f.line, f.kind, f.message) for f in scan_log(text).failures]


def test_split_captures_exist_for_every_version() -> None:
    assert {rel.split("/")[0] for rel in SPLIT} == {"1.14", "1.15", "1.16", "1.18"}
    assert len(SPLIT) > 150


@pytest.mark.parametrize("base", SPLIT)
def test_streams_agree_with_the_merged_log(base: str) -> None:
    combined = read_capture(base + ".combined")
    stdout = read_capture(base + ".stdout")
    stderr = read_capture(base + ".stderr")

    assert _diagnostic_keys(stdout) + _diagnostic_keys(stderr) == _diagnostic_keys(combined)
    assert _failure_keys(stdout) == _failure_keys(combined)
    assert _failure_keys(stderr) == []

    merged, out, err = scan_log(combined), scan_log(stdout), scan_log(stderr)
    assert [s.model_dump() for s in out.summaries] == [s.model_dump() for s in merged.summaries]
    assert out.seed == merged.seed
    assert sorted(out.mix_errors + err.mix_errors) == sorted(merged.mix_errors)
    assert (out.compile_wae_failed or err.compile_wae_failed) == merged.compile_wae_failed
    assert (out.test_wae_failed or err.test_wae_failed) == merged.test_wae_failed
    assert out.unformatted_files + err.unformatted_files == merged.unformatted_files


def test_warnings_are_on_stderr_and_exunit_on_stdout() -> None:
    base = "1.18/test_seed0"
    out = scan_log(read_capture(base + ".stdout"))
    err = scan_log(read_capture(base + ".stderr"))
    assert len(out.failures) == 20 and out.summaries
    assert len(err.diagnostics) >= 5 and not err.failures


def test_compile_errors_moved_from_stdout_to_stderr_after_1_14() -> None:
    old_out = scan_log(read_capture("1.14/compile_error_undefined_local_function.stdout"))
    new_err = scan_log(read_capture("1.15/compile_error_undefined_local_function.stderr"))
    assert [d.severity for d in old_out.diagnostics] == ["error"]
    assert [d.severity for d in new_err.diagnostics] == ["error", "error"]
