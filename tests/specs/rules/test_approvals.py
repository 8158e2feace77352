"""STALE-APPROVAL and STALE-UPSTREAM: approvals.yml pins section fingerprints of approved documents."""

from __future__ import annotations

import pytest

from tests.specs.gate_samples import GOOD_FDD, GOOD_PLAN, GOOD_PRD, line_of, replace_once
from tests.specs.rules.cases import Failing, assert_failing, assert_passing, passing_cases
from torus_mcp.documents import version_of
from torus_mcp.history.approvals import Approval, ApprovalFile, pin, render_approvals


def _approved(doc: str, text: str, upstream: dict[str, str] | None = None) -> str:
    """approvals.yml with ``doc`` approved at ``text``, written against ``upstream`` (name -> text)."""

    def pinned(name: str, body: str):
        return pin(name, body, version_of(body.encode()), None)

    approval = Approval(
        **pinned(doc, text).model_dump(),
        approved_at="2026-03-02T10:00:00Z",
        approver="Ada Lovelace <ada@example.com>",
        upstream=[pinned(name, body) for name, body in (upstream or {}).items()],
    )
    return render_approvals(ApprovalFile(approvals=[approval]))


_FDD_APPROVED = _approved("fdd.md", GOOD_FDD, {"prd.md": GOOD_PRD})
_PLAN_APPROVED = _approved("plan.md", GOOD_PLAN, {"prd.md": GOOD_PRD, "fdd.md": GOOD_FDD})
_FDD_EDITED = replace_once(GOOD_FDD, "Nothing is cached.", "Rendered pages are cached per revision.")
_PRD_EDITED = replace_once(GOOD_PRD, "- Preview a page in under a second.", "- Preview a page instantly.")

FAILING: dict[str, Failing] = {
    "STALE-APPROVAL": Failing(
        {"fdd": _FDD_EDITED, "approvals__yml": _FDD_APPROVED},
        "fdd.md",
        line_of(GOOD_FDD, "## 8. Caching Strategy"),
        "fdd.md: changed Caching Strategy",
    ),
    "STALE-UPSTREAM": Failing(
        {"prd": _PRD_EDITED, "approvals__yml": _FDD_APPROVED},
        "fdd.md",
        None,
        "approved against an earlier prd.md, which has since changed: changed Goals & Non-Goals",
    ),
}

PASSING: dict[str, list[dict[str, str | None]]] = {
    # Ticking a task, renumbering sections and blank lines are not changes of the approved content.
    "STALE-APPROVAL": [
        {"approvals__yml": _FDD_APPROVED},
        {
            "plan": replace_once(GOOD_PLAN, "- [ ] Escape author text", "- [x] Escape author text"),
            "approvals__yml": _PLAN_APPROVED,
        },
        {
            "fdd": GOOD_FDD.replace("## 8. Caching", "## 8.1 Caching").replace("\n\n", "\n\n\n"),
            "approvals__yml": _FDD_APPROVED,
        },
    ],
    "STALE-UPSTREAM": [
        {"approvals__yml": _PLAN_APPROVED},
        {"fdd": _FDD_EDITED, "approvals__yml": _approved("fdd.md", _FDD_EDITED, {"prd.md": GOOD_PRD})},
    ],
}


@pytest.mark.parametrize("rule_id", list(FAILING))
def test_failing_sample(tmp_path, rule_id):
    assert_failing(tmp_path, rule_id, FAILING[rule_id])


@pytest.mark.parametrize(**passing_cases(PASSING))
def test_passing_sample(tmp_path, rule_id, docs):
    assert_passing(tmp_path, rule_id, docs)
