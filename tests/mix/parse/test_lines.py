"""ANSI codes and carriage returns never reach the parsers."""

from __future__ import annotations

from torus_mcp.mix.parse.lines import LINE_KIND, clean_lines, strip_ansi


def test_strip_ansi() -> None:
    assert strip_ansi("\x1b[33mwarning:\x1b[0m x") == "warning: x"
    assert strip_ansi("\x1b[1m\x1b[31m/p/lib/a.ex\x1b[0m") == "/p/lib/a.ex"
    assert strip_ansi("\x1b[2K\x1b[1Gdone") == "done"
    assert strip_ansi("\x1b]8;;http://x\x07link\x1b]8;;\x07") == "link"
    assert strip_ansi("plain") == "plain"


def test_crlf_and_lone_carriage_returns() -> None:
    assert clean_lines("a\r\nb\r\n") == ["a", "b"]
    # `mix test --trace` rewrites its progress line with a lone \r: the reader saw the last text.
    assert clean_lines("  * test x [L#3]\r  * test x (0.1ms) [L#3]\n") == ["  * test x (0.1ms) [L#3]"]
    assert clean_lines("text\r\r\n") == ["text"]
    assert clean_lines("") == []
    assert clean_lines("no newline at end") == ["no newline at end"]


def test_line_kinds() -> None:
    def kind(line: str) -> str | None:
        m = LINE_KIND.match(line)
        return m.lastgroup if m else None

    assert kind("warning: unused alias X") == "diag"
    assert kind("    warning: unused alias X") == "diag"
    assert kind("    error: undefined variable") == "diag"
    assert kind("  warning: two spaces is not a header") is None
    assert kind("==> app_a") == "umbrella"
    assert kind("== Compilation error in file lib/a.ex ==") == "comperr"
    assert kind("== Compilation error in file lib/a.ex:2 ==") == "comperr"
    assert kind("  1) test x (M)") == "failure"
    assert kind(" 10) test x (M)") == "failure"
    assert kind("100) test x (M)") == "failure"
    assert kind("3 doctests, 2 tests, 0 failures") == "summary"
    assert kind("20:39:16.896 [error] boom") == "logger"
    assert kind("src/a.erl:4:3: Warning: variable 'X' is unused") == "erlang"
    assert kind("**.?") == "progress"
    assert kind("Finished in 0.1 seconds (0.00s async, 0.1s sync)") == "finished"
    assert kind("Randomized with seed 42") == "seed"
    assert kind("Running ExUnit with seed: 0, max_cases: 4") == "running"
