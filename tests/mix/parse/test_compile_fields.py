"""Fields of compiler diagnostics, per layout and version, read off the raw captures by hand."""

from __future__ import annotations

import pytest

from tests.mix.parse.captures import VERSIONS, read_capture
from torus_mcp.mix.parse.compile import expand_related
from torus_mcp.mix.parse.kinds import diagnostic_kind
from torus_mcp.mix.parse.scan import parse_compile_output

E = "error"
W = "warning"

# (severity, file, line, column, exception, kind, message start) per diagnostic, in log order.
ERRORS: dict[tuple[str, str], list[tuple]] = {
    ("1.14", "compile_error_mismatched_delimiter"): [
        (
            E,
            "lib/mismatched_delimiter.ex",
            3,
            13,
            "SyntaxError",
            "mismatched_delimiter",
            "unexpected token: ). The",
        )
    ],
    ("1.15", "compile_error_mismatched_delimiter"): [
        (
            E,
            "lib/mismatched_delimiter.ex",
            3,
            13,
            "SyntaxError",
            "mismatched_delimiter",
            "unexpected token: )",
        )
    ],
    ("1.16", "compile_error_mismatched_delimiter"): [
        (
            E,
            "lib/mismatched_delimiter.ex",
            3,
            13,
            "MismatchedDelimiterError",
            "mismatched_delimiter",
            "unexpected token",
        )
    ],
    ("1.18", "compile_error_mismatched_delimiter"): [
        (
            E,
            "lib/mismatched_delimiter.ex",
            3,
            13,
            "MismatchedDelimiterError",
            "mismatched_delimiter",
            "unexpected token",
        )
    ],
    ("1.14", "compile_error_token_missing_end"): [
        (
            E,
            "lib/token_missing_end.ex",
            7,
            1,
            "TokenMissingError",
            "token_missing",
            "missing terminator: end (for",
        )
    ],
    ("1.16", "compile_error_token_missing_end"): [
        (E, "lib/token_missing_end.ex", 6, 4, "TokenMissingError", "token_missing", "missing terminator: end")
    ],
    ("1.15", "compile_error_unterminated_string"): [
        (
            E,
            "lib/unterminated_string.ex",
            6,
            1,
            "TokenMissingError",
            "token_missing",
            'missing terminator: " (for',
        )
    ],
    ("1.18", "compile_error_unterminated_string"): [
        (
            E,
            "lib/unterminated_string.ex",
            5,
            4,
            "TokenMissingError",
            "token_missing",
            'missing terminator: " (for',
        )
    ],
    ("1.14", "compile_error_syntax_extra_end"): [
        (E, "lib/syntax_extra_end.ex", 6, 1, "SyntaxError", "syntax_error", "unexpected reserved word: end")
    ],
    ("1.18", "compile_error_syntax_extra_end"): [
        (E, "lib/syntax_extra_end.ex", 6, 1, "SyntaxError", "syntax_error", "unexpected reserved word: end")
    ],
    # An exception raised in a module body: the line comes from the `(module)` stack frame.
    ("1.14", "compile_error_raise_in_module_body"): [
        (E, "lib/raise_in_module_body.ex", 2, None, "KeyError", "exception", "key :nope not found in: %{}")
    ],
    ("1.18", "compile_error_raise_in_module_body"): [
        (E, "lib/raise_in_module_body.ex", 2, None, "KeyError", "exception", "key :nope not found in: %{}")
    ],
    ("1.14", "compile_error_undefined_struct"): [
        (
            E,
            "lib/undefined_struct.ex",
            2,
            None,
            "CompileError",
            "undefined_struct",
            "NoSuchStruct.__struct__/1",
        )
    ],
    ("1.15", "compile_error_undefined_struct"): [
        (
            E,
            "lib/undefined_struct.ex",
            2,
            None,
            None,
            "undefined_struct",
            "NoSuchStruct.__struct__/1 is undefined",
        ),
        (E, "lib/undefined_struct.ex", None, None, "CompileError", "compile_error", "cannot compile module"),
    ],
    ("1.16", "compile_error_undefined_struct"): [
        (
            E,
            "lib/undefined_struct.ex",
            2,
            14,
            None,
            "undefined_struct",
            "NoSuchStruct.__struct__/1 is undefined",
        ),
        (E, "lib/undefined_struct.ex", None, None, "CompileError", "compile_error", "cannot compile module"),
    ],
    ("1.14", "compile_error_bad_pattern_compile_error"): [
        (
            E,
            "lib/bad_pattern_compile_error.ex",
            2,
            None,
            "CompileError",
            "invalid_expression",
            "invalid argument for ++",
        )
    ],
    ("1.18", "compile_error_bad_pattern_compile_error"): [
        (E, "lib/bad_pattern_compile_error.ex", 2, 11, None, "invalid_expression", "invalid argument for ++"),
        (
            E,
            "lib/bad_pattern_compile_error.ex",
            None,
            None,
            "CompileError",
            "compile_error",
            "cannot compile module",
        ),
    ],
    ("1.14", "compile_error_struct_deadlock"): [
        (
            E,
            "lib/struct_deadlock_b.ex",
            None,
            None,
            "CompileError",
            "deadlock",
            "deadlocked waiting on struct",
        ),
        (
            E,
            "lib/struct_deadlock_a.ex",
            None,
            None,
            "CompileError",
            "deadlock",
            "deadlocked waiting on struct",
        ),
    ],
    ("1.18", "compile_error_struct_deadlock"): [
        (
            E,
            "lib/struct_deadlock_b.ex",
            None,
            None,
            "CompileError",
            "deadlock",
            "deadlocked waiting on struct",
        ),
        (
            E,
            "lib/struct_deadlock_a.ex",
            None,
            None,
            "CompileError",
            "deadlock",
            "deadlocked waiting on struct",
        ),
    ],
    ("1.14", "compile_error_two_files"): [
        (
            W,
            "lib/undefined_variable.ex",
            3,
            None,
            None,
            "undefined_variable",
            'variable "undefined_thing" does',
        ),
        (
            E,
            "lib/undefined_local_function.ex",
            3,
            None,
            "CompileError",
            "undefined_function",
            "undefined function",
        ),
    ],
    ("1.15", "compile_error_two_files"): [
        (
            E,
            "lib/undefined_variable.ex",
            3,
            None,
            None,
            "undefined_variable",
            'undefined variable "undefined_thing"',
        ),
        (
            E,
            "lib/undefined_local_function.ex",
            3,
            None,
            None,
            "undefined_function",
            "undefined function helper/1",
        ),
        (
            E,
            "lib/undefined_variable.ex",
            None,
            None,
            "CompileError",
            "compile_error",
            "cannot compile module",
        ),
    ],
    ("1.18", "compile_error_two_files"): [
        (
            E,
            "lib/undefined_local_function.ex",
            3,
            5,
            None,
            "undefined_function",
            "undefined function helper/1",
        ),
        (
            E,
            "lib/undefined_variable.ex",
            3,
            9,
            None,
            "undefined_variable",
            'undefined variable "undefined_thing"',
        ),
        (
            E,
            "lib/undefined_variable.ex",
            None,
            None,
            "CompileError",
            "compile_error",
            "cannot compile module",
        ),
    ],
    ("1.16", "compile_error_warning_plus_error"): [
        (W, "lib/warning_plus_error.ex", 2, 9, None, "unused_variable", 'variable "unused" is unused'),
        (
            E,
            "lib/warning_plus_error.ex",
            3,
            14,
            None,
            "undefined_function",
            "undefined function missing_fun/0",
        ),
        (
            E,
            "lib/warning_plus_error.ex",
            None,
            None,
            "CompileError",
            "compile_error",
            "cannot compile module",
        ),
    ],
    ("1.19", "compile_error_deadlock_slogan_with_line.reconstructed.txt"): [
        (
            E,
            "lib/parallel_deadlock/foo.ex",
            None,
            None,
            "CompileError",
            "deadlock",
            "deadlocked waiting on module",
        ),
        (
            E,
            "lib/parallel_deadlock/bar.ex",
            2,
            None,
            "CompileError",
            "deadlock",
            "deadlocked waiting on struct",
        ),
    ],
    ("1.19", "compile_error_mismatched_delimiter.reconstructed.txt"): [
        (E, "lib/my_app.ex", 1, 18, "MismatchedDelimiterError", "mismatched_delimiter", "unexpected token: )")
    ],
    ("1.19", "compile_error_syntax.reconstructed.txt"): [
        (E, "lib/my_app.ex", 1, 17, "SyntaxError", "syntax_error", "syntax error before: '*'")
    ],
    ("1.19", "compile_error_token_missing.reconstructed.txt"): [
        (E, "lib/my_app.ex", 1, 5, "TokenMissingError", "token_missing", "missing terminator: end")
    ],
    ("1.19", "compile_error_undefined_variable.reconstructed.txt"): [
        (E, "lib/sample.ex", 5, 9, None, "undefined_variable", 'undefined variable "unknown_var"'),
        (E, "lib/sample.ex", None, None, "CompileError", "compile_error", "cannot compile module Sample"),
    ],
}


def _rel(version: str, scenario: str) -> str:
    return f"{version}/{scenario}" if scenario.endswith(".txt") else f"{version}/{scenario}.combined"


@pytest.mark.parametrize(("version", "scenario"), sorted(ERRORS))
def test_error_fields(version: str, scenario: str) -> None:
    result = parse_compile_output(read_capture(_rel(version, scenario)))
    got = [(d.severity, d.file, d.line, d.column, d.exception, d.kind, d.message) for d in result.diagnostics]
    expected = ERRORS[(version, scenario)]
    assert len(got) == len(expected)
    for actual, want in zip(got, expected, strict=True):
        assert actual[:6] == want[:6]
        assert actual[6].startswith(want[6]), (actual[6], want[6])


def test_stacktrace_frames_are_kept_apart_from_the_message() -> None:
    (diag,) = parse_compile_output(
        read_capture("1.14/compile_error_raise_in_module_body.combined")
    ).diagnostics
    assert diag.message == "key :nope not found in: %{}"
    assert diag.stacktrace == [":erlang.map_get(:nope, %{})", "lib/raise_in_module_body.ex:2: (module)"]
    (syntax,) = parse_compile_output(read_capture("1.16/compile_error_syntax_extra_end.combined")).diagnostics
    assert syntax.message.splitlines() == [
        "unexpected reserved word: end",
        'hint: the "end" on line 5 may not have a matching "do" defined before it (based on indentation)',
    ]
    assert len(syntax.stacktrace) == 1 and "parallel_compiler.ex" in syntax.stacktrace[0]


# (file, line, column, context) of `variable "y" is unused` in the clean build of each version.
UNUSED_Y = {
    "1.14": ("lib/warnings.ex", 13, None, "ElixirProbe.Warnings.unused_var/1"),
    "1.15": ("lib/warnings.ex", 13, None, "ElixirProbe.Warnings.unused_var/1"),
    "1.16": ("lib/warnings.ex", 13, 5, "ElixirProbe.Warnings.unused_var/1"),
    "1.18": ("lib/warnings.ex", 13, 5, "ElixirProbe.Warnings.unused_var/1"),
}


@pytest.mark.parametrize("version", VERSIONS)
def test_warning_fields_of_a_clean_build(version: str) -> None:
    result = parse_compile_output(read_capture(f"{version}/compile_warnings_clean_build.combined"))
    by_message = {d.message.split("\n")[0]: d for d in result.diagnostics}
    unused = by_message[
        'variable "y" is unused (if the variable is not meant to be used, prefix it with an underscore)'
    ]
    assert (unused.file, unused.line, unused.column, unused.context) == UNUSED_Y[version]
    assert unused.kind == "unused_variable" and unused.severity == "warning" and unused.compiler == "elixir"

    erlang = [d for d in result.diagnostics if d.compiler == "erlang"]
    assert [(d.file, d.line, d.column, d.message) for d in erlang] == [
        ("src/probe_erl.erl", 4, 3, "variable 'X' is unused"),
        ("src/probe_erl.erl", 5, 5, "variable 'Y' is unused"),
    ]

    # One warning printed once with two locations (1.14: "Invalid call found at 2 locations").
    (undefined,) = [d for d in result.diagnostics if d.message.startswith("NoSuchModule.call/0 is undefined")]
    assert undefined.kind == "undefined_module"
    columns = (42, 48) if version in ("1.16", "1.18") else (None, None)
    assert (undefined.file, undefined.line, undefined.column) == ("lib/warnings.ex", 17, columns[0])
    assert [(r.file, r.line, r.column, r.context) for r in undefined.related] == [
        ("lib/warnings.ex", 18, columns[1], "ElixirProbe.Warnings.undefined_remote_again/0")
    ]
    assert "Invalid call found" not in undefined.message

    deprecated = [d for d in result.diagnostics if d.kind == "deprecated"]
    assert {d.line for d in deprecated} == {22, 24}


def test_multi_line_warning_keeps_its_code_and_drops_the_layout_lines() -> None:
    for version in ("1.14", "1.16"):
        result = parse_compile_output(read_capture(f"{version}/compile_warnings_clean_build.combined"))
        (field,) = [d for d in result.diagnostics if d.kind == "undefined_field"]
        assert field.file == "lib/struct_user.ex" and field.line == 5
        lines = field.message.splitlines()
        assert lines[0] == 'undefined field "nme" in expression:'
        assert "    s.nme" in lines
        assert lines[-1] == "    %ElixirProbe.StructUser{} = s"
        assert not any("│" in line or "└─" in line for line in lines)


def test_type_warning_of_1_18_is_one_diagnostic_without_snippet() -> None:
    result = parse_compile_output(read_capture("1.18/compile_force_warnings_as_errors.combined"))
    assert result.warnings_as_errors_failed
    (typing,) = [
        d for d in result.diagnostics if d.message.startswith("incompatible types given to Kernel.+/2")
    ]
    assert (typing.file, typing.line, typing.column) == ("lib/warnings.ex", 42, 29)
    assert typing.kind == "type_warning"
    assert typing.message.splitlines()[-1] == "    float(), float()"
    assert "typing violation found at" not in typing.message


def test_1_19_multi_location_group_and_file_less_warning() -> None:
    (group,) = parse_compile_output(
        read_capture("1.19/compile_warning_group_multi_location.reconstructed.txt")
    ).diagnostics
    assert (group.file, group.line, group.column, group.context) == ("lib/sample.ex", 5, 13, "Sample.a/0")
    assert [(r.line, r.column) for r in group.related] == [(6, 13), (7, 13), (8, 13)]
    assert len(expand_related([group])) == 4

    (nofile,) = parse_compile_output(
        read_capture("1.19/compile_warning_no_file.reconstructed.txt")
    ).diagnostics
    assert (nofile.file, nofile.line, nofile.column, nofile.kind) == ("nofile", 2, 3, "unused_alias")

    (misnamed,) = parse_compile_output(
        read_capture("1.19/test_misnamed_files_warning.reconstructed.txt")
    ).diagnostics
    assert misnamed.file is None and misnamed.kind == "misnamed_test_files"
    assert "test/a_tests.ex" in misnamed.message


# Printed by Elixir 1.14 for a module attribute computed by a function of another file that raises.
RAISE_IN_BODY_THROUGH_ANOTHER_FILE = """\
Compiling 2 files (.ex)

== Compilation error in file lib/broken.ex ==
** (KeyError) key :timeout not found in: %{}
    :erlang.map_get(:timeout, %{})
    lib/settings.ex:2: BodyErr.Settings.fetch!/1
    lib/broken.ex:4: (module)
"""


def test_an_exception_raised_in_a_module_body_is_located_by_the_frame_of_the_file_being_compiled() -> None:
    (diag,) = parse_compile_output(RAISE_IN_BODY_THROUGH_ANOTHER_FILE).diagnostics
    # The first frame with a file is in lib/settings.ex; the error belongs to the file being compiled.
    assert (diag.file, diag.line, diag.exception) == ("lib/broken.ex", 4, "KeyError")
    assert diag.stacktrace[-1] == "lib/broken.ex:4: (module)"


def test_doctest_warning_located_without_a_line() -> None:
    result = parse_compile_output(read_capture("1.18/test_seed0.combined"))
    (never,) = [
        d for d in result.diagnostics if d.message.startswith("the following pattern will never match")
    ]
    assert (never.file, never.line, never.kind) == ("lib/elixir_probe.ex", None, "type_warning")
    assert never.context == 'ElixirProbeTest."doctest ElixirProbe.hello/0 (3)"/1'


@pytest.mark.parametrize(
    ("colored", "plain"),
    [
        ("1.14/compile_force_pty_tty_colors.combined", "1.14/compile_force.combined"),
        ("1.14/compile_force_ansi_enabled_via_erl.combined", "1.14/compile_force.combined"),
        ("1.18/compile_force_pty_tty_colors.combined", "1.18/compile_warnings_clean_build.combined"),
        (
            "1.16/compile_error_warning_plus_error_pty_colors.combined",
            "1.16/compile_error_warning_plus_error.combined",
        ),
        (
            "1.14/compile_error_undefined_variable_pty.combined",
            "1.14/compile_error_undefined_variable.combined",
        ),
    ],
)
def test_terminal_captures_parse_like_piped_ones(colored: str, plain: str) -> None:
    raw = read_capture(colored)
    assert "\x1b[" in raw  # coloured, and from a pseudo-terminal where `\r\n` ends lines

    def key(rel: str) -> list[tuple]:
        return [
            # With colours on, 1.18 marks type differences by colour instead of `-:a-`: compare
            # the first line of each message.
            (d.severity, d.file, d.line, d.column, d.kind, d.message.split("\n")[0])
            for d in parse_compile_output(read_capture(rel)).diagnostics
        ]

    assert key(colored) == key(plain)


@pytest.mark.parametrize("version", ["1.14", "1.18"])
def test_crlf_source_files(version: str) -> None:
    (diag,) = parse_compile_output(read_capture(f"crlf/elixirc_{version}_crlf_source.combined")).diagnostics
    assert (diag.file, diag.line, diag.kind, diag.context) == ("crlf.ex", 2, "unused_variable", "Crlf.f/1")
    assert diag.column == (9 if version == "1.18" else None)
    assert "\r" not in diag.message


def test_umbrella_diagnostics_carry_their_app() -> None:
    result = parse_compile_output(read_capture("1.18/umbrella/umbrella_compile_warning_and_error.combined"))
    assert result.apps == ["app_a", "app_b"]
    assert [(d.app, d.file, d.severity) for d in result.diagnostics] == [
        ("app_a", "lib/app_a.ex", "warning"),
        ("app_a", "lib/app_a.ex", "warning"),
        ("app_b", "lib/app_b.ex", "error"),
        ("app_b", "lib/app_b.ex", "error"),
    ]
    assert result.generated_apps == ["app_a"]


def test_an_umbrella_app_named_again_by_a_later_header_is_listed_once() -> None:
    text = "==> app_a\nCompiling 1 file (.ex)\n==> app_b\nCompiling 1 file (.ex)\n==> app_a\n"
    assert parse_compile_output(text).apps == ["app_a", "app_b"]


def test_deadlock_explanation_becomes_a_note() -> None:
    result = parse_compile_output(read_capture("1.18/compile_error_struct_deadlock.combined"))
    (note,) = result.notes
    assert note.startswith("Compilation failed because of a deadlock between files.")
    assert "lib/struct_deadlock_b.ex => ElixirProbe.DeadA" in note
    assert result.unparsed_lines == 0


def test_mix_errors_and_dependency_notes() -> None:
    result = parse_compile_output(read_capture("1.14/deps/deps_missing_path_and_git_mix_compile.combined"))
    assert result.mix_errors == ["Can't continue due to errors on dependencies"]
    assert 'the dependency is not available, run "mix deps.get"' in result.notes[0]
    hex_prompt = parse_compile_output(read_capture("1.14/deps/deps_get_no_hex_stdin_devnull.combined"))
    # The Mix error follows the unanswered prompt on the same line.
    assert hex_prompt.mix_errors == ["Could not find an SCM for dependency :jason from DepsProbe.MixProject"]


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        (
            'variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)',
            "unused_variable",
        ),
        ("unused alias Foo", "unused_alias"),
        ("Foo.bar/1 is deprecated. Use baz/1 instead", "deprecated"),
        ("Foo.bar/0 is undefined (module Foo is not available or is yet to be defined)", "undefined_module"),
        ("Enum.nope/1 is undefined or private", "undefined_function"),
        ("something Elixir has never said", "unknown"),
    ],
)
def test_kind_slugs(message: str, kind: str) -> None:
    assert diagnostic_kind(message) == kind


def test_kind_from_the_exception_name() -> None:
    assert diagnostic_kind("anything", "TokenMissingError") == "token_missing"
    assert diagnostic_kind("unexpected token: )", "MismatchedDelimiterError") == "mismatched_delimiter"
    assert diagnostic_kind('unexpected token: ). The "[" is missing terminator "]"', "SyntaxError") == (
        "mismatched_delimiter"
    )
    assert diagnostic_kind("key :nope not found", "KeyError") == "exception"


def test_a_compile_error_no_pattern_knows_is_unknown_not_an_exception() -> None:
    assert diagnostic_kind("some message no pattern knows", "CompileError") == "unknown"


def test_a_diagnostic_without_a_location_ends_at_two_blank_lines() -> None:
    log = "warning: an unlocated warning\n\n\nsomething mix printed later\n"
    result = parse_compile_output(log)
    (diag,) = result.diagnostics
    assert (diag.message, diag.file) == ("an unlocated warning", None)
    assert result.unparsed_lines == 1


def test_file_line_diagnostics_name_their_compiler_by_the_file() -> None:
    # Erlang's own layout, and the same layout for an Elixir-side file (templates print it).
    log = (
        "src/probe.erl:4:3: Warning: variable 'X' is unused\n"
        'lib/app_web/page.html.heex:3: warning: undefined attribute "titel"\n'
    )
    erlang, elixir = parse_compile_output(log).diagnostics
    assert (erlang.file, erlang.line, erlang.column, erlang.compiler) == ("src/probe.erl", 4, 3, "erlang")
    assert (elixir.file, elixir.line, elixir.compiler) == ("lib/app_web/page.html.heex", 3, "elixir")
