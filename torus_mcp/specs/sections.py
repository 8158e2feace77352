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

from torus_mcp.specs.markdown import inline_tokens, line_span, lines_text, markdown_tokens, split_lines
from torus_mcp.specs.parse_guard import guarded

if TYPE_CHECKING:
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
    inline = inline_tokens(line.strip())
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
    return guarded(lambda: list(_cached_sections(text)), lambda error: [])


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


_WORD_RE = re.compile(r"[a-z0-9]+")


def normalize_title(title: str) -> str:
    """Lower-case words only, ``&`` read as "and", so "Goals & Non-Goals" == "goals and non goals"."""
    text = title.lower().replace("&", " and ").replace("+", " and ")
    return " ".join(_WORD_RE.findall(text))
