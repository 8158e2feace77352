"""Finding a section of a document by what a person calls it: its printed number or its heading text."""

from __future__ import annotations

import re

from torus_mcp.specs.sections import Section, clean_title, normalize_title


class SectionLookupError(ValueError):
    """A section query matched no section, or more than one."""

    def __init__(self, message: str, candidates: list[Section], ambiguous: bool = False):
        super().__init__(message)
        self.candidates = candidates
        """The matching sections when ambiguous; every section of the document when nothing matched."""
        self.ambiguous = ambiguous


_QUERY_PREFIX_RE = re.compile(r"^(?:#+\s*|section\s+|sec\.\s*|§\s*)", re.IGNORECASE)
_NUMBER_QUERY_RE = re.compile(r"^\d+(?:\.\d+)*\.?$")
_NUMBERED_QUERY_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)*)\s*[.):]?\s+(?P<rest>\S.*)$")
_PARENTHETICAL_RE = re.compile(r"\s*\([^)]*\)\s*$")


def _title_variants(section: Section) -> set[str]:
    """Normalized forms a query may name: the title, and the title without a "(Testable)" suffix."""
    variants = {normalize_title(section.title)}
    stripped = _PARENTHETICAL_RE.sub("", section.title)
    if stripped:
        variants.add(normalize_title(stripped))
    return variants


def _describe(section: Section) -> str:
    return f"{section.label} (line {section.line})"


def _ambiguous(query: str, candidates: list[Section]) -> SectionLookupError:
    listed = "; ".join(_describe(s) for s in candidates)
    return SectionLookupError(
        f"section '{query}' is ambiguous; it matches {len(candidates)} sections: {listed}. "
        "Ask again with the full heading text.",
        candidates,
        ambiguous=True,
    )


def _pick(query: str, matches: list[Section]) -> Section | None:
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise _ambiguous(query, matches)
    return None


def find_section(sections: list[Section], query: str) -> Section:
    """The one section ``query`` names: a printed number ("7", "7.", "3.2", "Section 7") or its text.

    Text is matched case-insensitively; exact title beats normalized title ("&" == "and",
    punctuation and a parenthetical suffix ignored), which beats a unique prefix, which beats a
    unique set of words. Raises SectionLookupError listing the sections when nothing or more than
    one section matches.
    """
    original = query
    cleaned = clean_title(_QUERY_PREFIX_RE.sub("", query.strip()))
    if not cleaned:
        raise SectionLookupError(_unknown_message(original, sections), list(sections))

    if _NUMBER_QUERY_RE.match(cleaned):
        number = cleaned.rstrip(".")
        found = _pick(original, [s for s in sections if s.number == number])
        if found:
            return found

    query_number, query_title = None, cleaned
    numbered_query = _NUMBERED_QUERY_RE.match(cleaned)
    if numbered_query:
        query_number, query_title = numbered_query.group("num"), numbered_query.group("rest")
    pool = sections
    if query_number is not None:
        numbered = [s for s in sections if s.number == query_number]
        if numbered:
            pool = numbered
        else:
            query_title = cleaned  # the number belongs to the title, as in "2026 Roadmap"

    lowered = " ".join(query_title.lower().split())
    tiers = [
        lambda s: " ".join(s.title.lower().split()) == lowered,
        lambda s: " ".join(s.heading.lower().split()) == " ".join(cleaned.lower().split()),
    ]
    wanted = normalize_title(query_title)
    if wanted:
        words = set(wanted.split())
        tiers += [
            lambda s: wanted in _title_variants(s),
            lambda s: any(v.startswith(wanted) for v in _title_variants(s)),
            lambda s: words <= set(normalize_title(s.title).split()),
        ]
    for tier in tiers:
        found = _pick(original, [s for s in pool if tier(s)])
        if found:
            return found
    raise SectionLookupError(_unknown_message(original, sections), list(sections))


def _unknown_message(query: str, sections: list[Section]) -> str:
    if not sections:
        return f"no section '{query}' in this document; it has no headings."
    listed = ", ".join(s.label for s in sections)
    return (
        f"no section '{query}' in this document; sections: {listed}. "
        "Ask for one by its printed number or heading text."
    )
