"""The requirements and acceptance criteria of a whole spec pack, from all its sources.

Sources, in order of authority:

1. ``requirements.yml`` (the pack loader leaves out scratch files such as ``requirements_bulk.yml``) in every
   schema variant the Torus packs use; see :mod:`torus_mcp.specs.requirements.yaml_reader`.
2. ``prd.md``: see :mod:`torus_mcp.specs.requirements.from_markdown`.
3. ``fdd.md``: only ``- FR1: ...`` definitions of ids defined nowhere else (older packs such as
   ``canary`` define their FRs in the FDD alone).

An id found in several sources is one requirement (:mod:`torus_mcp.specs.requirements.merge`). Ids
keep the spelling of their first source; :func:`torus_mcp.specs.ids.normalize_id` gives the form used
for matching. Nothing here raises on odd input: what cannot be placed becomes a :class:`Finding`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import normalize_id
from torus_mcp.specs.parse_guard import guarded
from torus_mcp.specs.requirements.from_markdown import MarkdownSource
from torus_mcp.specs.requirements.merge import Registry, comparable, short_text
from torus_mcp.specs.requirements.model import PARSE_RULE, Requirement, RequirementSet
from torus_mcp.specs.requirements.yaml_reader import read_requirements_yaml

_PRIMARY_YAML = ("requirements.yml", "requirements.yaml")
_POINTS_TO_YAML_RE = re.compile(r"requirements\.ya?ml", re.IGNORECASE)


def _yaml_order(name: str) -> tuple[int, str]:
    return (0 if name in _PRIMARY_YAML else 1, name)


def extract_requirements(
    prd_text: str | None,
    yaml_texts: dict[str, str],
    fdd_text: str | None = None,
    *,
    prd_name: str = "prd.md",
    fdd_name: str = "fdd.md",
) -> RequirementSet:
    """Requirements and acceptance criteria of a pack. Never raises.

    ``yaml_texts`` maps file names (``requirements.yml``, ``requirements_bulk.yml`` ...) to their
    text; ``requirements.yml`` is read first and is the primary source, then the others, then the
    PRD, then FR definitions of the FDD that no other source has.
    """
    registry = Registry()
    pending = []
    links: list[tuple[str, str, str, int | None]] = []
    for name in sorted(yaml_texts, key=_yaml_order):
        parsed = guarded(
            partial(read_requirements_yaml, yaml_texts[name], name), _crash_noted(registry, name)
        )
        if parsed is None:
            continue
        for requirement in parsed.requirements:
            registry.add_requirement(requirement)
        for criterion in parsed.criteria:
            registry.add_criterion(criterion)
        pending.extend(parsed.unnamed)
        links.extend(parsed.links)
        registry.findings.extend(parsed.findings)

    mentions: list[tuple[str, str, int]] = []
    for text, name, criteria in ((prd_text, prd_name, True), (fdd_text, fdd_name, False)):
        if not text:
            continue
        source = guarded(partial(_read_markdown, text, name, criteria), _crash_noted(registry, name))
        if source is None:
            continue
        for requirement in source.requirements:
            registry.add_requirement(requirement, only_new=not criteria)
        for criterion in source.criteria_found:
            registry.add_criterion(criterion)
        registry.findings.extend(source.findings)
        if criteria:
            mentions.extend((ident, name, line) for ident, line in source.mentions)

    def settle() -> None:
        _resolve_unnamed(registry, pending)
        for criterion_id, requirement_id, document, line in links:
            registry.link(criterion_id, requirement_id, document, line)
        _report_mentions(registry, mentions)
        if not yaml_texts and prd_text and not registry.requirements:
            _report_missing_yaml(registry, prd_text, prd_name)

    guarded(settle, _crash_noted(registry, "requirements"))
    return registry.result()


def _read_markdown(text: str, name: str, criteria: bool) -> MarkdownSource:
    source = MarkdownSource(text, name, criteria=criteria)
    source.run()
    return source


def _resolve_unnamed(registry: Registry, pending: list) -> None:
    """Requirements without an id (``requirements_bulk.yml``) take the id of the one titled alike."""
    by_title: dict[str, Requirement] = {}
    for requirement in registry.requirements.values():
        by_title.setdefault(comparable(requirement.title), requirement)
    for unnamed in pending:
        match = by_title.get(comparable(unnamed.title))
        if match is None:
            registry.findings.append(
                Finding(
                    rule=PARSE_RULE,
                    severity="warning",
                    document=unnamed.document,
                    line=unnamed.line,
                    message=(
                        f"requirement '{short_text(unnamed.title, 60)}' in {unnamed.document} has no id and "
                        "no requirement with that title exists elsewhere, so its acceptance criteria "
                        "cite no requirement."
                    ),
                    fix="Give it an id (id: FR-00N) matching requirements.yml.",
                )
            )
        elif unnamed.document not in match.sources:
            match.sources.append(unnamed.document)
        for criterion in unnamed.criteria:
            if match is not None:
                criterion.cites.append(match.id)
            registry.add_criterion(criterion)


def _report_mentions(registry: Registry, mentions: list[tuple[str, str, int]]) -> None:
    known = set(registry.requirements) | set(registry.criteria_by_id)
    reported: set[str] = set()
    for ident, document, line in mentions:
        key = normalize_id(ident)
        if key in known or key in reported:
            continue
        reported.add(key)
        registry.findings.append(
            Finding(
                rule=PARSE_RULE,
                severity="info",
                document=document,
                line=line,
                message=f"{ident} is mentioned on line {line} but never defined with its text.",
                fix=f"Define it as a table row or list item such as '- {ident}: text'.",
            )
        )


def _report_missing_yaml(registry: Registry, prd_text: str, prd_name: str) -> None:
    for number, line in enumerate(prd_text.splitlines(), start=1):
        if _POINTS_TO_YAML_RE.search(line):
            registry.findings.append(
                Finding(
                    rule=PARSE_RULE,
                    severity="warning",
                    document=prd_name,
                    line=number,
                    message=f"{prd_name} says requirements live in requirements.yml, but the pack has none.",
                    fix="Add requirements.yml with the FR and AC ids, or list them in the PRD.",
                )
            )
            return


def _crash_noted(registry: Registry, document: str) -> Callable[[Exception], None]:
    """The fallback when reading ``document`` fails: a finding in ``registry`` saying so, and no result."""

    def note(error: Exception) -> None:
        registry.findings.append(_crash(document, error))

    return note


def _crash(document: str, error: Exception) -> Finding:
    return Finding(
        rule=PARSE_RULE,
        severity="warning",
        document=document,
        message=f"{document} could not be read for requirements ({type(error).__name__}: {error}).",
        fix="Check the file's structure; report the text if it looks valid.",
    )
