"""Gate-check benchmark: `check_gates` over a generated spec tree, against markdown-it-py parsing the same files.

Run: `python bench/gates.py` (prints numbers, never fails). `--features N` changes the tree size.

1. A spec tree of 200 generated features is written to a temporary project: each pack's prd.md,
   fdd.md and plan.md together weigh 15-40 KB like the real Torus packs (the six in
   shared/specpacks weigh 24-67 KB with their YAML), in the Torus skeletons, with FR tables, Given/
   When/Then criteria, inline code, bold, links, tables and code blocks; 60% carry a nested
   requirements.yml and a PRD whose sections 6 and 7 point at it.
2. Baseline: read every .md file and parse it with `MarkdownIt("commonmark").parse` (what merely
   parsing costs). Cold: every cache cleared, then discover the packs, `load_pack` and `check_gates`
   each. Both run in this process, interleaved, several times; medians are printed as ms per
   feature with the cold/baseline ratio (target: <= 2). Warm: the same check again with the caches
   filled (nothing changed on disk, so nothing is parsed again).
3. `resources/list` through an in-memory `mcp.Client` on `torus_mcp.server.create_server`, cold and
   warm, when the server package is present.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPETITIONS = 5
WARM_REPETITIONS = 5

_WORDS = [
    "author",
    "instructor",
    "student",
    "section",
    "project",
    "page",
    "revision",
    "activity",
    "objective",
    "LiveView",
    "context",
    "telemetry",
    "migration",
    "schema",
    "changeset",
    "query",
    "index",
    "cache",
    "PubSub",
    "supervisor",
    "GenServer",
    "tenant",
    "institution",
    "publisher",
    "LTI",
    "launch",
    "deployment",
    "registration",
    "rollout",
    "flag",
    "scoped",
    "preview",
    "render",
    "block",
    "warning",
    "error",
    "timeout",
    "retry",
    "backoff",
    "audit",
    "event",
    "metric",
    "latency",
    "p95",
    "budget",
    "transaction",
    "consistency",
    "lock",
    "review",
    "accessibility",
    "keyboard",
    "screen",
    "reader",
    "curriculum",
    "container",
    "unit",
    "module",
    "delivery",
    "authoring",
    "workspace",
    "admin",
    "permission",
    "role",
    "policy",
    "token",
    "signature",
    "expiry",
    "link",
    "bulk",
    "tag",
]
_MODULES = (
    "Oli.Authoring.Course",
    "Oli.Delivery.Sections",
    "OliWeb.Curriculum.ContainerLive",
    "Oli.Resources",
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
    roll = rng.random()
    if roll < 0.25:
        words[rng.randrange(len(words))] = (
            f"`{rng.choice(_MODULES)}.{rng.choice(_WORDS)}/{rng.randint(1, 3)}`"
        )
    elif roll < 0.4:
        words[rng.randrange(len(words))] = f"**{rng.choice(_WORDS)}**"
    elif roll < 0.5:
        words[rng.randrange(len(words))] = f"[{rng.choice(_WORDS)}](https://example.org/{rng.choice(_WORDS)})"
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: tuple[int, int] = (2, 5)) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(*sentences)))


def _bullets(rng: random.Random, count: int, ids: list[str] | None = None) -> str:
    lines = []
    for _ in range(count):
        cite = f" ({rng.choice(ids)})" if ids and rng.random() < 0.5 else ""
        lines.append(f"- {_sentence(rng)[:-1]}{cite}.")
    return "\n".join(lines)


def _grow(
    parts: list[str], target: int, rng: random.Random, make: Callable[[], str], keep: tuple[int, ...] = ()
) -> None:
    """Append generated blocks to random sections (not those in ``keep``) until the text reaches ``target`` bytes."""
    size = sum(len(p.encode()) for p in parts)
    choices = [i for i in range(1, len(parts)) if i not in keep]
    while size < target:
        index = rng.choice(choices)
        block = "\n\n" + make()
        parts[index] += block
        size += len(block.encode())


PRD_SECTIONS = (
    "Overview",
    "Background & Problem Statement",
    "Goals & Non-Goals",
    "Users & Use Cases",
    "UX / UI Requirements",
    "Functional Requirements",
    "Acceptance Criteria",
    "Non-Functional Requirements",
    "Data Model & APIs",
    "Integrations & Platform Considerations",
    "Feature Flagging, Rollout & Migration",
    "Analytics & Success Metrics",
    "Risks & Mitigations",
    "Open Questions & Assumptions",
    "Timeline & Milestones",
    "QA Plan",
    "Definition of Done",
)
FDD_SECTIONS = (
    "Executive Summary",
    "Requirements & Assumptions",
    "Torus Context Summary",
    "Proposed Design",
    "Interfaces",
    "Data Model & Storage",
    "Consistency & Transactions",
    "Caching Strategy",
    "Performance and Scalability Plan",
    "Failure Modes & Resilience",
    "Observability",
    "Security & Privacy",
    "Testing Strategy",
    "Risks & Mitigations",
    "Open Questions & Follow-ups",
    "References",
)


def _prd(rng: random.Random, slug: str, frs: list[tuple[str, list[str]]], yaml_era: bool, target: int) -> str:
    parts = [f"# {slug.replace('-', ' ').title()} — PRD\n"]
    fr_ids = [fr for fr, _ in frs]
    for number, title in enumerate(PRD_SECTIONS, start=1):
        body = _paragraph(rng, (1, 2))
        if title == "Functional Requirements":
            if yaml_era:
                body = "Requirements are found in requirements.yml"
            else:
                rows = "\n".join(
                    f"| {fr} | {_sentence(rng)} | P{rng.randint(0, 2)} | Team |" for fr in fr_ids
                )
                body = "| ID | Description | Priority | Owner |\n|---|---|---|---|\n" + rows
        elif title == "Acceptance Criteria":
            if yaml_era:
                body = "Requirements are found in requirements.yml"
            else:
                body = "\n".join(
                    f"- {ac} ({fr}) — Given {_sentence(rng)[:-1].lower()}, when {rng.choice(_WORDS)} happens, "
                    f"then {_sentence(rng).lower()}"
                    for fr, acs in frs
                    for ac in acs
                )
        elif title == "Open Questions & Assumptions":
            body = f"Assumptions:\n{_bullets(rng, 3)}\n\nOpen Questions:\n" + "\n".join(
                f"- {_sentence(rng)[:-1]}?" for _ in range(3)
            )
        elif title == "Definition of Done":
            body = "\n".join(f"- [ ] {_sentence(rng)}" for _ in range(5))
        elif rng.random() < 0.4:
            body += "\n\n" + _bullets(rng, rng.randint(2, 5), fr_ids)
        parts.append(f"## {number}. {title}\n\n{body}\n")
    # Requirements and criteria stay as written: prose under them would read as unnumbered criteria.
    keep = tuple(
        i
        for i, t in enumerate(PRD_SECTIONS, start=1)
        if t in ("Functional Requirements", "Acceptance Criteria")
    )
    _grow(
        parts, target, rng, lambda: _paragraph(rng) if rng.random() < 0.6 else _bullets(rng, 4, fr_ids), keep
    )
    return "\n".join(parts)


def _fdd(rng: random.Random, slug: str, frs: list[tuple[str, list[str]]], target: int) -> str:
    ids = [fr for fr, _ in frs] + [ac for _, acs in frs for ac in acs]
    parts = [f"# {slug.replace('-', ' ').title()} — FDD\n"]
    for number, title in enumerate(FDD_SECTIONS, start=1):
        body = _paragraph(rng, (1, 3))
        if title == "Requirements & Assumptions":
            body = "\n".join(f"- {_sentence(rng)[:-1]} ({fr})." for fr, _ in frs)
        elif title in ("Proposed Design", "Interfaces", "Data Model & Storage"):
            subsections = "\n\n".join(
                f"### {number}.{sub} {rng.choice(_WORDS).title()} {rng.choice(_WORDS)}\n\n{_paragraph(rng)}"
                for sub in range(1, rng.randint(2, 4))
            )
            code = (
                "```elixir\ndefmodule Oli.Example do\n  def run(%{id: id} = page) do\n"
                "    {:ok, %{page | id: id}}\n  end\nend\n```"
            )
            body += f"\n\n{subsections}\n\n{code}"
        elif title == "Testing Strategy":
            body += "\n\n" + _bullets(rng, 5, ids)
        parts.append(f"## {number}. {title}\n\n{body}\n")
    _grow(
        parts, target, rng, lambda: _paragraph(rng, (3, 6)) if rng.random() < 0.7 else _bullets(rng, 5, ids)
    )
    return "\n".join(parts)


def _plan(rng: random.Random, slug: str, frs: list[tuple[str, list[str]]], cite: bool, target: int) -> str:
    ids = [fr for fr, _ in frs] + [ac for _, acs in frs for ac in acs]
    phases = rng.randint(3, 6)
    ticked_phases = rng.randint(0, phases)
    parts = [f"# {slug.replace('-', ' ').title()} — Plan\n\n## Scope\n\n{_paragraph(rng)}\n"]
    for number in range(1, phases + 1):
        tasks = []
        for _ in range(rng.randint(3, 8)):
            mark = "x" if number <= ticked_phases else " "
            suffix = f" ({rng.choice(ids)})" if cite and rng.random() < 0.6 else ""
            tasks.append(f"- [{mark}] {_sentence(rng)[:-1]}{suffix}")
        parts.append(
            f"## Phase {number}: {rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}\n\n"
            f"Goal: {_sentence(rng)}\n\nTasks:\n" + "\n".join(tasks) + "\n\n"
            f"Definition of Done:\n{_bullets(rng, 2)}\n\nGate criteria:\n- `mix test` passes.\n"
        )
    parts.append(f"## Risks & Dependencies\n\n{_bullets(rng, 3)}\n")
    parts.append("## Test Commands\n\n- `mix compile --warnings-as-errors`\n- `mix test`\n")
    size = sum(len(p.encode()) for p in parts)
    while size < target:  # longer phases, as real plans have: more context per phase
        index = rng.randint(1, phases)
        block = _paragraph(rng) + "\n"
        parts[index] = parts[index].replace("\nTasks:\n", f"\n{block}\nTasks:\n", 1)
        size += len(block.encode()) + 1
    return "\n".join(parts)


def _requirements_yml(rng: random.Random, slug: str, frs: list[tuple[str, list[str]]]) -> str:
    lines = ["version: 1", f"feature: {slug}", "requirements:"]
    for fr, acs in frs:
        title = _sentence(rng)[:-1].replace("'", "''")  # quoted: a title may start with ` or [
        lines += [
            f"- id: {fr}",
            f"  title: '{title}'",
            "  status: proposed",
            "  acceptance_criteria:",
        ]
        for ac in acs:
            lines += [
                f"  - id: {ac}",
                f"    title: Given {rng.choice(_WORDS)} exists, when {rng.choice(_WORDS)} runs, then it is kept",
                "    status: proposed",
                "    verification_method: automated",
                "    proofs: []",
            ]
    return "\n".join(lines) + "\n"


def generate_tree(root: Path, features: int, seed: int = 5677) -> int:
    """Write ``features`` packs under ``root/docs/features``; returns the bytes of Markdown written."""
    rng = random.Random(seed)
    (root / "mix.exs").write_text("defmodule Bench.MixProject do\nend\n", encoding="utf-8")
    total = 0
    for index in range(features):
        slug = f"feature-{index:03d}"
        pack = root / "docs" / "features" / slug
        pack.mkdir(parents=True)
        ac_counter = 0
        frs: list[tuple[str, list[str]]] = []
        for fr_number in range(1, rng.randint(4, 16) + 1):
            acs = []
            for _ in range(rng.randint(1, 2)):
                ac_counter += 1
                acs.append(f"AC-{ac_counter:03d}")
            frs.append((f"FR-{fr_number:03d}", acs))
        yaml_era = rng.random() < 0.6
        size = rng.randint(15_000, 40_000)
        docs = {
            "prd.md": _prd(rng, slug, frs, yaml_era, int(size * 0.4)),
            "fdd.md": _fdd(rng, slug, frs, int(size * 0.4)),
            "plan.md": _plan(rng, slug, frs, rng.random() < 0.4, int(size * 0.2)),
        }
        if yaml_era:
            docs["requirements.yml"] = _requirements_yml(rng, slug, frs)
        for name, text in docs.items():
            (pack / name).write_text(text, encoding="utf-8")
            if name.endswith(".md"):
                total += len(text.encode())
    return total


# ---------------------------------------------------------------------------------------------
# Measuring


def _clear_caches() -> None:
    """Forget every parse and report, as in a fresh process (imports stay loaded)."""
    from torus_mcp.specs import entries, gates, markdown, sections
    from torus_mcp.specs.pack import clear_pack_cache
    from torus_mcp.specs.plan import parse as plan_parse

    clear_pack_cache()
    gates._CACHE.clear()
    for function in (
        entries._cached_view,
        plan_parse._cached_plan,
        sections._cached_sections,
        markdown._cached_tokens,
    ):
        function.cache_clear()


def _timed(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _baseline(files: list[Path]) -> Callable[[], None]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")

    def run() -> None:
        for path in files:
            parser.parse(path.read_text(encoding="utf-8"))

    return run


def _checker(root: Path, summary: dict[str, int]) -> Callable[[], None]:
    from torus_mcp.specs.gate_config import gates_config
    from torus_mcp.specs.gates import check_gates
    from torus_mcp.specs.pack import load_pack
    from torus_mcp.workspace import RootChoice, Workspace

    def run() -> None:
        workspace = Workspace(RootChoice(root=root, rule="--root", reason="benchmark"))
        config = gates_config(workspace.config)
        summary.clear()
        for ref in workspace.discover():
            report = check_gates(load_pack(ref.path, ref.id), None, config)
            summary[report.stage] = summary.get(report.stage, 0) + 1

    return run


def _gates_only(root: Path) -> Callable[[], None]:
    """check_gates alone on packs loaded beforehand, its own cache cleared: what the rules cost."""
    from torus_mcp.specs import gates
    from torus_mcp.specs.pack import load_pack
    from torus_mcp.workspace import RootChoice, Workspace

    workspace = Workspace(RootChoice(root=root, rule="--root", reason="benchmark"))
    packs = [load_pack(ref.path, ref.id) for ref in workspace.discover()]

    def run() -> None:
        gates._CACHE.clear()
        for pack in packs:
            gates.check_gates(pack)

    return run


async def _list_resources(root: Path, repetitions: int) -> tuple[list[float], list[float], int] | None:
    try:
        from mcp import Client

        from torus_mcp.server import create_server
    except ImportError:
        return None
    server = create_server(str(root), cwd=root)
    cold: list[float] = []
    warm: list[float] = []
    count = 0
    async with Client(server, cache=None) as client:
        for _ in range(repetitions):
            _clear_caches()
            start = time.perf_counter()
            listed = await client.list_resources()
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            await client.list_resources()
            warm.append(time.perf_counter() - start)
            count = len(listed.resources)
    return cold, warm, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=200)
    args = parser.parse_args()
    import anyio

    with tempfile.TemporaryDirectory(prefix="torus-gates-bench-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        markdown_bytes = generate_tree(root, args.features)
        files = sorted(root.glob("docs/features/*/*.md"))
        n = args.features
        print(
            f"spec tree: {n} features, {len(files)} Markdown files, {markdown_bytes / 1024 / n:.1f} KB of "
            f"Markdown per feature, {len(list(root.glob('docs/features/*/requirements.yml')))} requirements.yml"
        )
        baseline = _baseline(files)
        summary: dict[str, int] = {}
        check = _checker(root, summary)
        baseline()  # import and warm the parser once, outside the measurement
        rules = _gates_only(root)
        parse_times: list[float] = []
        cold_times: list[float] = []
        rules_times: list[float] = []
        for _ in range(REPETITIONS):
            parse_times.append(_timed(baseline))
            _clear_caches()
            cold_times.append(_timed(check))
            rules_times.append(_timed(rules))
        warm_times = [_timed(check) for _ in range(WARM_REPETITIONS)]
        ratios = [c / p for c, p in zip(cold_times, parse_times, strict=True)]

        def per_feature(values: list[float]) -> str:
            return f"{statistics.median(values) * 1000 / n:7.2f} ms/feature"

        print(f"markdown-it parse (baseline) {per_feature(parse_times)}")
        print(
            f"check_gates cold             {per_feature(cold_times)}   ratio to parse {statistics.median(ratios):.2f} (target <= 2)"
        )
        print(
            f"check_gates warm (cached)    {per_feature(warm_times)}   ratio to parse {statistics.median(warm_times) / statistics.median(parse_times):.3f}"
        )
        print(
            f"  of which the gate rules      {per_feature(rules_times)}   (check_gates on loaded packs; the rest "
            "is load_pack: reading and parsing)"
        )
        print(f"stages reached: {dict(sorted(summary.items()))}")
        listed = anyio.run(_list_resources, root, REPETITIONS)
        if listed is None:
            print("resources/list: skipped (torus_mcp.server or mcp not importable)")
        else:
            cold, warm, count = listed
            print(f"resources/list cold          {per_feature(cold)}   ({count} resources)")
            print(f"resources/list warm          {per_feature(warm)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
