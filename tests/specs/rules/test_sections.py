"""The PRD-SECTIONS* and FDD-SECTIONS* rules: required and expected sections, matched tolerantly."""

from __future__ import annotations

import re

import pytest

from tests.specs.gate_samples import (
    GOOD_FDD,
    GOOD_PRD,
    GOOD_REQUIREMENTS_YML,
    YAML_ERA_PRD,
    YAML_ONLY,
    replace_once,
)
from tests.specs.rules.cases import Failing, assert_failing, assert_passing, passing_cases, remove, report_of

_PRD_NO_USERS = remove(GOOD_PRD, "## 4. Users & Use Cases\n\n- Author previews a page.\n\n")

_PRD_NO_QA = remove(GOOD_PRD, "## 15. QA Plan\n\n- ExUnit tests per acceptance criterion.\n\n")

_FDD_NO_SECURITY = remove(GOOD_FDD, "## 12. Security & Privacy\n\nAuthors of the project only.\n\n")

_FDD_NO_REFERENCES = remove(GOOD_FDD, "## 16. References\n\n- prd.md\n")


def _tolerant_prd() -> str:
    """The good PRD with headings as real packs vary them: bold lines, no numbers, "and" for "&", suffixes."""
    out = []
    headings = 0
    for line in GOOD_PRD.splitlines():
        match = re.match(r"^## \d+\. (.*)$", line)
        if not match:
            out.append(line)
            continue
        headings += 1
        title = (
            match.group(1)
            .replace("&", "and")
            .replace("Acceptance Criteria", "Acceptance Criteria (Testable)")
        )
        out.append(f"**{title}**" if headings % 2 else f"### {title}")
    return "\n".join(out) + "\n"


def _bold_line_fdd() -> str:
    """The good FDD as the canary pack writes it: no '#' headings at all, bold lines instead, newer titles."""
    text = re.sub(r"^## \d+\. (.*)$", r"**\1**", GOOD_FDD.split("\n", 2)[2], flags=re.MULTILINE)
    text = text.replace("Torus Context Summary", "Repository Context Summary")
    return text.replace("Performance and Scalability Plan", "Performance & Scalability Posture")


FAILING: dict[str, Failing] = {
    "PRD-SECTIONS": Failing({"prd": _PRD_NO_USERS}, "prd.md", None, "'Users & Use Cases'"),
    "PRD-SECTIONS-EXPECTED": Failing({"prd": _PRD_NO_QA}, "prd.md", None, "'QA Plan'"),
    "FDD-SECTIONS": Failing({"fdd": _FDD_NO_SECURITY}, "fdd.md", None, "'Security & Privacy'"),
    "FDD-SECTIONS-EXPECTED": Failing({"fdd": _FDD_NO_REFERENCES}, "fdd.md", None, "'References'"),
}

PASSING: dict[str, list[dict[str, str | None]]] = {
    "PRD-SECTIONS": [
        {"prd": _tolerant_prd()},
        YAML_ONLY,
        # No FR / AC headings at all: requirements.yml holds them.
        {
            "prd": remove(
                remove(
                    YAML_ERA_PRD,
                    "## 6. Functional Requirements\n\nRequirements are found in requirements.yml\n\n",
                ),
                "## 7. Acceptance Criteria (Testable)\n\nRequirements are found in requirements.yml\n\n",
            ),
            "requirements__yml": GOOD_REQUIREMENTS_YML,
        },
    ],
    "PRD-SECTIONS-EXPECTED": [{"prd": _tolerant_prd()}],
    "FDD-SECTIONS": [{"fdd": _bold_line_fdd()}],
    "FDD-SECTIONS-EXPECTED": [{"fdd": _bold_line_fdd()}],
}


@pytest.mark.parametrize("rule_id", list(FAILING))
def test_failing_sample(tmp_path, rule_id):
    assert_failing(tmp_path, rule_id, FAILING[rule_id])


@pytest.mark.parametrize(**passing_cases(PASSING))
def test_passing_sample(tmp_path, rule_id, docs):
    assert_passing(tmp_path, rule_id, docs)


def test_the_document_title_does_not_stand_in_for_a_required_section(tmp_path):
    # "# Users and Roles — PRD" names the users, but it is the title, not a "Users & Use Cases" section.
    prd = replace_once(_PRD_NO_USERS, "# Sample Feature — PRD", "# Users and Roles — PRD")
    found = [f.message for f in report_of(tmp_path, {"prd": prd}).findings if f.rule == "PRD-SECTIONS"]
    assert found == ["prd.md has no 'Users & Use Cases' section (required by the Torus PRD skeleton)."]
