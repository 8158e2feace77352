"""FR / NFR / AC ids: how they are found in text and the one form they are matched by.

Light on purpose (only `re`): the plan parser, tracing and requirements.yml edits all need ids
without loading the requirement reader.
"""

from __future__ import annotations

import re
from typing import Literal

ID_PATTERN = r"(?<![A-Za-z0-9_])(NFR|FR|AC)-?(\d{1,4})([a-z]?)(?![A-Za-z0-9_])"
ID_RE = re.compile(ID_PATTERN)
_FULL_ID_RE = re.compile(r"^\s*(NFR|FR|AC)[-_ ]?0*(\d{1,6})([a-z]?)\s*$", re.IGNORECASE)


def normalize_id(raw: str) -> str:
    """The form ids are matched by: prefix upper-case, a dash, the number zero-padded to three
    digits, a suffix letter lower-case. ``FR1``, ``FR-1`` and ``fr-001`` -> ``FR-001``;
    ``AC-4B`` -> ``AC-004b``; ``FR-1234`` -> ``FR-1234``. Anything else is returned upper-cased with
    whitespace collapsed, so unknown id schemes still match themselves."""
    match = _FULL_ID_RE.match(raw)
    if not match:
        return " ".join(raw.split()).upper()
    prefix, number, suffix = match.groups()
    return f"{prefix.upper()}-{int(number):03d}{suffix.lower()}"


def id_kind(raw: str) -> Literal["FR", "NFR", "AC"] | None:
    """ "FR", "NFR" or "AC" for an id in any spelling; None for anything else."""
    match = _FULL_ID_RE.match(raw)
    if not match:
        return None
    prefix = match.group(1).upper()
    return "NFR" if prefix == "NFR" else "FR" if prefix == "FR" else "AC"


def ids_in(text: str) -> list[str]:
    """Ids in ``text`` as written, in order of first appearance, each once."""
    seen: dict[str, None] = {}
    for match in ID_RE.finditer(text):
        seen.setdefault(match.group(0), None)
    return list(seen)
