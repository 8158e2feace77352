"""Requirement tracing: FR -> acceptance criteria -> FDD sections -> plan tasks -> tests.

Tests point back to acceptance criteria with ExUnit tags (`@tag ac: "AC-005"`, `@moduletag fr:
"FR-001"`), comments (`# @ac "AC-005"`) or ids in test and describe names; requirements.yml
`proofs` count as traces too. The matrix lists every gap it sees instead of stopping at the first.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from torus_mcp.specs.evidence import QUALIFIED_RE, files_named_in_pack, names_pack, proof_finding
from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import ID_RE, normalize_id
from torus_mcp.specs.requirements.citations import find_ids

if TYPE_CHECKING:
    from torus_mcp.specs.sections import Section


# Lines of a test file where an id is a deliberate reference, not a coincidence.
_REFERENCE_CONTEXT = re.compile(
    r"@(?:module)?tag\b|(?:#|//)\s*@(?:ac|fr|nfr|requirement)\b|^\s*(?:test|describe|property)\s+\"|"
    r"\b(?:it|test|describe)(?:\.\w+)?\(\s*['\"`]|^\s*pub fn \w+_test\b",
    re.IGNORECASE,
)
_JS_TEST_RE = re.compile(r"(?:\.(?:test|spec)\.(?:ts|tsx|js|jsx)|_test\.(?:ts|tsx|js|jsx))$")
TEST_FILE_SUFFIXES = (".exs", ".ex")
MAX_TEST_FILE_BYTES = 1024 * 1024


class TestRef(BaseModel):
    file: str  # relative to the project root
    line: int
    kind: Literal["tag", "comment", "test name"]
    pack: str | None = Field(default=None, description='The pack it is qualified with ("math/help:AC-005")')


class AcceptanceTrace(BaseModel):
    id: str | None
    text: str
    cites: list[str]
    fdd_sections: list[str]
    plan_tasks: list[str]
    tests: list[TestRef] = Field(description="Tests that cite it and belong to this pack")
    unlinked_tests: list[TestRef] = Field(
        default_factory=list, description="Tests that mention the id but are not linked to this pack"
    )
    proofs: list[str] = Field(description="requirements.yml proofs that hold")
    missing_proofs: list[str] = Field(default_factory=list, description="Proofs whose file does not exist")
    covered: bool = Field(description="True when a linked test cites it or a proof holds")


class RequirementTrace(BaseModel):
    id: str
    title: str
    acceptance: list[AcceptanceTrace]
    fdd_sections: list[str]
    plan_tasks: list[str]
    tests: list[TestRef]


class TraceMatrix(BaseModel):
    feature: str
    phase: str | None
    requirements: list[RequirementTrace]
    unlinked_acceptance: list[AcceptanceTrace] = Field(description="Acceptance criteria citing no known FR")
    gaps: list[str]
    acceptance_total: int
    acceptance_covered: int
    notes: list[str]
    findings: list[Finding] = Field(default_factory=list, description="PROOF-MISSING findings")


def scan_test_references(root: Path) -> dict[str, list[TestRef]]:
    """Every FR/AC id referenced from the project's tests, by normalized id: ExUnit (test/ and
    apps/*/test/), Jest/TS (assets/: *.test.ts(x), *.spec.js, *_test.tsx ...) and Gleam (gleam/test/)."""
    found: dict[str, list[TestRef]] = {}
    kinds = [
        ([root / "test", *sorted((root / "apps").glob("*/test"))], lambda n: n.endswith(TEST_FILE_SUFFIXES)),
        ([root / "assets"], lambda n: bool(_JS_TEST_RE.search(n))),
        ([root / "gleam" / "test"], lambda n: n.endswith(".gleam")),
    ]
    for test_dirs, wanted in kinds:
        for test_dir in test_dirs:
            if not test_dir.is_dir():
                continue
            for dirpath, dirnames, filenames in os.walk(test_dir):
                dirnames[:] = [d for d in dirnames if not d.startswith((".", "_build", "node_modules"))]
                for name in filenames:
                    if wanted(name):
                        _scan_file(Path(dirpath) / name, root, found)
    return found


def _scan_file(path: Path, root: Path, found: dict[str, list[TestRef]]) -> None:
    try:
        if path.stat().st_size > MAX_TEST_FILE_BYTES:
            return
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    if not ID_RE.search(text):
        return
    rel = path.relative_to(root).as_posix()
    for number, line in enumerate(text.splitlines(), start=1):
        if not ID_RE.search(line):
            continue
        context = _REFERENCE_CONTEXT.search(line)
        if not context:
            continue
        token = context.group(0).lower()
        kind: Literal["tag", "comment", "test name"] = (
            "tag" if "tag" in token else "comment" if token.lstrip().startswith("#") else "test name"
        )
        qualified = {m.start("id"): m.group("pack") for m in QUALIFIED_RE.finditer(line)}
        for match in ID_RE.finditer(line):
            refs = found.setdefault(normalize_id(match.group(0)), [])
            ref = TestRef(file=rel, line=number, kind=kind, pack=qualified.get(match.start()))
            if ref not in refs:
                refs.append(ref)


def _section_label(section: Section) -> str:
    number = f"{section.number} " if section.number else ""
    return f"{number}{section.title} (line {section.line})"


def _fdd_citations(fdd_text: str | None, sections: list[Section]) -> dict[str, list[str]]:
    """Normalized id -> labels of the FDD sections whose own lines mention it."""
    cites: dict[str, list[str]] = {}
    if not fdd_text:
        return cites
    for number, line in enumerate(fdd_text.splitlines(), start=1):
        ids = [m.group(0) for m in ID_RE.finditer(line)]
        if not ids:
            continue
        owner = None
        for section in sections:
            if section.line <= number <= section.end_line:
                owner = section  # document order: the last match is the innermost section
        label = _section_label(owner) if owner else f"line {number}"
        for raw in ids:
            labels = cites.setdefault(normalize_id(raw), [])
            if label not in labels:
                labels.append(label)
    return cites


def build_trace(
    pack, root: Path, phase: str | None = None, foreign_ids: set[str] | None = None
) -> TraceMatrix:
    """The traceability matrix of a loaded SpecPack; `phase` narrows it to the ids that phase cites in
    its tasks, goal, definition of done and gate text. ``foreign_ids`` are the (normalized) ids other
    packs of the repository define too: a plain citation of one of them counts only from a test the
    pack's documents name (see :mod:`torus_mcp.specs.evidence`)."""
    from torus_mcp.specs.plan.lookup import find_phase

    reqs = pack.requirements
    tests = scan_test_references(root)
    named = files_named_in_pack(pack)
    foreign = foreign_ids or set()
    findings: list[Finding] = []

    def linked(key: str, ref: TestRef) -> bool:
        if ref.pack is not None:
            return names_pack(ref.pack, pack)
        if ref.file in named or ref.file.rsplit("/", 1)[-1] in named:
            return True
        return key not in foreign

    fdd = _fdd_citations(pack.texts.get("fdd.md"), pack.fdd_sections)
    tasks: dict[str, list[str]] = {}
    for ph in pack.plan.phases if pack.plan else []:
        for task in ph.tasks:
            label = f"{ph.label} task {task.index}: {task.text[:80]}"
            for raw in task.ids:
                tasks.setdefault(normalize_id(raw), []).append(label)

    notes: list[str] = []
    wanted: set[str] | None = None
    phase_label = None
    if phase is not None:
        if pack.plan is None:
            raise ValueError(f"{pack.feature} has no plan.md, so it has no phase {phase!r}.")
        chosen = find_phase(pack.plan, phase)
        phase_label = chosen.label
        # As the gate rules read a phase: its tasks, goal, definition of done and gate text.
        prose = " ".join([chosen.goal or "", *chosen.definition_of_done, *chosen.gate_criteria])
        wanted = {normalize_id(i) for t in chosen.tasks for i in t.ids} | {
            normalize_id(i) for i in find_ids(prose)
        }
        if not wanted:
            notes.append(
                f"{chosen.label}'s tasks cite no FR/AC ids, so nothing can be narrowed to it; "
                "trace without a phase, or cite the ids in the tasks."
            )

    def ac_trace(ac) -> AcceptanceTrace:
        key = normalize_id(ac.id) if ac.id else None
        refs = tests.get(key, []) if key else []
        own = [r for r in refs if linked(key, r)] if key else []
        proofs, missing = [], []
        for proof in ac.proofs:
            problem = proof_finding(ac.id or "an acceptance criterion", proof.ref, root, pack)
            if problem is None:
                proofs.append(proof.ref)
            else:
                missing.append(proof.ref)
                if problem not in findings:
                    findings.append(problem)
        return AcceptanceTrace(
            id=ac.id,
            text=ac.text[:300],
            cites=ac.cites,
            fdd_sections=fdd.get(key, []) if key else [],
            plan_tasks=tasks.get(key, []) if key else [],
            tests=own,
            unlinked_tests=[r for r in refs if r not in own],
            proofs=proofs,
            missing_proofs=missing,
            covered=bool(own or proofs),
        )

    known = {normalize_id(r.id): r for r in reqs.requirements}
    by_fr: dict[str, list] = {k: [] for k in known}
    unlinked = []
    for ac in reqs.acceptance_criteria:
        cited = [normalize_id(c) for c in ac.cites if normalize_id(c) in known]
        for fr in cited:
            by_fr[fr].append(ac)
        if not cited:
            unlinked.append(ac)

    rows: list[RequirementTrace] = []
    gaps: list[str] = []
    for key, req in known.items():
        acs = by_fr[key]
        if wanted is not None:
            direct = key in wanted
            acs = [a for a in acs if direct or (a.id and normalize_id(a.id) in wanted)]
            if not direct and not acs:
                continue
        row = RequirementTrace(
            id=req.id,
            title=req.title[:300],
            acceptance=[ac_trace(a) for a in acs],
            fdd_sections=fdd.get(key, []),
            plan_tasks=tasks.get(key, []),
            tests=[r for r in tests.get(key, []) if linked(key, r)],
        )
        rows.append(row)
        if not by_fr[key]:
            gaps.append(f"{req.id} has no acceptance criterion.")
        if (
            "fdd.md" in pack.texts
            and not row.fdd_sections
            and not any(a.fdd_sections for a in row.acceptance)
        ):
            gaps.append(f"{req.id} is not cited by any FDD section.")
        for ac in row.acceptance:
            if not ac.covered:
                gaps.append(
                    f"{ac.id or 'an unnumbered criterion'} ({req.id}) has no test reference or proof."
                )
    unlinked_traces = [ac_trace(a) for a in unlinked] if wanted is None else []
    for ac in unlinked_traces:
        gaps.append(f"{ac.id or 'an unnumbered criterion'} cites no known FR.")
    # An AC citing two FRs shows under both; count it once.
    all_acs = list({(a.id or a.text): a for r in rows for a in r.acceptance}.values()) + unlinked_traces
    return TraceMatrix(
        feature=pack.feature,
        phase=phase_label,
        requirements=rows,
        unlinked_acceptance=unlinked_traces,
        gaps=list(dict.fromkeys(gaps)),
        acceptance_total=len(all_acs),
        acceptance_covered=sum(a.covered for a in all_acs),
        notes=notes,
        findings=findings,
    )
