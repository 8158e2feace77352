"""FR/NFR/AC ids cited in a text, ranges such as ``FR-009–FR-011`` expanded to every id in between."""

from __future__ import annotations

import re

from torus_mcp.specs.ids import ID_PATTERN, ID_RE, normalize_id

_RANGE_RE = re.compile(ID_PATTERN + r"\s*(?:–|—|-|\.\.\.?|to|through)\s*" + ID_PATTERN)
_MAX_RANGE = 50


def find_ids(text: str, kinds: tuple[str, ...] = ("FR", "NFR", "AC")) -> list[str]:
    """Ids of ``kinds`` in ``text`` as written, in order, each once (by normalized form).

    Ranges such as ``FR-009–FR-011`` or ``FR-1 to FR-3`` stand for every id in between.
    """
    found: list[tuple[int, int, str]] = []
    for match in _RANGE_RE.finditer(text):
        prefix, first, first_suffix, prefix_end, last, last_suffix = match.groups()
        if prefix not in kinds or prefix != prefix_end or first_suffix or last_suffix:
            continue
        start, end = int(first), int(last)
        if start < end <= start + _MAX_RANGE:
            dash = "-" if match.group(0)[len(prefix)] == "-" else ""
            width = len(first)
            found.extend(
                # Sorted right after the range's first id, before its last.
                (match.start(), offset, f"{prefix}{dash}{number:0{width}d}")
                for offset, number in enumerate(range(start + 1, end), start=1)
            )
    for match in ID_RE.finditer(text):
        if match.group(1) in kinds:
            found.append((match.start(), 0, match.group(0)))
    found.sort(key=lambda item: item[:2])
    seen: dict[str, str] = {}
    for _, _, ident in found:
        seen.setdefault(normalize_id(ident), ident)
    return list(seen.values())


def cited_requirement_ids(text: str) -> list[str]:
    """FR/NFR ids cited in ``text`` (ranges expanded), as written, each once."""
    return find_ids(text, ("FR", "NFR"))
