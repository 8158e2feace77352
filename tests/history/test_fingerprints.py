"""Section fingerprints: what counts as a change of a spec, and how sections are named."""

from __future__ import annotations

from torus_mcp.history.diffs import diff_texts
from torus_mcp.history.fingerprints import PREAMBLE, compare, digests, fingerprints

DOC = """\
# Title

Intro.

## 1. Goals

- Fast.

## 2. Design

### 2.1 Storage

Postgres.

### 2.2 Caching

None.

## 3. Tasks

- [ ] Build it
"""


def _changes(before: str, after: str, doc: str = "fdd.md"):
    return compare(digests(fingerprints(doc, before)), fingerprints(doc, after))


def test_sections_are_named_by_their_titles_from_the_top() -> None:
    assert list(fingerprints("fdd.md", DOC)) == [
        "Title",
        "Goals",
        "Design",
        "Design > Storage",
        "Design > Caching",
        "Tasks",
    ]
    assert list(fingerprints("x.md", "preamble\n# A\n# B\n## C\n")) == [PREAMBLE, "A", "B", "B > C"]


def test_a_change_in_a_subsection_is_that_subsection_only() -> None:
    changes = _changes(DOC, DOC.replace("Postgres.", "Postgres, one table."))
    assert (changes.changed, changes.added, changes.removed) == (["Design > Storage"], [], [])


def test_added_removed_and_renamed_sections() -> None:
    after = DOC.replace("### 2.2 Caching\n\nNone.\n\n", "").replace(
        "## 3. Tasks", "## 3. Rollout\n\nFlag.\n\n## 4. Tasks"
    )
    changes = _changes(DOC, after)
    assert changes.added == ["Rollout"] and changes.removed == ["Design > Caching"] and changes.changed == []
    assert changes.describe() == "added Rollout; removed Design > Caching"


def test_progress_numbering_and_blank_lines_are_not_changes() -> None:
    after = DOC.replace("- [ ] Build it", "- [x] Build it").replace("## 1. Goals", "## 4. Goals")
    after = after.replace("\n\n", "\n\n\n").replace("Fast.", "Fast.   ")
    assert not _changes(DOC, after)


def test_requirements_yaml_is_fingerprinted_by_id_without_status_or_proofs() -> None:
    yml = (
        "version: 1\nrequirements:\n- id: FR-001\n  title: Render.\n  status: proposed\n"
        "  acceptance_criteria:\n  - id: AC-001\n    title: Given x, when y, then z.\n    proofs: []\n"
    )
    assert list(fingerprints("requirements.yml", yml)) == ["version", "FR-001", "AC-001"]
    progress = yml.replace("status: proposed", "status: verified").replace(
        "proofs: []", "proofs: [{type: test, ref: t.exs}]"
    )
    assert not _changes(yml, progress, "requirements.yml")
    reworded = yml.replace("then z.", "then zz.")
    assert _changes(yml, reworded, "requirements.yml").changed == ["AC-001"]  # FR-001's own text is the same
    assert list(fingerprints("requirements.yml", "not: [valid")) == ["(whole file)"]


def test_diff_texts_gives_sections_and_a_unified_diff() -> None:
    result = diff_texts("f", "fdd.md", DOC, DOC.replace("None.", "Per revision."), "HEAD", "working tree")
    assert result.sections_changed == ["Design > Caching"]
    assert "-None.\n+Per revision.\n" in result.diff
    assert result.diff.startswith("--- fdd.md (HEAD)\n+++ fdd.md (working tree)\n")
    assert result.diff_chars == len(result.diff)
    same = diff_texts("f", "fdd.md", DOC, DOC, "a", "b")
    assert same.diff == "" and not (same.sections_changed or same.sections_added or same.sections_removed)
    big = diff_texts("f", "x.md", "", "line\n" * 20_000, "a", "b")
    assert len(big.diff) <= 60_000 < big.diff_chars and big.diff.endswith("\n")
