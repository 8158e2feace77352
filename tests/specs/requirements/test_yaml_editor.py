"""Editing one entry of requirements.yml in place: status and proofs, comments and layout untouched."""

from __future__ import annotations

import difflib

import pytest
import yaml

from torus_mcp.specs.requirements.yaml_editor import RequirementEditError, update_requirement

NESTED = """\
# Requirements for the canvas preview (kept by the analyst)
version: 1
feature: canvas-preview
requirements:
  - id: FR-001   # the core one
    title: "Render blocks: heading, paragraph, image"
    status: proposed
    acceptance_criteria:
      - id: AC-001
        title: Given a page, when previewed, then blocks render
        status: proposed
        verification_method: automated
        proofs:
          - type: test
            ref: test/preview_test.exs
      - id: AC-002
        title: Given bad markup, when previewed, then it is escaped
        verification_method: automated
        proofs: []
  - title: Links expire
    acceptance_criteria:
      - id: AC-003
        title: Given an old link, when opened, then it is refused
    id: FR-2
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_status_replaces_only_the_value() -> None:
    after, edit = update_requirement(NESTED, "FR-001", status="verified_fdd")
    assert changed_lines(NESTED, after) == ["-    status: proposed", "+    status: verified_fdd"]
    assert edit.previous_status == "proposed" and edit.status == "verified_fdd"
    assert "# the core one" in after and "# Requirements for the canvas preview" in after


def test_status_is_added_when_missing_and_ids_match_across_spellings() -> None:
    after, edit = update_requirement(NESTED, "FR2", status="verified_plan")
    data = yaml.safe_load(after)
    assert data["requirements"][1]["status"] == "verified_plan"
    assert edit.previous_status is None and edit.id == "FR-2"
    assert changed_lines(NESTED, after) == ["+    status: verified_plan"]


def test_proof_appends_to_an_existing_list() -> None:
    after, edit = update_requirement(NESTED, "AC-001", proof=("test", "test/preview_more_test.exs:10"))
    data = yaml.safe_load(after)
    proofs = data["requirements"][0]["acceptance_criteria"][0]["proofs"]
    assert proofs[-1] == {"type": "test", "ref": "test/preview_more_test.exs:10"}
    assert edit.proof_added and edit.proofs == 2
    assert all(line.startswith("+") for line in changed_lines(NESTED, after))


def test_proof_replaces_an_empty_flow_list_and_is_not_added_twice() -> None:
    once, _ = update_requirement(NESTED, "AC-002", proof=("test", "test/escape_test.exs"))
    twice, edit = update_requirement(once, "AC-002", proof=("test", "test/escape_test.exs"))
    assert twice == once and edit.proof_added is False and edit.proofs == 1
    assert yaml.safe_load(once)["requirements"][0]["acceptance_criteria"][1]["proofs"] == [
        {"type": "test", "ref": "test/escape_test.exs"}
    ]


def test_proofs_key_is_added_when_missing_and_odd_refs_are_quoted() -> None:
    after, _ = update_requirement(
        NESTED, "AC-003", status="verified", proof=("manual", "QA run: 2026-11-20 #4")
    )
    entry = yaml.safe_load(after)["requirements"][1]["acceptance_criteria"][0]
    assert entry["status"] == "verified"
    assert entry["proofs"] == [{"type": "manual", "ref": "QA run: 2026-11-20 #4"}]


def test_an_id_listed_twice_is_updated_in_both_places() -> None:
    text = (
        NESTED
        + "acceptance_criteria:\n  - id: AC-001\n    title: copy\n    status: proposed\n    proofs: []\n"
    )
    after, edit = update_requirement(text, "AC-001", status="verified")
    data = yaml.safe_load(after)
    assert data["requirements"][0]["acceptance_criteria"][0]["status"] == "verified"
    assert data["acceptance_criteria"][0]["status"] == "verified"
    assert edit.copies == 2


def test_crlf_files_stay_crlf() -> None:
    crlf = NESTED.replace("\n", "\r\n")
    after, _ = update_requirement(crlf, "AC-003", proof=("test", "test/link_test.exs"))
    assert "\n" not in after.replace("\r\n", "")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "done"}, "statuses in order: proposed < verified_fdd < verified_plan < verified"),
        ({}, "nothing to change"),
    ],
)
def test_bad_requests_are_refused(kwargs, message) -> None:
    with pytest.raises(RequirementEditError, match=message):
        update_requirement(NESTED, "FR-001", **kwargs)


def test_unknown_id_lists_the_ids() -> None:
    with pytest.raises(RequirementEditError) as caught:
        update_requirement(NESTED, "AC-099", status="verified")
    assert "AC-001" in str(caught.value) and "FR-2" in str(caught.value)


def test_invalid_yaml_and_flow_mappings_are_refused() -> None:
    with pytest.raises(RequirementEditError, match="not valid YAML at line"):
        update_requirement("requirements:\n  - id: FR-1\n   bad: [\n", "FR-1", status="verified")
    with pytest.raises(RequirementEditError, match="block style"):
        update_requirement("requirements:\n  - {id: FR-1, title: x}\n", "FR-1", status="verified")


def test_a_proof_recorded_without_a_type_counts_as_the_same_proof() -> None:
    text = (
        "requirements:\n  - id: AC-001\n    proofs:\n      - ref: test/a_test.exs\n      - test/b_test.exs\n"
    )
    for ref in ("test/a_test.exs", "test/b_test.exs"):
        after, edit = update_requirement(text, "AC-001", proof=("test", ref))
        assert (after, edit.proof_added, edit.proofs) == (text, False, 2)
