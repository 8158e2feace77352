"""Shapes not in the captures but printed by the same Elixir code paths (Phoenix apps, deps,
property tests, function-clause errors, build locks): the parser must read them too."""

from __future__ import annotations

from torus_mcp.mix.parse.scan import parse_compile_output, parse_mix_output, parse_test_output


def test_template_locations_and_dependency_headers() -> None:
    text = (
        "==> jason\n"
        "Compiling 10 files (.ex)\n"
        "Generated jason app\n"
        "==> oli\n"
        "Compiling 1200 files (.ex)\n"
        '    warning: undefined attribute "phx-clik" for component OliWeb.Components.button/1\n'
        "    │\n"
        ' 12 │   <.button phx-clik="save">Save</.button>\n'
        "    │   ~\n"
        "    │\n"
        "    └─ lib/oli_web/live/page_live.html.heex:12: OliWeb.PageLive.render/1\n"
        "\n"
        "warning: Oli.Repo.all/2 is undefined or private\n"
        "  lib/oli/delivery.ex:40: Oli.Delivery.list/0\n"
        "\n"
        "Compiling lib/oli/huge.ex (it's taking more than 10s)\n"
        "Generated oli app\n"
    )
    result = parse_compile_output(text)
    assert result.apps == ["jason", "oli"] and result.generated_apps == ["jason", "oli"]
    heex, undefined = result.diagnostics
    assert (heex.file, heex.line, heex.column, heex.app) == (
        "lib/oli_web/live/page_live.html.heex",
        12,
        None,
        "oli",
    )
    assert (undefined.file, undefined.line, undefined.kind) == (
        "lib/oli/delivery.ex",
        40,
        "undefined_function",
    )
    assert result.notes == ["Compiling lib/oli/huge.ex (it's taking more than 10s)"]
    assert result.compiled == ["10 files (.ex)", "1200 files (.ex)"]
    assert result.unparsed_lines == 0


def test_build_lock_and_mix_warnings_without_location() -> None:
    text = (
        "Waiting for lock on the build directory (held by process 4242)\n"
        'warning: the dependency :phoenix requires Elixir "~> 1.15" but you are running on v1.14.0\n'
        "....\n"
        "2 tests, 0 failures\n"
    )
    result = parse_test_output(text)
    assert result.compile.notes == ["Waiting for lock on the build directory (held by process 4242)"]
    (warning,) = result.compile.diagnostics
    assert warning.file is None and warning.message.endswith("running on v1.14.0")
    assert result.summary is not None and result.summary.tests == 2


def test_function_clause_error_and_property_failure() -> None:
    text = (
        "  1) test bulk tag rejects bad ids (Oli.TaggingTest)\n"
        "     test/oli/tagging_test.exs:21\n"
        "     ** (FunctionClauseError) no function clause matching in Oli.Tagging.tag/2\n"
        "\n"
        "     The following arguments were given to Oli.Tagging.tag/2:\n"
        "\n"
        "         # 1\n"
        "         :bad\n"
        "\n"
        "     Attempted function clauses (showing 1 out of 1):\n"
        "\n"
        "         def tag(ids, tag) when is_list(ids)\n"
        "\n"
        '     code: Oli.Tagging.tag(:bad, "x")\n'
        "     stacktrace:\n"
        "       (oli 0.1.0) lib/oli/tagging.ex:5: Oli.Tagging.tag/2\n"
        "       test/oli/tagging_test.exs:22: (test)\n"
        "\n"
        "  2) property sorting keeps length (Oli.SortTest)\n"
        "     test/oli/sort_test.exs:8\n"
        "     Failed with generated values (after 3 successful runs):\n"
        "\n"
        "         * Clause:    list <- list_of(integer())\n"
        "           Generated: [0, 0]\n"
        "\n"
        "     Assertion with == failed\n"
        "     code:  assert length(Enum.uniq(list)) == length(list)\n"
        "     left:  1\n"
        "     right: 2\n"
        "     stacktrace:\n"
        "       test/oli/sort_test.exs:10: (test)\n"
        "\n"
        "Finished in 0.2 seconds (0.1s async, 0.1s sync)\n"
        "1 property, 1 test, 2 failures\n"
    )
    result = parse_test_output(text)
    clause, prop = result.failures
    assert (clause.kind, clause.exception, clause.line) == ("error", "FunctionClauseError", 21)
    assert "def tag(ids, tag) when is_list(ids)" in clause.message
    assert clause.code == 'Oli.Tagging.tag(:bad, "x")'
    assert clause.stacktrace[-1] == "test/oli/tagging_test.exs:22: (test)"
    assert (prop.name, prop.module, prop.kind) == ("property sorting keeps length", "Oli.SortTest", "failure")
    assert (prop.left, prop.right) == ("1", "2")
    assert (result.summary.properties, result.summary.tests, result.summary.failures) == (1, 1, 2)


def test_multi_line_code_left_and_right() -> None:
    text = (
        "  1) test maps (M)\n"
        "     test/m_test.exs:3\n"
        "     Assertion with == failed\n"
        "     code:  assert %{a: 1, b: 2} ==\n"
        "              %{a: 1, b: 3}\n"
        "     left:  %{\n"
        "              a: 1,\n"
        "              b: 2\n"
        "            }\n"
        "     right: %{a: 1, b: 3}\n"
        "     stacktrace:\n"
        "       test/m_test.exs:4: (test)\n"
    )
    (failure,) = parse_test_output(text).failures
    assert failure.code.splitlines()[0] == "assert %{a: 1, b: 2} =="
    assert len(failure.code.splitlines()) == 2
    assert failure.left.splitlines()[0] == "%{" and len(failure.left.splitlines()) == 4
    assert failure.right == "%{a: 1, b: 3}"


def test_erlang_errors_without_a_severity_word() -> None:
    (diag,) = parse_compile_output("src/parser.yrl:12:3: syntax error before: '->'\n").diagnostics
    assert (diag.severity, diag.file, diag.line, diag.column, diag.compiler) == (
        "error",
        "src/parser.yrl",
        12,
        3,
        "erlang",
    )


def test_a_warning_without_location_does_not_swallow_test_progress() -> None:
    result = parse_mix_output("warning: something global\n..F\n")
    assert result.command == "test"
    (diag,) = result.test.compile.diagnostics
    assert diag.message == "something global"
