"""Sample plans for the plan tests: one with every heading and label form, one with plain bullets, one
with an inserted phase."""

from __future__ import annotations

from textwrap import dedent

PLAN = dedent(
    """\
    # Feature — Delivery Plan

    ## Clarifications
    - [ ] not a task: outside any phase

    ## Phase 0: Alignment & Spec Hygiene (Complete)
    Goal: Resolve spec mismatches.

    Tasks:
    - [x] Reconcile PRD section 11 (FR-001, AC-004b).
    - [x] Confirm defaults.

    Definition of Done:
    - PRD and FDD agree.

    Gate:
    - Spec sign-off.

    ---

    ## Phase 1. Core Routing *(can run in parallel with Phase 2)*
    - **Goal:** Route every call.
    - **Tasks**
    - [ ] Implement the router
      continued on a second line. FR1 NFR-2 FR1
      - [x] Nested sub-task
    - Testing Tasks:
      - [ ] Router tests
      - Command(s): `mix test test/router_test.exs`
    - **Definition of Done:** Router merged; tests green.
    - Gate:
      - `mix test` passes.
    - Dependencies:
      - Phase 0.

    ```markdown
    ## Phase 9: Not a phase
    - [ ] not a task
    ```

    ### Phase 2 — Admin UI
    - Goal: Expose the settings.
    - Tasks:
      - [ ] Form fields
      - [N/A] Dropped work

    ## Parallelization Notes
    - Phase 1 and 2 may overlap.

    ## Phase Gate Summary
    - Gate A: after Phase 0.
    - [ ] not a task either

    ## Phase 3 - Follow-up
    Tasks:
    - [x] Clean up
    """
)

PLAIN = dedent(
    """\
    # Plan

    ## Phase 1: Setup
    Goal: Prepare.

    Tasks:
    - Create the schema (FR-001)
      - detail, not a task
    - Write the migration

    Testing tasks:
    - Migration tests
    - Command(s): `mix test`

    Dependencies:
    - None

    ## Phase 2: Build
    - Tasks:
      - Build it
    """
)

INSERTED_PHASE = """\
# Plan

## Phase 1: Base

- [x] a

## Phase 1.5: Hotfix inserted later

- [ ] b (FR-002)

## Phase 2: Rest

- [ ] c
"""
