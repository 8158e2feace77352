"""Each AST rule on its fixture: the true positives at exact lines, and the near misses left alone.

One real `elixir` run reads the whole fixture directory (a file that does not parse included), so
these tests also show that a parse error costs only its own file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.guidelines.conftest import FIXTURES, check, findings, pairs
from tests.shared_data import require_mix
from torus_mcp.guidelines.settings import GuidelinesConfig

RULES_DIR = FIXTURES / "rules"


@pytest.fixture(scope="module")
def report():
    require_mix()
    return check(RULES_DIR, ["."])


def column_of(file: str, line: int, text: str, occurrence: int = 1) -> int:
    """1-based column of `text` on a fixture line, so columns are pinned to the file, not retyped."""
    source = (RULES_DIR / file).read_text().splitlines()[line - 1]
    index = -1
    for _ in range(occurrence):
        index = source.index(text, index + 1)
    return index + 1


def test_every_fixture_file_was_checked(report) -> None:
    assert report.counts.files_checked == len([p for p in RULES_DIR.iterdir() if p.is_file()])
    assert report.notes == []


def test_db_in_loop(report) -> None:
    assert pairs(report, "db_in_loop.ex") == {
        ("DB-IN-LOOP", 6),
        ("DB-IN-LOOP", 11),
        ("DB-IN-LOOP", 12),
        ("DB-IN-LOOP", 18),
        ("DB-IN-LOOP", 23),
        ("DB-IN-LOOP", 27),
    }
    first = findings(report, "db_in_loop.ex")[0]
    assert first.column == column_of("db_in_loop.ex", 6, "Repo.get")
    # The alias is resolved: Repo is Oli.Repo in this module.
    assert first.message == "Oli.Repo.get runs once per element inside the function given to Enum.map"
    assert first.severity == "warning"


def test_db_in_loop_takes_configured_query_functions() -> None:
    require_mix()
    config = GuidelinesConfig(query_functions=("Repo.*", "Sections.get_section!"))
    report = check(RULES_DIR, ["db_in_loop.ex"], config=config)
    assert ("DB-IN-LOOP", 30) in pairs(report, "db_in_loop.ex")
    assert len(pairs(report, "db_in_loop.ex")) == 7


def test_else_if(report) -> None:
    assert pairs(report, "else_if.ex") == {("ELSE-IF", 6), ("ELSE-IF", 14)}
    nested = findings(report, "else_if.ex")[0]
    assert nested.column == column_of("else_if.ex", 6, "if")
    assert "the if at line 3" in nested.message


def test_multi_module_file_but_not_a_nested_impl_or_a_protocol_with_its_impl(report) -> None:
    assert pairs(report, "multi_module.ex") == {("MULTI-MODULE-FILE", 5), ("MULTI-MODULE-FILE", 8)}
    messages = [f.message for f in findings(report, "multi_module.ex")]
    assert messages[1].startswith("defmodule Oli.Fixtures.Second.Nested is a second module")
    assert pairs(report, "module_with_impl.ex") == set()
    assert pairs(report, "protocol_with_impl.ex") == set()


def test_string_to_atom_and_the_ignore_comment(report) -> None:
    assert pairs(report, "string_to_atom.ex") == {
        ("STRING-TO-ATOM", 2),
        ("STRING-TO-ATOM", 3),
        ("STRING-TO-ATOM", 4),
        ("STRING-TO-ATOM", 5),
        ("STRING-TO-ATOM", 6),
        # line 17 is ignored by the comment above it; the comment above line 20 names another rule
        ("STRING-TO-ATOM", 20),
    }
    erlang = findings(report, "string_to_atom.ex")[2]
    assert erlang.column == column_of("string_to_atom.ex", 4, ":erlang")


def test_is_predicate(report) -> None:
    assert pairs(report, "predicates.ex") == {
        ("IS-PREDICATE", 2),
        ("IS-PREDICATE", 3),
        ("IS-PREDICATE", 4),
        ("IS-PREDICATE", 5),
    }
    messages = [f.message for f in findings(report, "predicates.ex")]
    assert messages[0] == "def is_admin/1 is named like a guard; name it admin?/1"
    assert messages[1].startswith("defp is_author/1")
    assert messages[2].endswith("name it enabled?/1")
    assert messages[3].endswith("name it ready?/0")


def test_struct_access(report) -> None:
    assert pairs(report, "struct_access.ex") == {
        ("STRUCT-ACCESS", 4),
        ("STRUCT-ACCESS", 8),
        ("STRUCT-ACCESS", 13),
        ("STRUCT-ACCESS", 18),
    }
    head = findings(report, "struct_access.ex")[0]
    assert head.column == column_of("struct_access.ex", 4, "user[")
    assert head.message == "user[:email] on a %User{} struct (bound at line 4); write user.email"
    assert head.severity == "error"


def test_ecto_rules(report) -> None:
    assert pairs(report, "changesets.ex") == {
        ("ECTO-CAST-PROTECTED", 9),
        ("ECTO-CAST-PROTECTED", 10),
        ("ECTO-VALIDATE-NUMBER-ALLOW-NIL", 12),
        ("ECTO-VALIDATE-NUMBER-ALLOW-NIL", 13),
    }
    piped = findings(report, "changesets.ex")[1]
    assert piped.message == "cast/3 permits :user_id, which the server must set"


def test_cast_takes_configured_protected_fields() -> None:
    require_mix()
    config = GuidelinesConfig(protected_fields=frozenset({"user_id", "author_id"}))
    report = check(RULES_DIR, ["changesets.ex"], config=config)
    assert ("ECTO-CAST-PROTECTED", 11) in pairs(report, "changesets.ex")


def test_heex_rules_inside_sigils_point_at_file_lines_and_columns(report) -> None:
    got = [(f.rule, f.line, f.column) for f in findings(report, "component.ex")]
    assert got == [
        ("HEEX-FORM-LET", 7, column_of("component.ex", 7, "let=")),
        ("HEEX-FORM-CHANGESET", 7, column_of("component.ex", 7, "for=")),
        ("HEEX-LIVE-REDIRECT", 9, column_of("component.ex", 9, "live_patch")),
        ("HEEX-PHX-UPDATE-APPEND", 14, column_of("component.ex", 14, "phx-update")),
        ("HEEX-SIGIL-E", 17, column_of("component.ex", 17, "~E")),
    ]


def test_a_file_that_does_not_parse_is_one_finding_and_the_rest_are_still_checked(report) -> None:
    broken = findings(report, "broken.ex")
    # Where and what Elixir's own parser says: it notices the missing ")" at the final `end`.
    assert [(f.rule, f.line, f.severity) for f in broken] == [("ELIXIR-PARSE", 5, "error")]
    assert broken[0].message.startswith("does not parse: ")
    assert "missing terminator" in broken[0].message
    # Files after it in the same elixir run still have their findings.
    assert pairs(report, "struct_access.ex") and pairs(report, "string_to_atom.ex")


def test_report_carries_each_cited_rule_once_with_guideline_and_fix(report) -> None:
    assert set(report.rules) == set(report.counts.by_rule)
    assert report.rules["DB-IN-LOOP"].guideline.startswith("Never run DB queries inside loops")
    assert report.counts.errors + report.counts.warnings == report.shown
    assert report.counts.files_with_findings == len(report.files)


def test_findings_are_sorted_by_file_then_line(report) -> None:
    files = [g.file for g in report.files]
    assert files == sorted(files)
    for group in report.files:
        lines = [(f.line, f.column or 0) for f in group.findings]
        assert lines == sorted(lines)


def test_path_outside_fixture_is_not_needed(tmp_path: Path) -> None:
    # A directory without Elixir files is checked and found clean, without running elixir at all.
    (tmp_path / "notes.txt").write_text("x")
    report = check(tmp_path, ["."])
    assert report.counts.files_checked == 0 and report.files == []
