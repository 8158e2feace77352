"""requirements.yml in every schema variant the real packs use, and odd or broken YAML."""

from __future__ import annotations

import pytest

from tests.specs.requirements.samples import NESTED, criteria, yml
from torus_mcp.specs.requirements.model import PARSE_RULE, YAML_RULE


def test_nested_yaml_with_proofs_and_statuses():
    result = yml(NESTED)
    assert [(r.id, r.status, r.line, r.acceptance) for r in result.requirements] == [
        ("FR-001", "verified", 4, ["AC-001"]),
        ("FR-002", "implemented", 16, ["AC-002"]),
    ]
    first, second = result.acceptance_criteria
    assert (first.id, first.cites, first.given_when_then, first.status, first.verification_method) == (
        "AC-001",
        ["FR-001"],
        True,
        "verified",
        "automated",
    )
    assert [(p.type, p.ref) for p in first.proofs] == [
        ("test", "test/render_test.exs"),
        (None, "test/other_test.exs"),
    ]
    assert (second.status, second.verification_method, second.proofs, second.line) == (
        "pending",
        "hybrid",
        [],
        20,
    )
    assert result.findings == []


def test_flat_yaml_with_id_last_and_cite_keys():
    result = yml(
        """
        work_item: demo
        requirements:
        - title: Torus shall fall back
            to the cookie path.
          id: FR-014
        - {id: NFR-1, title: Fast}
        acceptance_criteria:
        - title: Given no capability, when a user launches, then the cookie path is used.
          id: AC-010
          requirements: [FR-014]
        - id: AC-011
          title: Launch is fast.
          covers: NFR-1
          verification_method: manual
        - id: AC-012
          title: Unlinked.
        """
    )
    assert [(r.id, r.kind, r.title) for r in result.requirements] == [
        ("FR-014", "FR", "Torus shall fall back to the cookie path."),
        ("NFR-1", "NFR", "Fast"),
    ]
    assert criteria(result) == [
        ("AC-010", ["FR-014"], True),
        ("AC-011", ["NFR-1"], False),
        ("AC-012", [], False),
    ]


def test_yaml_keyed_by_id_and_criteria_listed_by_id():
    result = yml(
        """
        requirements:
          FR-001:
            title: Render
            acceptance_criteria: [AC-001, AC-404]
          FR-002: Escape
        acceptance_criteria:
          AC-001: {title: "Given a, when b, then c"}
        """
    )
    assert [(r.id, r.title) for r in result.requirements] == [("FR-001", "Render"), ("FR-002", "Escape")]
    assert criteria(result) == [("AC-001", ["FR-001"], True)]
    [finding] = result.findings
    assert "AC-404" in finding.message and finding.severity == "warning"


def test_yaml_given_when_then_keys():
    result = yml("acceptance_criteria:\n- id: AC-1\n  given: a page\n  when: it renders\n  then: it shows\n")
    assert result.acceptance_criteria[0].text == "Given a page When it renders Then it shows"
    assert result.acceptance_criteria[0].given_when_then


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("requirements:\n- id: FR-001\n  title: [unclosed\n", 4),
        ("requirements:\n  - id: FR-001\n   title: bad indent\n", 3),
        ("requirements:\n- id: FR-001\n  title: x\n\tstatus: tab\n", 4),
    ],
)
def test_malformed_yaml_is_a_finding_naming_file_and_line(text, line):
    result = yml(text, name="requirements_bulk.yml")
    assert result.requirements == []
    [finding] = result.findings
    assert (finding.rule, finding.document, finding.line) == (YAML_RULE, "requirements_bulk.yml", line)
    assert f"line {line}" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "just a string",
        "- 1\n- [2]\n- {id: 3}\n",
        "requirements: 5\n",
        "requirements:\n- id: REQ-1\n  title: wrong scheme\n- title: no id\n",
        "requirements:\n- id: FR-1\n  acceptance_criteria:\n  - [nested, list]\n  - id: AC-1\n    proofs: [{type: t}, 7]\n",
        "a: &a [1, 2]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nrequirements: [*c, *c, *c, *c, *c]\n",
        "requirements:\n" + "  - " * 200 + "x\n",
        "? [complex, key]\n: value\nrequirements: []\n",
    ],
)
def test_odd_yaml_never_raises(text):
    result = yml(text)
    assert all(f.rule in (PARSE_RULE, YAML_RULE) for f in result.findings)


def test_yaml_criterion_with_a_foreign_id_is_read_as_unnumbered():
    result = yml(
        "requirements:\n- id: FR-1\n  acceptance_criteria:\n  - id: SC-1\n    title: Works.\n"
        "    proofs:\n    - type: test\n"
    )
    assert criteria(result) == [(None, ["FR-1"], False)]
    lines = {f.line: f.message for f in result.findings}
    assert "'SC-1' is not an AC id" in lines[4]
    assert "no 'ref'" in lines[7]
    assert "has no title" in lines[2]


def test_duplicate_yaml_key_is_reported_and_last_wins():
    result = yml("requirements:\n- id: FR-001\n  title: first\n  title: second\n")
    assert result.requirements[0].title == "second"
    [finding] = result.findings
    assert finding.line == 4 and "twice" in finding.message


def test_yaml_scalar_entries_keyed_by_id_may_be_fr_or_nfr():
    result = yml("requirements:\n  FR-001: Render\n  NFR-001: Fast\n  AC-001: not a requirement\n")
    assert [(r.id, r.kind, r.title) for r in result.requirements] == [
        ("FR-001", "FR", "Render"),
        ("NFR-001", "NFR", "Fast"),
    ]
    [finding] = result.findings
    assert "'not a requirement' has no FR/NFR id" in finding.message
