"""The approval gate rules, STALE-APPROVAL and STALE-UPSTREAM, read from the pack's approvals.yml.

Both are warnings by default: the stage stays what the documents' content earns, so packs that
predate approvals keep theirs; a project can make them errors in ``[gates.severity]``. They run at
every gate against that gate's document: STALE-APPROVAL when it changed since its approval,
STALE-UPSTREAM (fdd and plan gates) when a document it was approved against changed since, naming the
sections that changed. No git is needed: approvals.yml pins section fingerprints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from torus_mcp.history.approvals import (
    APPROVALS_FILE,
    ApprovalFile,
    ApprovalFileError,
    PinChange,
    content_changes,
    parse_approvals,
    upstream_changes,
)
from torus_mcp.history.fingerprints import SectionPrint, first_line
from torus_mcp.specs.rules.base import GATE_DOCS, GateName, Hit, Rule, RuleSpec
from torus_mcp.specs.rules.pack_view import PackView

if TYPE_CHECKING:
    from torus_mcp.specs.gate_report import GateReport

STALE_RULE_IDS = frozenset({"STALE-APPROVAL", "STALE-UPSTREAM"})


def _approvals(view: PackView) -> ApprovalFile | ApprovalFileError | None:
    cache = view.__dict__
    if "_approvals" not in cache:
        text = view.texts.get(APPROVALS_FILE)
        try:
            cache["_approvals"] = parse_approvals(text) if text is not None else None
        except ApprovalFileError as error:
            cache["_approvals"] = error
    return cache["_approvals"]


def _prints(view: PackView) -> dict[str, dict[str, SectionPrint]]:
    return view.__dict__.setdefault("_section_prints", {})


def _versions(view: PackView) -> dict[str, str]:
    return {name: info.version for name, info in view.pack.docs.items()}


def _changes_text(change: PinChange) -> str:
    if change.gone:
        return f"{change.doc} was deleted"
    return f"{change.doc}: {change.changes.describe()}"


def check_stale_approval(view: PackView, gate: GateName) -> Iterable[Hit]:
    approvals = _approvals(view)
    if isinstance(approvals, ApprovalFileError):
        if gate == "prd":
            yield Hit(
                APPROVALS_FILE,
                None,
                f"{approvals}, so no approval of this pack is known.",
                f"Restore {APPROVALS_FILE} from git, or delete it and approve the documents again with approve_doc.",
            )
        return
    doc = GATE_DOCS[gate]
    approval = approvals.get(doc) if approvals else None
    if approval is None:
        return
    changes = content_changes(approval, view.texts, _versions(view), _prints(view))
    if not changes:
        return
    when = approval.approved_at[:10]
    yield Hit(
        doc,
        first_line(changes[0].changes, _prints(view).get(changes[0].doc, {})),
        f"{doc} changed since {approval.approver} approved it on {when} ({'; '.join(map(_changes_text, changes))}).",
        f"Review the change (spec_diff {doc} from_rev=approved), then approve_doc {doc} again, or restore "
        "the approved text.",
    )


def check_stale_upstream(view: PackView, gate: GateName) -> Iterable[Hit]:
    approvals = _approvals(view)
    doc = GATE_DOCS[gate]
    approval = approvals.get(doc) if isinstance(approvals, ApprovalFile) else None
    if approval is None:
        return
    for change in upstream_changes(approval, view.texts, _versions(view), _prints(view)):
        what = "was deleted" if change.gone else f"changed: {change.changes.describe()}"
        yield Hit(
            doc,
            None,
            f"{doc} was approved against an earlier {change.doc}, which has since {what}.",
            f"Check {doc} against those {change.doc} sections and update it where they matter, then "
            f"approve_doc {doc} again to pin the current {change.doc}.",
        )


APPROVAL_RULES = (
    RuleSpec(
        Rule(
            id="STALE-APPROVAL",
            gate="all",
            severity="warning",
            title="an approved document is unchanged since its approval",
            description=(
                "The gate's document (with its requirements YAML for prd.md) still has the content recorded "
                "in approvals.yml by approve_doc, section by section; ticked checkboxes and requirement "
                "status or proofs do not count as changes. Also reports an approvals.yml that cannot be read."
            ),
        ),
        check_stale_approval,
    ),
    RuleSpec(
        Rule(
            id="STALE-UPSTREAM",
            gate="all",
            severity="warning",
            title="an approved document's upstream is unchanged",
            description=(
                "The documents an approved fdd.md or plan.md was written against (prd.md and requirements "
                "YAML; for plan.md also fdd.md) are as they were when it was approved; the finding names the "
                "upstream sections that changed since."
            ),
        ),
        check_stale_upstream,
    ),
)


def approved_docs(view: PackView) -> list[str]:
    """Documents with an approval whose content is still what was approved."""
    approvals = _approvals(view)
    if not isinstance(approvals, ApprovalFile):
        return []
    return [
        a.doc
        for a in approvals.approvals
        if a.doc in view.texts and not content_changes(a, view.texts, _versions(view), _prints(view))
    ]


def stale_notice(report: GateReport, builds_on: Iterable[str], own: str | None) -> list[str]:
    """Opening lines for a persona prompt when what it builds on changed since it was approved."""
    docs = set(builds_on)
    stale = [
        f
        for f in report.findings
        if f.rule in STALE_RULE_IDS
        and (f.document in docs or (f.document == own and f.rule == "STALE-UPSTREAM"))
    ]
    if not stale:
        return []
    lines = [
        "**Stale: documents this work builds on changed since they were approved.** Settle that first "
        "(review the changes, update what depends on them, re-approve), or ask the user how to proceed:",
        "",
    ]
    lines.extend(f"- `{f.rule}` ({f.document}): {f.message}" for f in stale)
    lines.append("")
    return lines
