"""Seeded random damage to real spec packs: the requirement model, notes, markers, the plan parser
and load_pack never raise, and what they return stays consistent with the damaged text.

The parsers run strictly here (``strict_parsing``): a bug is an exception, not the PARSE-* finding or
empty answer the server degrades to, so "never raises" means the parsers themselves never fail."""

from __future__ import annotations

import random
from pathlib import Path

from tests.shared_data import REPO_ROOT, require_shared
from torus_mcp.specs.ids import id_kind, normalize_id
from torus_mcp.specs.markdown import split_lines
from torus_mcp.specs.markers import find_markers
from torus_mcp.specs.notes import extract_notes
from torus_mcp.specs.pack import load_pack
from torus_mcp.specs.parse_guard import strict_parsing
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.requirements.extract import extract_requirements
from torus_mcp.specs.requirements.model import RequirementSet

EXAMPLE_DOCS = REPO_ROOT / "examples" / "torus-example" / "docs"

FRAGMENTS = [
    "|",
    "| FR-001 | x |",
    "|---|---|",
    "#",
    "## ",
    "### AC-",
    "**",
    "__",
    "`",
    "```",
    "- [",
    "- [ ] ",
    "- [x] ",
    "FR-",
    "FR-0",
    "FR1",
    "NFR-",
    "AC-",
    "AC-004b",
    "(FR-001, FR-9999)",
    "FR-001–FR-050",
    " — ",
    "Given ",
    "When ",
    "Then ",
    "Assumptions:",
    "Open Questions:",
    "TODO",
    "TBD",
    "FIXME",
    ": ",
    "- ",
    "  - ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a ",
    "!!python/object ",
    "'",
    '"',
    "%YAML 1.1",
    "---",
    "...",
    "\t",
    "    ",
    "é",
    "日本語",
    "🙂",
    "\u200b",
    "\u202e",
    "\u2028",
    "\r",
    "\x0c",
    "\x00",
]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 8)):
        if not lines:
            lines = [""]
        position = rng.randrange(len(lines))
        action = rng.choice(["delete", "duplicate", "swap", "insert", "splice", "indent", "truncate"])
        if action == "delete":
            del lines[position]
        elif action == "duplicate":
            lines.insert(position, lines[position])
        elif action == "swap":
            other = rng.randrange(len(lines))
            lines[position], lines[other] = lines[other], lines[position]
        elif action == "insert":
            lines.insert(position, "".join(rng.choices(FRAGMENTS, k=rng.randint(1, 5))))
        elif action == "splice":
            cut = rng.randint(0, len(lines[position]))
            line = lines[position]
            lines[position] = line[:cut] + rng.choice(FRAGMENTS) + line[cut:]
        elif action == "indent":
            lines[position] = " " * rng.choice([1, 2, 3, 4, 6, 8]) + lines[position]
        else:
            joined = "\n".join(lines)
            return joined[: rng.randint(0, len(joined))]
    return "\n".join(lines)


def read_packs(root: Path) -> list[dict[str, str]]:
    packs = []
    for directory in sorted({p.parent for p in root.rglob("*.md")} | {p.parent for p in root.rglob("*.yml")}):
        docs = {
            p.name: p.read_text(encoding="utf-8")
            for p in sorted(directory.iterdir())
            if p.is_file() and p.suffix in (".md", ".yml")
        }
        if "prd.md" in docs or "requirements.yml" in docs:
            packs.append(docs)
    return packs


def check_requirements(result: RequirementSet, docs: dict[str, str]) -> None:
    assert isinstance(result, RequirementSet)
    keys = [normalize_id(r.id) for r in result.requirements]
    assert len(keys) == len(set(keys))
    criteria = {normalize_id(c.id) for c in result.acceptance_criteria if c.id is not None}
    line_counts = {name: len(split_lines(text)) for name, text in docs.items()}
    for requirement in result.requirements:
        assert requirement.kind == id_kind(requirement.id)
        assert requirement.document in docs and requirement.sources[0] == requirement.document
        assert requirement.line is None or 1 <= requirement.line <= line_counts[requirement.document]
        assert {normalize_id(a) for a in requirement.acceptance} <= criteria
    for criterion in result.acceptance_criteria:
        assert criterion.id is None or id_kind(criterion.id) == "AC"
        assert all(id_kind(c) in ("FR", "NFR") for c in criterion.cites)
        assert criterion.document in docs
    for finding in result.findings:
        assert finding.severity in ("info", "warning", "error") and finding.message
        assert "could not be read for requirements" not in finding.message, finding


def check_document(name: str, text: str) -> None:
    total = len(split_lines(text))
    for marker in find_markers(text, name):
        assert 1 <= marker.line <= total and marker.kind in marker.text
    if name.endswith(".md"):
        for note in extract_notes(text, name):
            assert note.text and (note.line is None or 1 <= note.line <= total)
    if name == "plan.md":
        plan = parse_plan(text)
        assert all(f.rule != "PARSE-PLAN" for f in plan.findings), plan.findings
        assert all(phase.done <= phase.total for phase in plan.phases)


def fuzz(packs: list[dict[str, str]], rounds: int, seed: int, tmp_path: Path) -> None:
    with strict_parsing():
        _fuzz(packs, rounds, seed, tmp_path)


def _fuzz(packs: list[dict[str, str]], rounds: int, seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    for round_number in range(rounds):
        original = rng.choice(packs)
        docs = dict(original)
        # One document per round: the others are unchanged, and the parsers' caches keep this fast.
        name = rng.choice(sorted(docs))
        docs[name] = mutate(docs[name], rng)
        yaml_texts = {n: t for n, t in docs.items() if n.startswith("requirements")}
        result = extract_requirements(docs.get("prd.md"), yaml_texts, docs.get("fdd.md"))
        check_requirements(result, docs)
        for name, text in docs.items():
            if text is not original.get(name):
                check_document(name, text)
        if round_number % 25 == 0:
            # Through the files too; NUL bytes are refused by the reader, which is a finding.
            directory = tmp_path / f"pack{round_number}"
            directory.mkdir()
            for name, text in docs.items():
                (directory / name).write_text(text, encoding="utf-8", errors="surrogatepass")
            pack = load_pack(directory, f"pack{round_number}")
            assert set(pack.docs) <= set(docs)
            check_requirements(pack.requirements, pack.texts)


def test_mutating_the_real_packs_never_raises(tmp_path):
    root = require_shared("specpacks")
    packs = read_packs(root)
    assert len(packs) == 6
    fuzz(packs, rounds=1000, seed=3, tmp_path=tmp_path)


def test_mutating_the_example_pack_never_raises(tmp_path):
    packs = read_packs(EXAMPLE_DOCS)
    assert len(packs) == 2
    fuzz(packs, rounds=150, seed=11, tmp_path=tmp_path)


def test_hostile_inputs_never_raise():
    hostile = [
        "",
        "\x00" * 10,
        "|" * 5000,
        "- " * 3000 + "FR-1: deep",
        "> " * 500 + "AC-001 (FR-001) — Given a when b then c",
        "**" * 4000,
        "[" * 2000 + "FR-001",
        "\n".join(f"- FR-{n}: r{n}" for n in range(3000)),
        "\n".join(f"| AC-{n} | FR-{n} | Given a when b then c |" for n in range(2000)),
        "## Acceptance Criteria\n" + "Given x\n" * 2000,
        "FR-1–FR-9999 " * 200,
    ]
    with strict_parsing():
        for text in hostile:
            check_requirements(extract_requirements(text, {}, text), {"prd.md": text, "fdd.md": text})
            check_document("prd.md", text)
            check_requirements(
                extract_requirements(None, {"requirements.yml": text}), {"requirements.yml": text}
            )
