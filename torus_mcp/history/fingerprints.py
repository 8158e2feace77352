"""Fingerprints of a document's sections, to tell which sections changed between two versions.

A Markdown section is named by its heading titles from the top (``Proposed Design > Alternatives``;
a single ``#`` document title is left out of the names, numbers too, so renumbering changes nothing)
and fingerprinted by its own lines up to the next heading. A YAML document (requirements.yml) is
fingerprinted per entry with an ``id`` (FR-001, AC-004 ...) and per other top-level key.

Progress is not a change of the spec: ticked checkboxes (``- [x]``) count as unticked, and a
requirement's ``status`` and ``proofs`` are left out, so ticking a task or recording a proof does not
make an approved document stale. Blank lines and trailing spaces are ignored too.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, NamedTuple

from pydantic import BaseModel

from torus_mcp.specs.markdown import split_lines
from torus_mcp.specs.sections import parse_sections

DIGEST_CHARS = 10
PREAMBLE = "(before the first heading)"
WHOLE_FILE = "(whole file)"
PROGRESS_KEYS = frozenset({"status", "proofs"})
_TICKED = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[[xX]\]")


class SectionPrint(NamedTuple):
    digest: str
    line: int | None
    """1-based line of the section's heading (None for YAML entries)."""


class SectionChanges(BaseModel):
    """Sections by name: changed, added and removed between two versions of a document."""

    changed: list[str] = []
    added: list[str] = []
    removed: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    def describe(self, limit: int = 8) -> str:
        parts = []
        for verb, names in (("changed", self.changed), ("added", self.added), ("removed", self.removed)):
            if names:
                shown = ", ".join(names[:limit]) + (
                    f" and {len(names) - limit} more" if len(names) > limit else ""
                )
                parts.append(f"{verb} {shown}")
        return "; ".join(parts) or "no section changed"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def fingerprints(doc: str, text: str) -> dict[str, SectionPrint]:
    """Section name -> fingerprint, in document order."""
    if doc.lower().endswith((".yml", ".yaml")):
        return _yaml_prints(text)
    return _markdown_prints(text)


def digests(prints: dict[str, SectionPrint]) -> dict[str, str]:
    return {name: p.digest for name, p in prints.items()}


def compare(before: dict[str, str], after: dict[str, SectionPrint] | dict[str, str]) -> SectionChanges:
    """What changed from ``before`` to ``after``, in the order of ``after`` (removed: order of before)."""
    now = {name: (p.digest if isinstance(p, SectionPrint) else p) for name, p in after.items()}
    return SectionChanges(
        changed=[n for n, d in now.items() if n in before and before[n] != d],
        added=[n for n in now if n not in before],
        removed=[n for n in before if n not in now],
    )


def first_line(changes: SectionChanges, prints: dict[str, SectionPrint]) -> int | None:
    """Line of the first changed or added section, to point a finding at."""
    lines = [prints[n].line for n in (*changes.changed, *changes.added) if n in prints and prints[n].line]
    return min(lines) if lines else None


def _normalized(lines: list[str]) -> str:
    kept = []
    for line in lines:
        stripped = line.rstrip()
        if stripped:
            kept.append(_TICKED.sub(r"\1[ ]", stripped))
    return "\n".join(kept)


def _unique(prints: dict[str, SectionPrint], name: str) -> str:
    if name not in prints:
        return name
    count = 2
    while f"{name} #{count}" in prints:
        count += 1
    return f"{name} #{count}"


def _markdown_prints(text: str) -> dict[str, SectionPrint]:
    lines = split_lines(text)
    sections = parse_sections(text)
    prints: dict[str, SectionPrint] = {}
    first = sections[0].line if sections else len(lines) + 1
    if _normalized(lines[: first - 1]):
        prints[PREAMBLE] = SectionPrint(_digest(_normalized(lines[: first - 1])), None)
    titles = [s for s in sections if s.level == 1]
    document_title = sections[0] if sections and len(titles) == 1 and titles[0] is sections[0] else None
    stack: list[tuple[int, str]] = []
    for index, section in enumerate(sections):
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        path = [title for _, title in stack]
        name = " > ".join([*path, section.title or section.heading])
        if section is not document_title:
            stack.append((section.level, section.title or section.heading))
        end = sections[index + 1].line - 1 if index + 1 < len(sections) else len(lines)
        body = _normalized(lines[section.line : end])
        prints[_unique(prints, name)] = SectionPrint(_digest(body), section.line)
    return prints


def _yaml_prints(text: str) -> dict[str, SectionPrint]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        return (
            {WHOLE_FILE: SectionPrint(_digest(_normalized(split_lines(text))), None)} if text.strip() else {}
        )
    prints: dict[str, SectionPrint] = {}
    for key, value in data.items():
        if _has_ids(value):
            _collect(value, prints)
        elif str(key) not in PROGRESS_KEYS:
            prints[_unique(prints, str(key))] = SectionPrint(_digest(_canonical(value)), None)
    return prints


def _has_ids(value: Any) -> bool:
    if isinstance(value, dict):
        return _ident(value) is not None or any(_has_ids(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_ids(v) for v in value)
    return False


def _ident(value: dict) -> str | None:
    ident = value.get("id")
    return str(ident).strip() if isinstance(ident, (str, int)) and str(ident).strip() else None


def _collect(value: Any, prints: dict[str, SectionPrint]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, prints)
        return
    if not isinstance(value, dict):
        return
    ident = _ident(value)
    nested = [child for child in value.values() if _has_ids(child)]
    if ident is not None:
        own = {k: v for k, v in value.items() if k not in PROGRESS_KEYS and not _has_ids(v)}
        prints[_unique(prints, ident)] = SectionPrint(_digest(_canonical(own)), None)
    for child in nested:
        _collect(child, prints)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
