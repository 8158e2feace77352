"""Small spec packs written for the gate tests: one that passes every rule, and ways to break it."""

from __future__ import annotations

from pathlib import Path

from torus_mcp.specs.pack import SpecPack, load_pack

GOOD_PRD = """\
# Sample Feature — PRD

## 1. Overview

Authors preview a page before publishing it.

## 2. Background & Problem Statement

Publishing to check a page is slow.

## 3. Goals & Non-Goals

Goals:
- Preview a page in under a second.

Non-Goals:
- Commenting.

## 4. Users & Use Cases

- Author previews a page.

## 5. UX / UI Requirements

- A Preview button in the editor toolbar.

## 6. Functional Requirements

| ID | Description | Priority | Owner |
|---|---|---|---|
| FR-001 | Render the page's blocks in order. | P0 | Authoring |
| FR-002 | Escape author text. | P0 | Authoring |

## 7. Acceptance Criteria

- AC-001 (FR-001) — Given a page with two blocks, when the author opens the preview, then both render in order.
- AC-002 (FR-002) — Given a paragraph with a script tag, when the preview renders, then the tag is shown as text.

## 8. Non-Functional Requirements

- p95 render under 200 ms.

## 9. Data Model & APIs

- No schema change.

## 10. Integrations & Platform Considerations

- None.

## 11. Feature Flagging, Rollout & Migration

- Flag `preview` per project.

## 12. Analytics & Success Metrics

- Half of pages previewed before publishing.

## 13. Risks & Mitigations

- Drift from delivery rendering: share renderers.

## 14. Open Questions & Assumptions

- Assumption: reviewers need no account.

## 15. QA Plan

- ExUnit tests per acceptance criterion.

## 16. Definition of Done

- [ ] Tests prove every acceptance criterion.
"""

GOOD_FDD = """\
# Sample Feature — FDD

## 1. Executive Summary

A pure rendering function behind a flag.

## 2. Requirements & Assumptions

- Render in order (FR-001) and escape text (FR-002).

## 3. Torus Context Summary

Delivery renders pages through `Oli.Rendering`.

## 4. Proposed Design

A `Preview.render/1` function.

## 5. Interfaces

`Preview.render(page) :: {:ok, html}`.

## 6. Data Model & Storage

No schema change.

## 7. Consistency & Transactions

Read only.

## 8. Caching Strategy

Nothing is cached.

## 9. Performance and Scalability Plan

Linear in the number of blocks.

## 10. Failure Modes & Resilience

An unknown block is skipped with a warning.

## 11. Observability

A telemetry event per render.

## 12. Security & Privacy

Authors of the project only.

## 13. Testing Strategy

Unit tests for AC-001 and AC-002.

## 14. Risks & Mitigations

Drift from delivery: shared renderers.

## 15. Open Questions & Follow-ups

None.

## 16. References

- prd.md
"""

GOOD_PLAN = """\
# Sample Feature — Plan

## Phase 1: Rendering

Goal: Render blocks in order.

Tasks:
- [x] Add `Preview.render/1` (FR-001)
- [ ] Escape author text (FR-002)

Definition of Done:
- Tests for AC-001 and AC-002 pass.

## Phase 2: Rollout

Goal: Ship behind the flag.

Tasks:
- [ ] Gate the button behind the `preview` flag

Definition of Done:
- The flag turns the button on and off.
"""

GOOD_REQUIREMENTS_YML = """\
version: 1
feature: sample
requirements:
- id: FR-001
  title: Render the page's blocks in order.
  status: proposed
  acceptance_criteria:
  - id: AC-001
    title: Given a page with two blocks, when the author opens the preview, then both render in order.
    status: proposed
    verification_method: automated
    proofs: []
- id: FR-002
  title: Escape author text.
  status: proposed
  acceptance_criteria:
  - id: AC-002
    title: Given a paragraph with a script tag, when the preview renders, then the tag is shown as text.
    status: proposed
    verification_method: automated
    proofs: []
"""

# A newer-era PRD: sections 6 and 7 only point at requirements.yml.
YAML_ERA_PRD = GOOD_PRD.split("## 6. Functional Requirements")[0] + (
    "## 6. Functional Requirements\n\nRequirements are found in requirements.yml\n\n"
    "## 7. Acceptance Criteria (Testable)\n\nRequirements are found in requirements.yml\n\n"
    "## 8. Non-Functional Requirements" + GOOD_PRD.split("## 8. Non-Functional Requirements")[1]
)

YAML_ONLY = {"prd": YAML_ERA_PRD, "requirements__yml": GOOD_REQUIREMENTS_YML}
"""A PRD that keeps its requirements and criteria in requirements.yml, with that file."""


def write_pack(directory: Path, **docs: str | None) -> Path:
    """Write a pack: ``prd``, ``fdd``, ``plan`` default to the good samples (None leaves one out);
    other keyword names are file names with dots written as ``__`` (``requirements__yml``)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {"prd.md": GOOD_PRD, "fdd.md": GOOD_FDD, "plan.md": GOOD_PLAN}
    for key, text in docs.items():
        name = {"prd": "prd.md", "fdd": "fdd.md", "plan": "plan.md"}.get(key, key.replace("__", "."))
        files[name] = text  # type: ignore[assignment]
    for name, text in files.items():
        if text is not None:
            (directory / name).write_text(text, encoding="utf-8")
    return directory


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new``; fails loudly when the sample no longer holds ``old``."""
    assert text.count(old) == 1, f"sample text changed: {old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the sample")


ALL_TICKED = GOOD_PLAN.replace("- [ ]", "- [x]")
NONE_TICKED = GOOD_PLAN.replace("- [x]", "- [ ]")
PRD_TWO_ERRORS = replace_once(GOOD_PRD, "- AC-002 (FR-002)", "- AC-002 (FR-009)")
FDD_WITH_TBD = replace_once(GOOD_FDD, "Nothing is cached.", "Caching: TBD.")


def pack_of(tmp_path: Path, name: str = "sample", **docs: str | None) -> SpecPack:
    """The pack written from the good sample with ``docs`` replaced, loaded."""
    return load_pack(write_pack(tmp_path / name, **docs), name)
