"""The requirement model and pack loader against the six real Torus packs in shared/specpacks.

Every number below was counted by hand from the files (grep helps: ``^| FR-``, ``^- AC-``,
``id: FR-``, ``id: AC-`` unique, ``^## Phase``, ``- [x]``), not copied from the parser's output.
"""

from __future__ import annotations

import pytest

from torus_mcp.specs.ids import normalize_id
from torus_mcp.specs.pack import load_pack

# pack: FR ids, NFR ids, where they are defined, ACs, ACs citing an FR, Given/When/Then ACs,
# unnumbered ACs, phases, (ticked, total) tasks, assumptions, open questions.
PACKS = {
    # FRs and NFRs exist only in the FDD ("- FR1: ..."); the PRD's criteria are a plain numbered list.
    "canary": (7, 5, {"fdd.md"}, 5, 0, 0, 5, 3, (0, 19), 9, 8),
    # FR table FR-001..FR-011; "- AC-001 (FR-001, FR-002) — Given … when … then …" one-liners.
    "docs_import": (11, 0, {"prd.md"}, 6, 6, 6, 0, 7, (25, 25), 9, 8),
    # AC-001..AC-010 plus AC-004b; a "Note:" bullet in the AC section is not a criterion.
    "genai-routing": (11, 0, {"prd.md"}, 11, 11, 11, 0, 7, (31, 42), 13, 9),
    # Flat requirements.yml: 20 FRs, 17 ACs (all Given/When/Then), no AC names its FR.
    # Two "[N/A]" tasks count as ticked.
    "lti-launch-hardening": (20, 0, {"requirements.yml"}, 17, 0, 17, 0, 5, (57, 57), 20, 9),
    # Nested requirements.yml: each AC under its FR; titles are not Given/When/Then.
    "mer-5677-phases-of-the-moon": (4, 0, {"requirements.yml"}, 4, 4, 0, 0, 4, (14, 23), 9, 9),
    # requirements.yml nests and repeats its ACs flat; requirements_bulk.yml repeats them without FR ids.
    "module-level-log-controls": (3, 0, {"requirements.yml"}, 6, 6, 0, 0, 3, (23, 23), 13, 1),
}


@pytest.mark.parametrize("name", sorted(PACKS))
def test_pack_counts(specpacks, name):
    frs, nfrs, documents, acs, citing, gwt, unnumbered, phases, tasks, assumptions, questions = PACKS[name]
    pack = load_pack(specpacks / name, name)
    requirements = pack.requirements.requirements
    criteria = pack.requirements.acceptance_criteria

    assert sum(r.kind == "FR" for r in requirements) == frs
    assert sum(r.kind == "NFR" for r in requirements) == nfrs
    assert {r.document for r in requirements} == documents
    assert len(criteria) == acs
    assert sum(bool(c.cites) for c in criteria) == citing
    assert sum(c.given_when_then for c in criteria) == gwt
    assert sum(c.id is None for c in criteria) == unnumbered

    assert pack.plan is not None
    assert len(pack.plan.phases) == phases
    assert (sum(p.done for p in pack.plan.phases), sum(p.total for p in pack.plan.phases)) == tasks

    assert sum(n.kind == "assumption" for n in pack.notes) == assumptions
    assert sum(n.kind == "open_question" for n in pack.notes) == questions
    assert pack.markers == []  # no TODO/TBD/FIXME in any of them (grep -w)
    # The real packs parse without a single warning; info findings are allowed.
    assert [f for f in pack.findings if f.severity != "info"] == []


@pytest.mark.parametrize("name", sorted(PACKS))
def test_every_cited_id_is_known_in_the_real_packs(specpacks, name):
    pack = load_pack(specpacks / name, name)
    known = {normalize_id(r.id) for r in pack.requirements.requirements}
    cited = {normalize_id(c) for ac in pack.requirements.acceptance_criteria for c in ac.cites}
    assert cited <= known


def test_docs_import_details(specpacks):
    requirements = load_pack(specpacks / "docs_import", "docs_import").requirements
    first = requirements.requirement("FR-001")
    assert (first.line, first.acceptance) == (55, ["AC-001"])
    assert first.title.startswith("Provide an “Import from Google Docs” control")
    ac = requirements.criterion("AC-006")
    assert (ac.line, ac.cites) == (74, ["FR-008", "FR-009"])
    assert ac.text.startswith("Given the Markdown contains embedded images")
    assert requirements.requirement("FR-010").acceptance == []


def test_genai_suffixed_id(specpacks):
    requirements = load_pack(specpacks / "genai-routing", "genai-routing").requirements
    assert requirements.criterion("AC-004b").cites == ["FR-004"]
    assert requirements.requirement("FR-004").acceptance == ["AC-002", "AC-003", "AC-004", "AC-004b"]


def test_canary_requirements_from_the_fdd(specpacks):
    pack = load_pack(specpacks / "canary", "canary")
    first = pack.requirements.requirement("FR-1")
    assert (first.id, first.document, first.line) == ("FR1", "fdd.md", 6)
    assert [n.line for n in pack.notes if n.document == "prd.md"] == [114, 115, 116]


def test_module_level_log_controls_reads_requirements_yml_not_the_bulk_scratch_file(specpacks):
    requirements = load_pack(specpacks / "module-level-log-controls", "mllc").requirements
    fr = requirements.requirement("FR-001")
    assert fr.sources == ["requirements.yml"]
    assert fr.acceptance == ["AC-001", "AC-002"]
    ac = requirements.criterion("AC-005")
    assert (ac.line, ac.status, ac.verification_method, ac.cites) == (40, "proposed", "hybrid", ["FR-003"])
    assert ac.sources == ["requirements.yml"]


def test_lti_flat_yaml_keeps_file_order_and_lines(specpacks):
    requirements = load_pack(specpacks / "lti-launch-hardening", "lti").requirements
    assert [r.id for r in requirements.requirements][:4] == ["FR-001", "FR-014", "FR-002", "FR-015"]
    assert requirements.criterion("AC-014").line == 149
    assert all(r.status is None for r in requirements.requirements)


def test_mer_statuses_and_methods(specpacks):
    requirements = load_pack(specpacks / "mer-5677-phases-of-the-moon", "mer").requirements
    assert {r.status for r in requirements.requirements} == {"proposed"}
    assert [c.verification_method for c in requirements.acceptance_criteria] == [
        "automated",
        "automated",
        "automated",
        "hybrid",
    ]
