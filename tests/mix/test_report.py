"""`report_run`: the one shape of a mix run that the tools return and the compile/test commands print."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import anyio
import pytest
from mcp import Client

from tests.mix.parse.captures import read_capture
from torus_mcp.commands import compile as compile_command
from torus_mcp.mix.models import MixRun
from torus_mcp.mix.parse.scan import parse_test_output
from torus_mcp.mix.summary import MixReport, digest_run, report_run
from torus_mcp.server import create_server

# Fields that differ between two runs of the same build.
RUN_FIELDS = ("run_id", "log_uri", "log_path", "duration_seconds")


def _run(**fields: object) -> MixRun:
    test = parse_test_output(read_capture("1.18/test_seed0.combined"))
    return MixRun(command="test", test=test, exit_code=2, **fields)  # type: ignore[arg-type]


def test_a_report_is_the_digest_plus_the_run_id_the_source_and_the_fallback_reason() -> None:
    run = _run(run_id="20250101T120000123456-abcdef", structured_source="json", log_uri="torus://x")
    report = report_run(run, limit=2)
    assert (
        report.model_dump(exclude={"run_id", "source", "fallback_reason"})
        == digest_run(run, limit=2).model_dump()
    )
    assert (report.run_id, report.source, report.fallback_reason) == (run.run_id, "json", None)
    assert report.failures is not None and len(report.failures.shown) == 2
    fallback = report_run(_run(structured_source="text", fallback_reason="not requested"))
    assert (fallback.run_id, fallback.source, fallback.fallback_reason) == (None, "text", "not requested")


def test_the_report_keeps_the_output_schema_the_tools_always_had() -> None:
    schema = MixReport.model_json_schema()
    assert schema["title"] == "MixToolResult" and "description" not in schema
    assert list(schema["properties"])[-3:] == ["run_id", "source", "fallback_reason"]


def _without_run_fields(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if key not in RUN_FIELDS}


@pytest.mark.mix
def test_the_compile_command_prints_as_json_what_the_mix_compile_tool_returns(
    built_projects: dict[str, Path],
) -> None:
    root = built_projects["compile_error_app"]
    parser = argparse.ArgumentParser()
    parser.add_argument("--root")
    compile_command.add_arguments(parser)
    args = parser.parse_args(["--root", str(root), "--format", "json", "--limit", "5"])
    args.stdout, args.stderr = io.StringIO(), io.StringIO()
    assert compile_command.run(args) == 1
    printed = json.loads(args.stdout.getvalue())

    async def call_tool() -> dict | None:
        async with Client(create_server(str(root), cwd=root), mode="legacy", cache=None) as client:
            return (await client.call_tool("mix_compile", {"limit": 5})).structured_content

    returned = anyio.run(call_tool)
    assert returned is not None and returned["diagnostics"]["errors"] == 1
    # The same fields in the same order; the command has always called `source` structured_source.
    assert list(printed) == ["structured_source" if key == "source" else key for key in returned]
    returned["structured_source"] = returned.pop("source")
    assert _without_run_fields(printed) == _without_run_fields(returned)
