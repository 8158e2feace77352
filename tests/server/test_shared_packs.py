"""Prompts and reads against the six real Torus spec packs in ../shared/specpacks.

The packs are copied into a temporary Torus-like tree (a directory with a mix.exs stub) in both
layouts the server supports: `docs/features/<slug>/` and
`docs/exec-plans/current/epics/<epic>/<slug>/`. One server per layout and protocol era is shared by
the module's tests; every expectation is computed here from the files themselves (bytes, sha256,
heading lines), never from torus-mcp's own parsers.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, EmbeddedResource, PromptReference, TextResourceContents

from tests.server.calls import call_error, call_ok
from tests.shared_data import require_shared
from torus_mcp.server import create_server

pytestmark = pytest.mark.anyio

# The six packs SOURCE.md describes; a test below notices when shared/specpacks holds others.
PACKS = [
    "canary",
    "docs_import",
    "genai-routing",
    "lti-launch-hardening",
    "mer-5677-phases-of-the-moon",
    "module-level-log-controls",
]
EPIC = "shared"
LAYOUTS = {
    "features": "docs/features/{slug}",
    "epics": f"docs/exec-plans/current/epics/{EPIC}/{{slug}}",
}
ERAS = {"era-2025-11-25": "legacy", "era-2026-07-28": "auto"}
MIX_EXS_STUB = (
    'defmodule Oli.MixProject do\n  use Mix.Project\n  def project, do: [app: :oli, version: "0.1.0"]\nend\n'
)
PAGE_LIMIT = 60_000

# Sections read by heading: (doc, query, the heading line, the heading line that must follow the
# section, or None when it runs to the end of the file). Numbered and unnumbered / bold ones per pack
# where the pack has them (canary has no numbered heading).
SECTIONS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "canary": [
        ("prd.md", "Goals", "## Goals", "## Non-Goals"),
        # The FDD has no `#` headings at all: bold lines are its sections.
        ("fdd.md", "Interfaces", "**Interfaces**", "**Data Model & Storage**"),
        ("fdd.md", "References", "**References**", None),
    ],
    "docs_import": [
        # Its only unnumbered heading is the title, whose section is the whole document.
        ("prd.md", "Google Docs Page Import — PRD", "# Google Docs Page Import — PRD", None),
        ("prd.md", "7", "## 7. Acceptance Criteria", "## 8. Non-Functional Requirements"),
        # A section includes its subsections.
        ("fdd.md", "4", "## 4. Proposed Design", "## 5. Interfaces"),
        ("fdd.md", "4.2", "### 4.2 State & Message Flow", "### 4.3 Supervision & Lifecycle"),
    ],
    "genai-routing": [
        ("prd.md", "Acceptance Criteria", "## 7. Acceptance Criteria", "## 8. Non-Functional Requirements"),
        (
            "fdd.md",
            "Functional Requirements",
            "### Functional Requirements",
            "### Non-Functional Requirements",
        ),
    ],
    "lti-launch-hardening": [
        ("prd.md", "3", "## 3. Goals & Non-Goals", "## 4. Users & Use Cases"),
        ("prd.md", "Open Questions", "### Open Questions", "### Assumptions"),
    ],
    "mer-5677-phases-of-the-moon": [
        ("prd.md", "7", "## 7. Acceptance Criteria (Testable)", "## 8. Non-Functional Requirements"),
        ("prd.md", "Assumptions", "### Assumptions", "## 15. QA Plan"),
    ],
    "module-level-log-controls": [
        ("fdd.md", "13", "## 13. Testing Strategy", "## 14. Backwards Compatibility"),
        ("fdd.md", "AC Reference Index", "### AC Reference Index", None),
    ],
}

# What each persona must embed (requirements.yml too whenever the pack has one), and whether the
# list is exact or a minimum.
PERSONA_DOCS: dict[str, tuple[tuple[str, ...], bool]] = {
    "analyze": (("prd.md", "informal.md"), False),
    "architect": (("prd.md",), False),
    "plan": (("prd.md", "fdd.md"), False),
    "develop": (("prd.md", "fdd.md", "plan.md"), True),
}


@dataclass(frozen=True)
class Tree:
    root: Path
    layout: str

    def rel_path(self, pack: str) -> str:
        return LAYOUTS[self.layout].format(slug=pack)

    def feature_id(self, pack: str) -> str:
        return pack if self.layout == "features" else f"{EPIC}/{pack}"

    def pack_dir(self, pack: str) -> Path:
        return self.root / self.rel_path(pack)

    def docs(self, pack: str) -> list[str]:
        """The pack's Markdown and YAML files, by name."""
        return sorted(p.name for p in self.pack_dir(pack).iterdir() if p.suffix in (".md", ".yml"))


def build_tree(root: Path, layout: str, specpacks: Path) -> Tree:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mix.exs").write_text(MIX_EXS_STUB)
    tree = Tree(root, layout)
    for pack in PACKS:
        shutil.copytree(specpacks / pack, tree.pack_dir(pack))
    return tree


# -- fixtures: one tree per layout, one server + client per tree and era ----------------------------


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    # Module scope so the shared clients below can live across the module's tests.
    return "asyncio"


@pytest.fixture(scope="module")
def specpacks() -> Path:
    return require_shared("specpacks")


@pytest.fixture(scope="module", params=list(LAYOUTS))
def tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, specpacks: Path) -> Tree:
    return build_tree(tmp_path_factory.mktemp(f"torus-{request.param}"), request.param, specpacks)


@pytest.fixture(scope="module", params=list(ERAS.values()), ids=list(ERAS))
async def client(request: pytest.FixtureRequest, tree: Tree, anyio_backend: str):
    server = create_server(str(tree.root), cwd=tree.root)
    async with Client(server, mode=request.param, cache=None) as connected:
        yield connected


# -- reading the files independently of torus-mcp ---------------------------------------------------


def heading_lines(text: str) -> list[tuple[int, int, str]]:
    """(level, character offset, line) of every ATX heading outside fenced code."""
    found, offset, fence = [], 0, None
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        marker = re.match(r"^(`{3,}|~{3,})", stripped)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif stripped.startswith(fence * 3):
                fence = None
        elif fence is None:
            heading = re.match(r"^(#{1,6})\s", line)
            if heading:
                found.append((len(heading.group(1)), offset, line.rstrip("\r\n")))
        offset += len(line)
    return found


@dataclass(frozen=True)
class PlanPhase:
    number: int
    heading: str
    text: str  # from its heading to the next heading of the same or a higher level


PHASE_HEADING = re.compile(r"^#{1,6}\s*Phase\s+(\d+)\b")


def plan_phases(text: str) -> list[PlanPhase]:
    """The `## Phase N` headings of a plan, in document order, with the text each governs."""
    headings = heading_lines(text)
    phases = []
    for index, (level, start, line) in enumerate(headings):
        match = PHASE_HEADING.match(line)
        if not match:
            continue
        end = next((off for lvl, off, _ in headings[index + 1 :] if lvl <= level), len(text))
        phases.append(PlanPhase(int(match.group(1)), line, text[start:end]))
    return phases


def first_open_phase(phases: list[PlanPhase]) -> PlanPhase | None:
    return next((p for p in phases if re.search(r"^\s*[-*+]\s+\[ \]", p.text, re.MULTILINE)), None)


def expected_section(text: str, heading: str, following: str | None) -> str:
    start = text.index(heading + "\n")
    assert text.count(heading + "\n") == 1, f"{heading!r} is not unique: fix the SECTIONS table"
    if following is None:
        return text[start:]
    return text[start : text.index("\n" + following + "\n", start) + 1]


def sha256_version(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def message_text(result: Any) -> str:
    first = result.messages[0].content
    assert first.type == "text", f"the prompt's first message is {first.type}, not the instructions"
    return first.text


def embedded_docs(result: Any) -> list[TextResourceContents]:
    docs = []
    for message in result.messages[1:]:
        assert isinstance(message.content, EmbeddedResource), f"unexpected message {message.content!r}"
        assert isinstance(message.content.resource, TextResourceContents)
        docs.append(message.content.resource)
    return docs


async def read_doc_whole(client: Client, feature: str, doc: str, **extra: Any) -> tuple[str, dict]:
    """Every page of a read_doc answer joined, and the first page's structured result."""
    pieces, offset, first = [], 0, None
    while offset is not None:
        page = await call_ok(client, "read_doc", feature=feature, doc=doc, offset=offset, **extra)
        assert len(page["text"]) <= PAGE_LIMIT
        first = first or page
        pieces.append(page["text"])
        offset = page["next_offset"]
    return "".join(pieces), first


async def prompt_tool_text(client: Client, **arguments: Any) -> tuple[str, dict]:
    pieces, offset, first = [], 0, None
    while offset is not None:
        page = await call_ok(client, "get_prompt", offset=offset, **arguments)
        assert len(page["text"]) <= PAGE_LIMIT
        first = first or page
        pieces.append(page["text"])
        offset = page["next_offset"]
    return "".join(pieces), first


# -- the data itself ------------------------------------------------------------------------------


def test_the_shared_packs_are_the_six_this_module_covers(specpacks: Path) -> None:
    on_disk = sorted(p.name for p in specpacks.iterdir() if p.is_dir())
    assert on_disk == PACKS, "shared/specpacks changed: update PACKS and SECTIONS"


# -- discovery and reads --------------------------------------------------------------------------


@pytest.mark.parametrize("pack", PACKS)
async def test_list_features_finds_the_pack_by_its_id(client: Client, tree: Tree, pack: str) -> None:
    listing = await call_ok(client, "list_features")
    by_id = {f["id"]: f for f in listing["features"]}
    assert set(by_id) == {tree.feature_id(p) for p in PACKS}
    found = by_id[tree.feature_id(pack)]
    assert found["slug"] == pack
    assert found["epic"] == (EPIC if tree.layout == "epics" else None)
    assert found["path"] == tree.rel_path(pack)
    assert sorted(found["docs"]) == tree.docs(pack)
    assert found["missing"] == []


@pytest.mark.parametrize("pack", PACKS)
async def test_resources_list_and_read_every_file_byte_exact(client: Client, tree: Tree, pack: str) -> None:
    prefix = f"torus://features/{tree.feature_id(pack)}/"
    listed = {
        str(r.uri): r
        for r in (await client.list_resources()).resources
        if str(r.uri).startswith(prefix) and "/" not in str(r.uri)[len(prefix) :]
    }
    assert sorted(listed) == [prefix + doc for doc in tree.docs(pack)]
    for doc in tree.docs(pack):
        data = (tree.pack_dir(pack) / doc).read_bytes()
        mime = "application/yaml" if doc.endswith(".yml") else "text/markdown"
        assert listed[prefix + doc].mime_type == mime, doc
        result = await client.read_resource(prefix + doc)
        assert len(result.contents) == 1
        contents = result.contents[0]
        assert isinstance(contents, TextResourceContents), doc
        assert str(contents.uri) == prefix + doc
        assert contents.mime_type == mime, doc
        assert contents.text.encode("utf-8") == data, f"{doc} is not byte-exact"


@pytest.mark.parametrize("pack", PACKS)
async def test_read_doc_returns_exact_text_and_sha256_version(client: Client, tree: Tree, pack: str) -> None:
    for doc in tree.docs(pack):
        data = (tree.pack_dir(pack) / doc).read_bytes()
        text, first = await read_doc_whole(client, tree.feature_id(pack), doc)
        assert text.encode("utf-8") == data, f"{doc} is not byte-exact"
        assert first["version"] == sha256_version(data), doc
        assert first["path"] == f"{tree.rel_path(pack)}/{doc}"
        assert first["uri"] == f"torus://features/{tree.feature_id(pack)}/{doc}"


@pytest.mark.parametrize("pack", PACKS)
async def test_read_doc_by_numbered_unnumbered_and_bold_section(
    client: Client, tree: Tree, pack: str
) -> None:
    for doc, query, heading, following in SECTIONS[pack]:
        data = (tree.pack_dir(pack) / doc).read_bytes()
        expected = expected_section(data.decode("utf-8"), heading, following)
        text, first = await read_doc_whole(client, tree.feature_id(pack), doc, section=query)
        assert text == expected, f"{doc} section {query!r}"
        assert first["version"] == sha256_version(data)
        assert first["section"] is not None


async def test_read_doc_refuses_an_ambiguous_section_and_lists_both(client: Client, tree: Tree) -> None:
    # lti-launch-hardening's FDD numbers two sections "17" (a wart of the real pack).
    message = await call_error(
        client, "read_doc", feature=tree.feature_id("lti-launch-hardening"), doc="fdd.md", section="17"
    )
    assert "Follow-On Design" in message and "References" in message


# -- prompts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", list(PERSONA_DOCS))
@pytest.mark.parametrize("pack", PACKS)
async def test_prompt_embeds_its_documents(client: Client, tree: Tree, pack: str, persona: str) -> None:
    feature = tree.feature_id(pack)
    result = await client.get_prompt(persona, {"feature": feature})
    text = message_text(result)
    assert tree.rel_path(pack) in text, "the feature directory ($1) is not in the prompt"
    docs = embedded_docs(result)
    embedded = [str(d.uri).removeprefix(f"torus://features/{feature}/") for d in docs]
    required, exact = PERSONA_DOCS[persona]
    wanted = [d for d in required if d in tree.docs(pack)]
    if "requirements.yml" in tree.docs(pack):
        wanted.append("requirements.yml")
    if exact:
        assert embedded == wanted
    else:
        assert set(wanted) <= set(embedded), f"{persona} must embed {wanted}, embeds {embedded}"
    for doc, contents in zip(embedded, docs, strict=True):
        assert str(contents.uri) == f"torus://features/{feature}/{doc}"
        assert contents.text.encode("utf-8") == (tree.pack_dir(pack) / doc).read_bytes(), doc
        assert contents.mime_type == ("application/yaml" if doc.endswith(".yml") else "text/markdown")


@pytest.mark.parametrize("pack", PACKS)
async def test_develop_renders_each_phase_alone(client: Client, tree: Tree, pack: str) -> None:
    feature = tree.feature_id(pack)
    phases = plan_phases((tree.pack_dir(pack) / "plan.md").read_text(encoding="utf-8"))
    assert phases, f"{pack}/plan.md has no '## Phase N' headings"
    completion = await client.complete(
        PromptReference(type="ref/prompt", name="develop"),
        {"name": "phase", "value": ""},
        context_arguments={"feature": feature},
    )
    assert completion.completion.values == [str(p.number) for p in phases]
    for value, phase in zip(completion.completion.values, phases, strict=True):
        result = await client.get_prompt("develop", {"feature": feature, "phase": value})
        text = message_text(result)
        assert phase.text.strip() in text, f"phase {value}: its text is not in the prompt"
        assert phase.heading in text
        later = [p.heading for p in phases if p is not phase and p.heading in text]
        assert later == [], f"phase {value}: the prompt also holds {later}"


@pytest.mark.parametrize("pack", PACKS)
async def test_develop_unknown_phase_is_invalid_params_listing_the_phases(
    client: Client, tree: Tree, pack: str
) -> None:
    phases = plan_phases((tree.pack_dir(pack) / "plan.md").read_text(encoding="utf-8"))
    with pytest.raises(MCPError) as raised:
        await client.get_prompt("develop", {"feature": tree.feature_id(pack), "phase": "99"})
    assert raised.value.error.code == INVALID_PARAMS == -32602
    message = raised.value.error.message
    assert "99" in message
    for phase in phases:
        assert f"Phase {phase.number}" in message, f"the error does not list phase {phase.number}: {message}"


@pytest.mark.parametrize("pack", PACKS)
async def test_develop_without_phase_names_the_next_open_phase(client: Client, tree: Tree, pack: str) -> None:
    phases = plan_phases((tree.pack_dir(pack) / "plan.md").read_text(encoding="utf-8"))
    result = await client.get_prompt("develop", {"feature": tree.feature_id(pack)})
    text = message_text(result)
    open_phase = first_open_phase(phases)
    if open_phase is None:
        assert "no open phase" in text
        assert [p.heading for p in phases if p.heading in text] == []
    else:
        assert open_phase.heading.lstrip("#").strip() in text
        assert open_phase.text.strip() in text
        others = [p.heading for p in phases if p is not open_phase and p.heading in text]
        assert others == []


@pytest.mark.parametrize("persona", list(PERSONA_DOCS))
@pytest.mark.parametrize("pack", PACKS)
async def test_get_prompt_tool_inlines_what_the_prompt_embeds(
    client: Client, tree: Tree, pack: str, persona: str
) -> None:
    feature = tree.feature_id(pack)
    arguments = {"feature": feature}
    if persona == "develop":
        arguments["phase"] = str(plan_phases((tree.pack_dir(pack) / "plan.md").read_text())[-1].number)
    prompt = await client.get_prompt(persona, arguments)
    text, first = await prompt_tool_text(client, name=persona, **arguments)
    assert text.startswith(message_text(prompt))
    docs = embedded_docs(prompt)
    assert first["documents"] == [str(d.uri) for d in docs]
    for contents in docs:
        assert str(contents.uri) in text
        assert contents.text.rstrip() in text, f"{contents.uri} is not inlined"


# -- a plan prompt without its FDD ------------------------------------------------------------------


@pytest.fixture(scope="module", params=list(LAYOUTS))
def tree_without_fdd(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, specpacks: Path
) -> Tree:
    tree = build_tree(tmp_path_factory.mktemp(f"torus-no-fdd-{request.param}"), request.param, specpacks)
    for pack in PACKS:
        (tree.pack_dir(pack) / "fdd.md").unlink()
    return tree


@pytest.mark.parametrize("pack", PACKS)
async def test_plan_says_plainly_when_fdd_is_missing(connect, tree_without_fdd: Tree, pack: str) -> None:
    tree = tree_without_fdd
    async with connect(tree.root) as client:
        result = await client.get_prompt("plan", {"feature": tree.feature_id(pack)})
    text = message_text(result)
    assert "I cannot find both the prd.md and fdd.md files" in text
    embedded = [str(d.uri) for d in embedded_docs(result)]
    assert f"torus://features/{tree.feature_id(pack)}/prd.md" in embedded
    assert all(not uri.endswith("/fdd.md") for uri in embedded)
