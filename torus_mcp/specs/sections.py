"""The section model of a Markdown spec document: headings, their numbers and line ranges.

Headings come from a real CommonMark parser so that `#` lines inside fenced code never count.
Real packs also use lines that are only bold text (``**Executive Summary**``) as headings; those
become *pseudo* sections one level below ``######`` so that any real heading ends them.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

PSEUDO_LEVEL = 7
"""Level given to bold-line pseudo-headings: below every ATX/setext level, so any heading ends them."""


class Section(BaseModel):
    """One heading of a document and the lines it governs."""

    # Frozen, so the parsed sections of a document can be shared from the cache without copying.
    model_config = ConfigDict(frozen=True)

    level: int
    """1..6 for ATX/setext headings; 7 for a bold-line pseudo-heading."""
    number: str | None
    """Printed number without trailing dot ("7", "3.2"); None when the heading is unnumbered."""
    title: str
    """Heading text without the number, ``#`` marks, bold markers or trailing colon."""
    heading: str
    """The heading line as printed, stripped."""
    pseudo: bool
    """True for a line that is only bold text, e.g. ``**Executive Summary**``."""
    line: int
    """1-based line of the heading."""
    end_line: int
    """1-based last line of the section, subsections and trailing blank lines included."""

    @property
    def label(self) -> str:
        """How the section is named in messages: ``7. Acceptance Criteria`` or the bare title."""
        if self.number is None:
            return self.title
        # "7. Overview" is printed with a dot, "3.2 Budgets" without one.
        return f"{self.number} {self.title}" if "." in self.number else f"{self.number}. {self.title}"


class SectionLookupError(ValueError):
    """A section query matched no section, or more than one."""

    def __init__(self, message: str, candidates: list[Section], ambiguous: bool = False):
        super().__init__(message)
        self.candidates = candidates
        """The matching sections when ambiguous; every section of the document when nothing matched."""
        self.ambiguous = ambiguous


# ---------------------------------------------------------------------------------------------
# Lines


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """Split on ``\\n``, ``\\r\\n`` and ``\\r`` exactly as the Markdown parser counts lines.

    ``str.splitlines`` also splits on form feeds and Unicode separators, which would shift every
    line number after them relative to the parser's.
    """
    lines = _LINE_RE.findall(text)
    if keepends:
        return lines
    return [line.rstrip("\r\n") for line in lines]


def line_span(text: str, first_line: int, last_line: int) -> tuple[int, int]:
    """Character offsets ``[start, end)`` of lines ``first_line..last_line`` (1-based, inclusive)."""
    lines = split_lines(text, keepends=True)
    first = max(first_line, 1) - 1
    last = min(last_line, len(lines))
    start = sum(len(line) for line in lines[:first])
    end = start + sum(len(line) for line in lines[first:last])
    return start, end


def lines_text(text: str, first_line: int, last_line: int) -> str:
    """The exact text of lines ``first_line..last_line`` (1-based, inclusive), line endings kept."""
    start, end = line_span(text, first_line, last_line)
    return text[start:end]


# ---------------------------------------------------------------------------------------------
# Parsing


@functools.cache
def _parsers() -> tuple[MarkdownIt, MarkdownIt]:
    """A block-only CommonMark parser and a full one for the few lines that need inline parsing."""
    # Imported here: importing torus_mcp.specs must stay cheap for server start-up.
    from markdown_it import MarkdownIt

    # Inline parsing of every paragraph is most of the cost and only bold-line pseudo-headings
    # need it, so block parsing skips it and candidate lines are parsed one by one.
    return MarkdownIt("commonmark").disable("inline"), MarkdownIt("commonmark")


_FRONT_MATTER_END = ("---", "...")


def _blank_front_matter(text: str) -> str:
    """Replace a leading YAML front matter block with empty lines, keeping every line number.

    CommonMark would read ``---`` / ``title: x`` / ``---`` as a rule and a setext heading.
    """
    if not text.startswith("---"):
        return text
    lines = split_lines(text, keepends=True)
    if lines[0].rstrip("\r\n") != "---":
        return text
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") in _FRONT_MATTER_END:
            if index == 1:
                return text  # "---" twice: two rules, not front matter
            blanked = [line[len(line.rstrip("\r\n")) :] for line in lines[: index + 1]]
            return "".join(blanked + lines[index + 1 :])
    return text


def markdown_tokens(text: str) -> list[Token]:
    """Block tokens of ``text`` (CommonMark, YAML front matter ignored); ``token.map`` gives 0-based
    line ranges and inline tokens carry their raw source in ``content`` (no inline children).

    The Token objects are shared between callers (the sections, the plan and the requirement reader
    of one document all walk the same parse): read them, never change them."""
    return list(_cached_tokens(text))


@functools.lru_cache(maxsize=16)
def _cached_tokens(text: str) -> tuple[Token, ...]:
    return tuple(_parsers()[0].parse(_blank_front_matter(text)))


_NUMBER_RE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})*)(?P<dot>[.)])?\s+(?P<rest>\S.*)$")
_WRAPPED_RE = re.compile(r"^(\*\*|__)(?P<inner>.+)\1$")


def split_number(title: str) -> tuple[str | None, str]:
    """``"7. Acceptance Criteria"`` -> ``("7", "Acceptance Criteria")``; unnumbered -> ``(None, title)``.

    A single number needs a dot or parenthesis after it ("7." / "7)") so that a title such as
    "2026 Roadmap" is not read as section 2026; "3.2 Foo" is numbered by its inner dot.
    """
    match = _NUMBER_RE.match(title)
    if match and (match.group("dot") or "." in match.group("num")):
        return match.group("num"), match.group("rest").strip()
    return None, title


def clean_title(raw: str) -> str:
    """Strip whole-title bold markers and a trailing colon: ``**Goal:**`` -> ``Goal``."""
    title = raw.strip()
    for _ in range(2):
        title = title.rstrip(":").strip()
        match = _WRAPPED_RE.match(title)
        if match:
            title = match.group("inner").strip()
    return title.rstrip(":").strip()


def _only_strong_run(children: list[Token]) -> bool:
    """True when inline tokens form exactly one strong run, optionally followed by ':'."""
    kinds = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if len(kinds) >= 1 and kinds[-1].type == "text" and kinds[-1].content.strip() == ":":
        kinds = kinds[:-1]
    if len(kinds) < 3 or kinds[0].type != "strong_open" or kinds[-1].type != "strong_close":
        return False
    inner = kinds[1:-1]
    return all(c.type not in ("strong_open", "strong_close") for c in inner) and any(
        c.content.strip() for c in inner
    )


_BOLD_LINE_RE = re.compile(r"^(\*\*|__).*(\*\*|__)\s*:?\s*$")


def _is_bold_line(line: str) -> bool:
    """True when ``line`` is one bold run, optionally followed by ':' (``**Executive Summary**``)."""
    if not _BOLD_LINE_RE.match(line.strip()):
        return False
    inline = _parsers()[1].parseInline(line.strip())
    return bool(inline) and _only_strong_run(inline[0].children or [])


class _RawHeading:
    __slots__ = ("heading", "level", "line", "pseudo", "title_source")

    def __init__(self, level: int, line: int, heading: str, title_source: str, pseudo: bool):
        self.level = level
        self.line = line
        self.heading = heading
        self.title_source = title_source
        self.pseudo = pseudo


def _raw_headings(tokens: list[Token], lines: list[str]) -> list[_RawHeading]:
    found: list[_RawHeading] = []
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        if token.type == "heading_open" and token.level == 0:
            # Headings inside block quotes or list items are quoted material, not sections.
            level = int(token.tag[1:])
            inline = tokens[index + 1]
            start, end = token.map
            if token.markup and token.markup[0] in "=-" and end - start >= 2:
                # Setext: the text lines precede the underline.
                printed = " ".join(line.strip() for line in lines[start : end - 1])
            else:
                printed = lines[start].strip() if start < len(lines) else inline.content
            found.append(_RawHeading(level, start + 1, printed, inline.content, pseudo=False))
        elif token.type == "paragraph_open" and token.level == 0:
            # Lines of a paragraph's raw content map one to one onto its source lines.
            for offset, line in enumerate(tokens[index + 1].content.split("\n")):
                line_index = token.map[0] + offset
                if line_index < len(lines) and _is_bold_line(line):
                    printed = lines[line_index].strip()
                    found.append(_RawHeading(PSEUDO_LEVEL, line_index + 1, printed, printed, pseudo=True))
    return found


def parse_sections(text: str) -> list[Section]:
    """All headings of ``text`` in document order, with their numbers and line ranges. Never raises."""
    try:
        return list(_cached_sections(text))
    except Exception:  # a parser bug on odd input must not take the server down
        return []


@functools.lru_cache(maxsize=32)
def _cached_sections(text: str) -> tuple[Section, ...]:
    # One request often reads, edits and checks the same document: parse it once.
    return tuple(sections_from_tokens(markdown_tokens(text), split_lines(text)))


def sections_from_tokens(tokens: list[Token], lines: list[str]) -> list[Section]:
    """Sections from already parsed tokens, so callers that also walk the tokens parse only once."""
    raw = _raw_headings(tokens, lines)
    sections: list[Section] = []
    for position, item in enumerate(raw):
        end_line = len(lines)
        for later in raw[position + 1 :]:
            if later.level <= item.level:
                end_line = later.line - 1
                break
        number, title = split_number(clean_title(item.title_source))
        sections.append(
            Section(
                level=item.level,
                number=number,
                title=clean_title(title),
                heading=item.heading,
                pseudo=item.pseudo,
                line=item.line,
                end_line=max(end_line, item.line),
            )
        )
    return sections


def section_text(text: str, section: Section) -> str:
    """The exact text of lines ``section.line..section.end_line``, line endings kept."""
    return lines_text(text, section.line, section.end_line)


def section_span(text: str, section: Section) -> tuple[int, int]:
    """Character offsets ``[start, end)`` of the section in ``text``, for replacing it in place."""
    return line_span(text, section.line, section.end_line)


# ---------------------------------------------------------------------------------------------
# Lookup


_QUERY_PREFIX_RE = re.compile(r"^(?:#+\s*|section\s+|sec\.\s*|§\s*)", re.IGNORECASE)
_NUMBER_QUERY_RE = re.compile(r"^\d+(?:\.\d+)*\.?$")
_NUMBERED_QUERY_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)*)\s*[.):]?\s+(?P<rest>\S.*)$")
_PARENTHETICAL_RE = re.compile(r"\s*\([^)]*\)\s*$")
_WORD_RE = re.compile(r"[a-z0-9]+")


def normalize_title(title: str) -> str:
    """Lower-case words only, ``&`` read as "and", so "Goals & Non-Goals" == "goals and non goals"."""
    text = title.lower().replace("&", " and ").replace("+", " and ")
    return " ".join(_WORD_RE.findall(text))


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
