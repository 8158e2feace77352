"""mix compile / test / format as tools: parsed, token-budgeted results, progress, full logs as resources."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from torus_mcp.mix.summary import MixReport
from torus_mcp.server.doc_tools import client_roots_parameter
from torus_mcp.server.errors import resource_errors, tool_errors
from torus_mcp.server.state import ServerState

if TYPE_CHECKING:
    from torus_mcp.mix.operations import TestSelection

EnvArg = Annotated[
    dict[str, str] | None,
    Field(
        description='Extra environment for mix, e.g. {"MIX_ENV": "test"}; only variables on the project\'s '
        "allowlist (.torus-mcp.toml [mix] env_allowlist, MIX_ENV by default) are accepted"
    ),
]
LimitArg = Annotated[
    int,
    Field(ge=1, le=200, description="How many diagnostics/failures to show inline (totals are always exact)"),
]
LOG_RESOURCE_BYTES = 10 * 1024 * 1024
LOG_HEAD_BYTES = 1024 * 1024
LOG_TAIL_BYTES = 8 * 1024 * 1024
RUN = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


def _progress(ctx: Context):
    async def report(event) -> None:
        await ctx.report_progress(event.progress, event.total, event.message)

    return report


def _check_selection(root: Path, selection: "TestSelection") -> None:
    """Refuse a path, tag or number mix would misread before anything runs.

    The domain check raises a plain ValueError, which the tool layer would otherwise turn into an
    unexplained internal error.
    """
    try:
        selection.arguments(Path(root).resolve())
    except ValueError as exc:
        raise ToolError(str(exc)) from exc


def _mix_errors():
    from torus_mcp.mix.run.preflight import MixPreflightError
    from torus_mcp.mix.run.runs import RunNotFoundError
    from torus_mcp.mix.run.settings import MixEnvError, MixSettingsError

    return (MixPreflightError, MixEnvError, MixSettingsError, RunNotFoundError)


def register_mix_tools(server: MCPServer, state: ServerState) -> None:
    ClientRoots = client_roots_parameter(state)

    @server.tool(annotations=RUN)
    async def mix_compile(
        ctx: Context,
        force: Annotated[bool, Field(description="Recompile everything (mix compile --force)")] = False,
        warnings_as_errors: Annotated[
            bool,
            Field(
                description="Fail on any warning, as Torus CI does (mix compile --warnings-as-errors). Use true "
                "before declaring a phase done."
            ),
        ] = False,
        env: EnvArg = None,
        limit: LimitArg = 20,
        roots: ClientRoots = None,
    ) -> MixReport:
        """Run `mix compile` in the project root and return its diagnostics as data: file, line, column,
        severity, message, grouped by file and kind, with exact totals. Every warning is reported, also on a
        no-op compile. Torus CI compiles with warnings_as_errors=true and the develop persona must reach zero
        warnings: fix each one, then compile again. The full log is torus://runs/{run_id}/log."""
        from torus_mcp.mix.operations import compile_project
        from torus_mcp.mix.summary import report_run

        with tool_errors(*_mix_errors()):
            run = await compile_project(
                state.workspace(roots).root,
                force=force,
                warnings_as_errors=warnings_as_errors,
                env=env,
                on_progress=_progress(ctx),
            )
            return report_run(run, limit)

    @server.tool(annotations=RUN)
    async def mix_test(
        ctx: Context,
        paths: Annotated[
            list[str] | None,
            Field(
                description='Test files or file:line to run, e.g. ["test/oli/foo_test.exs:42"]; all when empty'
            ),
        ] = None,
        failed_only: Annotated[
            bool, Field(description="Only the tests that failed last time (--failed)")
        ] = False,
        stale: Annotated[bool, Field(description="Only tests affected by changed modules (--stale)")] = False,
        only: Annotated[
            list[str] | None, Field(description='Run only tests with these tags, e.g. ["ac:AC-001"]')
        ] = None,
        exclude: Annotated[list[str] | None, Field(description="Exclude tests with these tags")] = None,
        seed: Annotated[
            int | None, Field(description="Seed for a reproducible order (0 runs in file order)")
        ] = None,
        max_failures: Annotated[int | None, Field(ge=1, description="Stop after this many failures")] = None,
        warnings_as_errors: Annotated[
            bool, Field(description="Fail on compile warnings, as Torus CI does")
        ] = False,
        env: EnvArg = None,
        limit: LimitArg = 20,
        roots: ClientRoots = None,
    ) -> MixReport:
        """Run `mix test` (all, some files, failed_only or stale) and return failures first as data: test name,
        module, file:line, kind (failure, invalid, setup_all, doctest), message, code/left/right, stacktrace,
        plus the summary counts and seed. Projects whose test config needs Postgres are checked first and a
        clear error says what to start. The full log is torus://runs/{run_id}/log."""
        from torus_mcp.mix.operations import TestSelection, test_project
        from torus_mcp.mix.summary import report_run

        selection = TestSelection(
            paths=paths or (),
            failed_only=failed_only,
            stale=stale,
            only=only or (),
            exclude=exclude or (),
            seed=seed,
            max_failures=max_failures,
        )
        with tool_errors(*_mix_errors()):
            root = state.workspace(roots).root
            _check_selection(root, selection)
            run = await test_project(
                root,
                selection,
                warnings_as_errors=warnings_as_errors,
                env=env,
                on_progress=_progress(ctx),
            )
            return report_run(run, limit)

    @server.tool(annotations=RUN)
    async def mix_format(
        ctx: Context,
        check: Annotated[
            bool,
            Field(
                description="true: only report the files `mix format --check-formatted` rejects (Torus CI runs "
                "it); false: also rewrite those files with `mix format` and report what is left"
            ),
        ] = True,
        env: EnvArg = None,
        limit: LimitArg = 20,
        roots: ClientRoots = None,
    ) -> MixReport:
        """Check formatting as Torus CI does (`mix format --check-formatted`) and return the files it rejects.
        With check=false the rejected files are formatted with `mix format`; the notes name them and the
        result is the check made afterwards."""
        from torus_mcp.mix.operations import format_check, format_project
        from torus_mcp.mix.summary import report_run

        with tool_errors(*_mix_errors()):
            run_format = format_check if check else format_project
            run = await run_format(state.workspace(roots).root, env=env, on_progress=_progress(ctx))
            return report_run(run, limit)

    @server.resource(
        "torus://runs/{run_id}/log",
        name="mix-run-log",
        title="Full log of a mix run",
        description="Everything mix printed in one run (stdout and stderr merged); the last 20 runs are kept",
        mime_type="text/plain",
    )
    def run_log(run_id: str) -> str:
        from torus_mcp.mix.run.runs import RunStore, default_state_dir

        with resource_errors(*_mix_errors()):
            store = RunStore(default_state_dir(state.workspace().root))
            head = store.read_log(run_id, 0, limit=LOG_RESOURCE_BYTES)
            if head.eof:
                return head.text
            # A runaway run can log hundreds of MB: keep the start and, above all, the end (the summary).
            tail_start = head.total_bytes - LOG_TAIL_BYTES
            start = store.read_log(run_id, 0, limit=LOG_HEAD_BYTES)
            tail = store.read_log(run_id, tail_start, limit=LOG_TAIL_BYTES)
            left_out = tail_start - start.next_offset
            return f"{start.text}\n[… {left_out:,} bytes of the log left out …]\n{tail.text}"
