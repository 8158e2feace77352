"""How a parser bug degrades instead of crashing the server, and the switch the tests use to see it.

No text makes the parsers raise (the fuzz tests try hard), so the bugs here are made by replacing one
internal step with a function that raises: the one place these tests stand in for the real thing.
"""

from __future__ import annotations

import ast

import pytest

from tests.shared_data import REPO_ROOT
from torus_mcp.specs import markers, notes, sections
from torus_mcp.specs.markers import find_markers
from torus_mcp.specs.notes import extract_notes
from torus_mcp.specs.parse_guard import guarded, is_strict, strict_parsing
from torus_mcp.specs.plan import parse as plan_parse
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.requirements import extract, from_markdown
from torus_mcp.specs.requirements.extract import extract_requirements
from torus_mcp.specs.requirements.model import PARSE_RULE
from torus_mcp.specs.sections import parse_sections


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def test_tests_parse_strictly_so_a_parser_bug_is_an_exception():
    assert is_strict()
    with pytest.raises(ZeroDivisionError):
        guarded(lambda: 1 / 0, lambda error: "fallback")


def test_outside_strict_parsing_a_bug_becomes_the_fallback():
    seen: list[Exception] = []
    with strict_parsing(False):
        assert not is_strict()
        assert guarded(lambda: 1 / 0, lambda error: seen.append(error) or "fallback") == "fallback"
        assert guarded(lambda: "result", lambda error: "fallback") == "result"
    assert [type(error) for error in seen] == [ZeroDivisionError]
    assert is_strict()  # the previous setting is back


def test_a_plan_the_parser_fails_on_is_an_error_finding(monkeypatch):
    monkeypatch.setattr(plan_parse, "_cached_plan", boom)
    with pytest.raises(RuntimeError):
        parse_plan("## Phase 1: A\n- [ ] a\n")
    with strict_parsing(False):
        plan = parse_plan("## Phase 1: A\n- [ ] a\n")
    assert (plan.phases, plan.has_checkboxes) == ([], False)
    [finding] = plan.findings
    assert (finding.rule, finding.severity, finding.document) == ("PARSE-PLAN", "error", "plan.md")
    assert finding.message == "plan.md could not be parsed (RuntimeError: boom)."


@pytest.mark.parametrize(
    ("module", "step", "call"),
    [
        (sections, "_cached_sections", lambda: parse_sections("# A\n")),
        (markers, "_find_markers", lambda: find_markers("TODO\n", "prd.md")),
        (notes, "_NoteWalk", lambda: extract_notes("## Assumptions\n- a\n", "prd.md")),
    ],
    ids=["sections", "markers", "notes"],
)
def test_sections_markers_and_notes_the_parser_fails_on_are_empty(monkeypatch, module, step, call):
    assert call()  # the sample really has something to find
    monkeypatch.setattr(module, step, boom)
    with pytest.raises(RuntimeError):
        call()
    with strict_parsing(False):
        assert call() == []


def test_a_document_the_requirement_reader_fails_on_is_a_finding_and_the_others_still_count(monkeypatch):
    monkeypatch.setattr(from_markdown.MarkdownSource, "run", boom)
    yaml_text = "requirements:\n- id: FR-001\n  title: From YAML.\n"
    with pytest.raises(RuntimeError):
        extract_requirements("## Requirements\n- FR-002: From the PRD.\n", {"requirements.yml": yaml_text})
    with strict_parsing(False):
        result = extract_requirements("## Requirements\n- FR-002: x\n", {"requirements.yml": yaml_text})
    assert [r.id for r in result.requirements] == ["FR-001"]
    [finding] = result.findings
    assert (finding.rule, finding.severity, finding.document) == (PARSE_RULE, "warning", "prd.md")
    assert finding.message == "prd.md could not be read for requirements (RuntimeError: boom)."


def test_a_yaml_file_the_reader_fails_on_is_a_finding_naming_it(monkeypatch):
    monkeypatch.setattr(extract, "read_requirements_yaml", boom)
    with strict_parsing(False):
        result = extract_requirements(
            "## Requirements\n- FR-002: From the PRD.\n", {"requirements_x.yml": "a: 1"}
        )
    assert [r.id for r in result.requirements] == ["FR-002"]
    assert [(f.rule, f.document) for f in result.findings] == [(PARSE_RULE, "requirements_x.yml")]


def test_a_failure_after_reading_is_a_finding_about_the_requirements(monkeypatch):
    monkeypatch.setattr(extract, "_resolve_unnamed", boom)
    with strict_parsing(False):
        result = extract_requirements("## Requirements\n- FR-002: From the PRD.\n", {})
    assert [r.id for r in result.requirements] == ["FR-002"]
    assert [(f.rule, f.document) for f in result.findings] == [(PARSE_RULE, "requirements")]


def _catch_all_handlers(path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler)
        and (node.type is None or ast.unparse(node.type) in ("Exception", "BaseException"))
    ]


def test_the_guard_is_the_only_place_in_specs_that_catches_every_exception():
    package = REPO_ROOT / "torus_mcp" / "specs"
    found = {
        str(path.relative_to(package)): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := _catch_all_handlers(path))
    }
    assert list(found) == ["parse_guard.py"]
