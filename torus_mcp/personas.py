"""The four Torus personas as prompt text plus the spec documents they need.

A persona is the shared preamble followed by the persona's task text, with `$1` (the feature
directory) and `$2` (the phase, or analyze's informal description) substituted as the Torus team's
own prompts do. The documents travel beside the text so an MCP client can attach them as embedded
resources; `as_text()` inlines them for clients that cannot.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from torus_mcp.discovery import is_draft_name
from torus_mcp.documents import DocumentError, read_document
from torus_mcp.packaged import packaged_dir
from torus_mcp.workspace import FeatureRef, Workspace

PersonaName = Literal["analyze", "architect", "plan", "develop"]
PERSONAS: tuple[PersonaName, ...] = ("analyze", "architect", "plan", "develop")
OVERRIDE_DIR = ".torus/prompts"

PERSONA_DESCRIPTIONS: dict[str, str] = {
    "analyze": "Torus analyst: drafts or updates the feature's prd.md (problem, goals, users, scope, FR ids, "
    "Given/When/Then acceptance criteria).",
    "architect": "Torus architect: designs the feature's fdd.md from its prd.md (data model, APIs, LiveView "
    "flows, permissions, flags, telemetry, rollout).",
    "plan": "Torus planner: writes the feature's plan.md from prd.md and fdd.md (phases, tasks, risks, QA).",
    "develop": "Torus developer: implements one phase of the feature's plan.md, keeps the docs current, then "
    "mix compile with zero warnings and the affected tests green.",
}

# Which documents each persona reads, in the order they are embedded.
PERSONA_DOCS: dict[str, tuple[str, ...]] = {
    "analyze": ("prd.md", "informal.md", "requirements.yml"),
    "architect": ("prd.md", "requirements.yml", "fdd.md"),
    "plan": ("prd.md", "fdd.md", "requirements.yml", "plan.md"),
    "develop": ("prd.md", "fdd.md", "plan.md", "requirements.yml"),
}


# Names the Torus team gives a phase's execution record; {n} is the phase number.
_LINK = re.compile(r"\]\(<?([^)<>#\s]+\.(?:md|ya?ml))(?:#[^)]*)?>?\)")


class PersonaError(ValueError):
    """The prompt cannot be built as asked (unknown persona, phase...); the message says what exists."""


class EmbeddedDoc(BaseModel):
    doc: str
    uri: str
    mime_type: str
    text: str


class RenderedPrompt(BaseModel):
    name: str
    feature: str
    text: str
    documents: list[EmbeddedDoc]
    phase: str | None = None  # the phase heading the prompt targets, when there is one
    template: str  # "packaged" or the override's path

    def as_text(self) -> str:
        """The prompt with its documents inlined, for clients that cannot take embedded resources."""
        parts = [self.text]
        for doc in self.documents:
            fence = "````" if "```" in doc.text else "```"
            lang = "yaml" if doc.mime_type == "application/yaml" else "markdown"
            parts.append(f"## {doc.doc} ({doc.uri})\n\n{fence}{lang}\n{doc.text.rstrip()}\n{fence}")
        return "\n\n".join(parts) + "\n"


def doc_uri(feature_id: str, doc: str) -> str:
    return f"torus://features/{feature_id}/{doc}"


def mime_type_of(doc: str) -> str:
    return "application/yaml" if doc.endswith((".yml", ".yaml")) else "text/markdown"


def template_source(root: Path, name: str) -> tuple[Path, str]:
    """The persona (or `preamble`) template file: the project's override wins over the packaged one."""
    override = root / OVERRIDE_DIR / f"{name}.md"
    if override.is_file():
        return override, override.as_posix()
    return packaged_dir("prompts") / f"{name}.md", "packaged"


def project_overrides(root: Path) -> list[str]:
    directory = root / OVERRIDE_DIR
    if not directory.is_dir():
        return []
    known = {*PERSONAS, "preamble"}
    return sorted(p.relative_to(root).as_posix() for p in directory.glob("*.md") if p.stem in known)


def _load_template(root: Path, name: str) -> tuple[str, str]:
    path, source = template_source(root, name)
    try:
        return read_document(path, path.as_posix()).text, source
    except DocumentError as exc:
        raise PersonaError(f"the {name} prompt template cannot be read: {exc}") from exc


GateSummary = Callable[[FeatureRef, str], str | None]


def render_persona(
    workspace: Workspace,
    name: str,
    feature: FeatureRef,
    *,
    phase: str | None = None,
    description: str | None = None,
    gate_summary: GateSummary | None = None,
) -> RenderedPrompt:
    if name not in PERSONAS:
        raise PersonaError(f"no persona {name!r}; personas: {', '.join(PERSONAS)}.")
    if phase is not None and name != "develop":
        raise PersonaError(f"only the develop prompt takes a phase; {name} works on the whole feature.")
    if description is not None and name != "analyze":
        raise PersonaError(
            f"only the analyze prompt takes a description; {name} reads the feature's documents."
        )

    wanted = PERSONA_DOCS[name]
    if name == "analyze":
        drafts = [d for d in feature.docs() if "informal" in d and is_draft_name(d.rsplit("/", 1)[-1])]
        wanted = ("prd.md", *drafts, "requirements.yml")
    documents = _read_pack_docs(feature, wanted)
    present = {d.doc: d for d in documents}
    notes: list[str] = []
    trailer: list[str] = []
    second = ""
    phase_heading = None

    if name == "analyze":
        if description and description.strip():
            second = description.strip()
        else:
            second = (
                "(no description was given) Ask the user for the informal description of this feature "
                "before drafting anything"
                + (
                    ": the informal drafts below hold notes from earlier"
                    if any("informal" in d for d in present)
                    else ""
                )
                + "."
            )
    elif name == "plan":
        missing = [d for d in ("prd.md", "fdd.md") if d not in present]
        if missing:
            notes.append(
                f"**I cannot find both the prd.md and fdd.md files** in {feature.rel_path}: "
                f"{' and '.join(missing)} missing. Stop and tell the user; the planner needs both."
            )
    elif name == "architect" and "prd.md" not in present:
        notes.append(
            f"**There is no prd.md in {feature.rel_path}.** The architect designs from the PRD: stop and "
            "ask the user to run the analyze prompt first."
        )
    elif name == "develop":
        second, phase_heading, phase_body = _develop_phase(feature, present.get("plan.md"), phase)
        if phase_heading is None and "plan.md" in present and not (phase and phase.strip()):
            notes.append(
                "**plan.md is finished: every phase is ticked or recorded as done.** There is no open phase "
                "left to implement. What "
                "may be left: an execution record for each phase, a review of the change against the "
                "repository's review checklists, and moving the pack to docs/exec-plans/archive/. Ask the "
                "user which of these to do before changing code."
            )
        if phase_body is not None:
            extra = _linked_docs(feature, [phase_body, present["fdd.md"].text if "fdd.md" in present else ""])
            extra += _phase_records(feature, phase_heading)
            documents.extend(_read_pack_docs(feature, tuple(d for d in extra if d not in present)))
            # Inline, not only attached: some clients drop embedded resources, and the phase is the job.
            trailer.append(f"## The phase to implement\n\n{phase_body.strip()}")
        for doc in ("prd.md", "fdd.md", "plan.md"):
            if doc not in present:
                notes.append(
                    f"**{doc} is missing from {feature.rel_path}**: tell the user before writing code."
                )

    preamble, _ = _load_template(workspace.root, "preamble")
    body, source = _load_template(workspace.root, name)
    text = (
        (preamble.rstrip() + "\n\n" + body.strip() + "\n")
        .replace("$1", feature.rel_path)
        .replace("$2", second)
    )

    header = [f"# Torus {name}: {feature.id}", f"Feature directory: `{feature.rel_path}`"]
    if gate_summary is not None:
        summary = gate_summary(feature, name)
        if summary:
            header.append(summary)
    header.extend(notes)
    trailer.append(_documents_line(documents))
    return RenderedPrompt(
        name=name,
        feature=feature.id,
        text="\n\n".join([*header, text.strip(), *trailer]) + "\n",
        documents=documents,
        phase=phase_heading,
        template=source,
    )


def _linked_docs(feature: FeatureRef, texts: list[str]) -> list[str]:
    """Pack documents (design slices and the like) that these texts link to by relative path."""
    present = set(feature.docs())
    found: list[str] = []
    for text in texts:
        for target in _LINK.findall(text):
            if "://" in target or target.startswith("/"):
                continue
            rel = posixpath.normpath(target)
            if rel in present and rel not in found:
                found.append(rel)
    return found


def _phase_records(feature: FeatureRef, heading: str | None) -> list[str]:
    """The execution record of the phase with this heading, when the pack has one."""
    from torus_mcp.specs.records import record_phase

    match = re.search(r"phase\s+(\d+(?:\.\d+)?)", heading or "", re.IGNORECASE)
    if match is None:
        return []
    number = match.group(1)
    return [name for name in feature.docs() if record_phase(name) == number][:1]


def _documents_line(documents: list[EmbeddedDoc]) -> str:
    if not documents:
        return "The spec pack has no documents yet."
    listed = ", ".join(f"{d.doc} ({d.uri})" for d in documents)
    return f"Attached from the spec pack: {listed}."


def _read_pack_docs(feature: FeatureRef, names: tuple[str, ...]) -> list[EmbeddedDoc]:
    present = feature.docs()  # the pack's documents, links out of the spec tree left out
    docs = []
    for doc in (name for name in names if name in present):
        text = read_document(feature.path / doc, f"{feature.rel_path}/{doc}").text
        docs.append(
            EmbeddedDoc(doc=doc, uri=doc_uri(feature.id, doc), mime_type=mime_type_of(doc), text=text)
        )
    return docs


def _pack_records(feature: FeatureRef):
    """The pack's execution records and progress.md, from the cached pack plan_status reads too."""
    from torus_mcp.specs.pack import load_pack

    return load_pack(feature.path, feature.id).records


def _develop_phase(
    feature: FeatureRef, plan_doc: EmbeddedDoc | None, phase: str | None
) -> tuple[str, str | None, str | None]:
    """`$2` for develop, the targeted phase heading, and the text of that phase alone."""
    from torus_mcp.specs.plan.lookup import PhaseLookupError, find_phase, phase_text
    from torus_mcp.specs.plan.parse import parse_plan
    from torus_mcp.specs.progress import next_phase

    if plan_doc is None:
        if phase:
            raise PersonaError(
                f"{feature.id} has no plan.md, so it has no phase {phase!r}; run the plan prompt first."
            )
        return "none (the feature has no plan.md yet)", None, None
    plan = parse_plan(plan_doc.text)
    if phase is not None and phase.strip():
        try:
            chosen = find_phase(plan, phase.strip())
        except PhaseLookupError as exc:
            raise PersonaError(f"{feature.id}: {exc}") from exc
        second = f"{chosen.heading.lstrip('#').strip()}"
    else:
        chosen = next_phase(plan, _pack_records(feature))
        if chosen is None:
            return "none (every phase is ticked or recorded as done)", None, None
        second = (
            f"{chosen.heading.lstrip('#').strip()} (the next open phase: the first neither ticked nor "
            "recorded as done)"
        )
    return second, chosen.heading, phase_text(plan_doc.text, chosen)
