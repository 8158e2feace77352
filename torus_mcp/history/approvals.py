"""Approval records: ``approvals.yml`` in a pack, which documents were approved at which content.

One entry per approved document (prd.md, fdd.md or plan.md), replaced when it is approved again::

    approvals:
    - doc: fdd.md
      version: sha256:...            # as read_doc returns it
      blob: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad   # git's id of the same bytes
      commit: 9fceb02d0ae598e95dc970b74767f19372d61af8 # HEAD when it was approved
      approved_at: '2026-03-02T10:04:00Z'
      approver: Ada Lovelace <ada@example.com>          # from git config
      note: reviewed with the team
      sections: {Executive Summary: 1f2e3d4c5b, ...}   # fingerprints (torus_mcp.history.fingerprints)
      upstream:                                          # what it was written against
      - {doc: prd.md, version: sha256:..., blob: ..., sections: {...}}

prd.md's entry pins the pack's requirements YAML under ``includes`` (it is part of the PRD); fdd.md
is written against prd.md and the requirements YAML, plan.md against those and fdd.md. Only the
approval tools write this file (write_doc refuses it); this module reads and renders it and says
what changed since, without git.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field, ValidationError

from torus_mcp.history.fingerprints import SectionChanges, SectionPrint, compare, fingerprints

APPROVALS_FILE = "approvals.yml"
APPROVABLE = ("prd.md", "fdd.md", "plan.md")
_HEX = r"^[0-9a-f]{40}([0-9a-f]{24})?$"
_HEADER = (
    "# Approvals of this spec pack, written by torus-mcp's approve_doc tool; do not edit by hand.\n"
    "# Each entry pins the approved content and what it was written against; check_gates reports\n"
    "# STALE-APPROVAL and STALE-UPSTREAM when they change.\n"
)


class ApprovalFileError(ValueError):
    """approvals.yml cannot be read; the message says how to recover."""


class Pin(BaseModel):
    """One document's content at approval time."""

    doc: str
    version: str | None = None
    """None: the document did not exist then."""
    blob: str | None = Field(default=None, pattern=_HEX)
    sections: dict[str, str] = Field(default_factory=dict)


class Approval(Pin):
    commit: str | None = Field(default=None, pattern=_HEX)
    approved_at: str
    approver: str
    note: str | None = None
    includes: list[Pin] = Field(default_factory=list)
    upstream: list[Pin] = Field(default_factory=list)


class ApprovalFile(BaseModel):
    approvals: list[Approval] = Field(default_factory=list)

    def get(self, doc: str) -> Approval | None:
        return next((a for a in self.approvals if a.doc == doc), None)

    def with_approval(self, approval: Approval) -> ApprovalFile:
        others = [a for a in self.approvals if a.doc != approval.doc]
        ordered = sorted([*others, approval], key=lambda a: (_order(a.doc), a.doc))
        return ApprovalFile(approvals=ordered)


def _order(doc: str) -> int:
    return APPROVABLE.index(doc) if doc in APPROVABLE else len(APPROVABLE)


def is_requirements_yaml(name: str) -> bool:
    return name.startswith("requirements") and name.endswith((".yml", ".yaml"))


def includes_of(doc: str, pack_docs: list[str]) -> list[str]:
    """Documents approved together with ``doc``: the requirements YAML for prd.md."""
    return sorted(d for d in pack_docs if is_requirements_yaml(d)) if doc == "prd.md" else []


def upstream_of(doc: str, pack_docs: list[str]) -> list[str]:
    """Documents ``doc`` is written against."""
    requirements = sorted(d for d in pack_docs if is_requirements_yaml(d))
    if doc == "fdd.md":
        return ["prd.md", *requirements]
    if doc == "plan.md":
        return ["prd.md", *requirements, "fdd.md"]
    return []


def pin(doc: str, text: str | None, version: str | None, blob: str | None) -> Pin:
    sections = {} if text is None else {n: p.digest for n, p in fingerprints(doc, text).items()}
    return Pin(doc=doc, version=version, blob=blob, sections=sections)


def parse_approvals(text: str) -> ApprovalFile:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "unreadable"
        raise ApprovalFileError(f"{APPROVALS_FILE} is not valid YAML ({where}{problem})") from exc
    if data is None:
        return ApprovalFile()
    try:
        return ApprovalFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise ApprovalFileError(
            f"{APPROVALS_FILE} does not hold approvals as written by approve_doc ({where}: {first['msg']})"
        ) from exc


def render_approvals(approvals: ApprovalFile) -> str:
    import yaml

    data = {"approvals": [_entry(a) for a in approvals.approvals]}
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return _HEADER + body


_KEY_ORDER = (
    "doc",
    "version",
    "blob",
    "commit",
    "approved_at",
    "approver",
    "note",
    "sections",
    "includes",
    "upstream",
)


def _entry(approval: Approval) -> dict:
    """An approval as YAML data: who and when before the fingerprints, empty parts left out."""
    data = approval.model_dump(mode="json", exclude_none=True)
    return {key: data[key] for key in _KEY_ORDER if key in data and data[key] != []}


# ---------------------------------------------------------------------------------------------
# What changed since


class PinChange(BaseModel):
    doc: str
    changes: SectionChanges
    gone: bool = False
    """The document was deleted since."""


def _current(
    doc: str, texts: Mapping[str, str], cache: dict[str, dict[str, SectionPrint]]
) -> dict[str, SectionPrint] | None:
    if doc not in texts:
        return None
    if doc not in cache:
        cache[doc] = fingerprints(doc, texts[doc])
    return cache[doc]


def pin_change(
    pinned: Pin,
    texts: Mapping[str, str],
    versions: Mapping[str, str],
    cache: dict[str, dict[str, SectionPrint]],
) -> PinChange | None:
    """How a pinned document differs now, or None when it is as pinned (progress aside)."""
    if pinned.version is not None and versions.get(pinned.doc) == pinned.version:
        return None
    now = _current(pinned.doc, texts, cache)
    if now is None:
        if pinned.version is None:
            return None
        return PinChange(doc=pinned.doc, changes=SectionChanges(removed=list(pinned.sections)), gone=True)
    changes = compare(pinned.sections, now)
    return PinChange(doc=pinned.doc, changes=changes) if changes else None


def content_changes(
    approval: Approval,
    texts: Mapping[str, str],
    versions: Mapping[str, str],
    cache: dict[str, dict[str, SectionPrint]],
) -> list[PinChange]:
    """Changes to the approved document (and what it includes) since its approval."""
    found = [pin_change(p, texts, versions, cache) for p in (approval, *approval.includes)]
    return [c for c in found if c is not None]


def upstream_changes(
    approval: Approval,
    texts: Mapping[str, str],
    versions: Mapping[str, str],
    cache: dict[str, dict[str, SectionPrint]],
) -> list[PinChange]:
    """Changes to the documents ``approval`` was written against."""
    found = [pin_change(p, texts, versions, cache) for p in approval.upstream]
    return [c for c in found if c is not None]


def approved_pin(approvals: ApprovalFile, doc: str) -> tuple[Approval, Pin] | None:
    """The approval pinning ``doc`` as approved content (its own, or prd.md's requirements YAML)."""
    for approval in approvals.approvals:
        for pinned in (approval, *approval.includes):
            if pinned.doc == doc:
                return approval, pinned
    return None
