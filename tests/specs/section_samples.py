"""Sample Markdown documents for the section tests: a numbered PRD and an FDD headed by bold lines."""

from __future__ import annotations

from textwrap import dedent

PRD = dedent(
    """\
    # Feature — PRD

    ## 1. Overview
    Short.

    ## 2. Goals & Non-Goals
    ### Goals
    - g
    ### Non-Goals
    - n

    ## 3. Functional Requirements
    ### 3.1 Routing
    text
    ### 3.2 Budgets
    text

    ## 7. Acceptance Criteria (Testable)
    - AC-001

    ## 2026 Roadmap
    later

    """
)


FDD_BOLD = dedent(
    """\
    **Executive Summary**
    The design does things.

    **Requirements & Assumptions:**
    Functional Requirements
    - FR1: something

    **Goal:** not a heading, text follows the bold run
    - **Tasks** (inside a list item, not a heading)

    **Proposed Design**

    *Component Roles* (italic, not a heading)
    text
    """
)
