"""What the rules read from a pack: the ids each document cites (first spelling, line), the documents
a gate is judged on, and which FRs belong to the PRD."""

from __future__ import annotations

from pathlib import Path

from torus_mcp.specs.pack import SpecPack
from torus_mcp.specs.requirements.model import Requirement, RequirementSet
from torus_mcp.specs.rules.pack_view import Citation, PackView, gate_documents, id_citations


def test_citations_keep_the_first_spelling_and_line_of_each_id():
    text = "Intro\nCovers FR1 and AC-4b.\n\nAgain FR-001, then NFR-2; not XFR-3 or FR-4xy.\n"
    assert id_citations(text) == {
        "FR-001": Citation("FR1", 2),
        "AC-004b": Citation("AC-4b", 2),
        "NFR-002": Citation("NFR-2", 4),
    }


def test_citation_lines_count_crlf_and_lone_cr_as_one_break_each():
    assert id_citations("a\r\nb\rFR-1\nAC-2") == {
        "FR-001": Citation("FR-1", 3),
        "AC-002": Citation("AC-2", 4),
    }


def test_citation_lines_count_lone_cr_breaks_in_a_text_without_crlf():
    assert id_citations("a\rb\rFR-1") == {"FR-001": Citation("FR-1", 3)}


def _view(requirements: list[Requirement], *names: str) -> PackView:
    texts = {name: "x" for name in names}
    pack = SpecPack(
        feature="f", path=Path("f"), texts=texts, requirements=RequirementSet(requirements=requirements)
    )
    return PackView(pack)


def test_the_prd_gate_is_judged_on_prd_md_and_requirements_yml_not_scratch_files():
    view = _view([], "prd.md", "requirements_bulk.yml", "requirements.yml", "requirements.md", "fdd.md")
    assert gate_documents(view, "prd") == ["prd.md", "requirements.yml"]
    assert gate_documents(view, "fdd") == ["fdd.md"]
    assert gate_documents(view, "plan") == ["plan.md"]


def test_frs_defined_only_in_the_fdd_are_the_designs_not_the_prds():
    requirements = [
        Requirement(id="FR1", kind="FR", title="a", document="prd.md", sources=["prd.md"]),
        Requirement(id="FR-2", kind="FR", title="b", document="fdd.md", sources=["fdd.md"]),
        Requirement(
            id="FR-3", kind="FR", title="c", document="requirements.yml", sources=["requirements.yml"]
        ),
        Requirement(id="NFR-1", kind="NFR", title="d", document="prd.md", sources=["prd.md"]),
    ]
    view = _view(requirements)
    assert list(view.frs) == ["FR-001", "FR-003"]
    assert [r.id for r in view.design_only_frs] == ["FR-2"]
