"""Evidence that belongs to a pack: which proofs and test references may count as coverage of an
acceptance criterion of this pack, and which are only candidates.

AC ids are local to a pack, while tests live in one repository-wide tree. A test reference counts
for a pack when it cites the AC qualified with the pack (``@ac "math/help:AC-005"``: the pack's id
or a trailing part of its path before the colon), when the test file is named in one of the pack's
own documents (fdd, plan, execution records), or when it uses the plain form and no other pack
defines that AC id. Any other reference is an *unlinked candidate*. A requirements.yml proof counts
when its file exists (a test file must also mention the AC id or the pack's id); a proof to a file
that does not exist is a ``PROOF-MISSING`` finding.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from torus_mcp.specs.findings import Finding

if TYPE_CHECKING:
    from torus_mcp.specs.pack import SpecPack

QUALIFIED_RE = re.compile(r"(?P<pack>[A-Za-z0-9_][\w./-]*):(?P<id>(?:AC|FR|NFR)-?\d+[a-z]?)\b")
"""``math/help:AC-005``: an id qualified with the pack it belongs to."""
PROOF_RULE = "PROOF-MISSING"
_TEST_NAME_RE = re.compile(
    r"(?:_test\.exs|\.(?:test|spec)\.(?:ts|tsx|js|jsx)|_test\.(?:ts|tsx|gleam)|\.gleam)$"
)
_MAX_PROOF_BYTES = 1024 * 1024


def names_pack(qualifier: str, pack: SpecPack) -> bool:
    """True when ``qualifier`` (the part before ``:``) names ``pack``: its id or a trailing part of its path."""
    wanted = qualifier.strip("/").lower()
    path = pack.path.as_posix().lower().rstrip("/")
    return wanted == pack.feature.lower() or path == wanted or path.endswith("/" + wanted)


def files_named_in_pack(pack: SpecPack) -> set[str]:
    """Every path-like token of the pack's documents, and its file name, to match test files against."""
    named: set[str] = set()
    for text in pack.texts.values():
        for token in re.findall(r"[\w./-]+\.(?:exs|ex|ts|tsx|js|jsx|gleam)\b", text):
            named.add(token.lstrip("./"))
            named.add(token.rsplit("/", 1)[-1])
    return named


def proof_finding(ac_id: str, ref: str, root: Path, pack: SpecPack) -> Finding | None:
    """None when the proof ``ref`` holds for ``ac_id``; else why not, as a PROOF-MISSING finding."""
    target = ref.split("#", 1)[0].split(":", 1)[0].strip()
    if not target or re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
        return None  # a link or a free-text proof: nothing to check on disk
    if "/" not in target and "." not in target:
        return None
    path = (root / target).resolve()
    if not path.is_relative_to(root.resolve()) or not path.exists():
        return Finding(
            rule=PROOF_RULE,
            severity="warning",
            document="requirements.yml",
            message=f"{ac_id}'s proof {target} does not exist, so it covers nothing.",
            fix="Point the proof at the file that proves it (relative to the project root), or remove it.",
        )
    if path.is_file() and _TEST_NAME_RE.search(path.name) and path.stat().st_size <= _MAX_PROOF_BYTES:
        text = path.read_text(encoding="utf-8", errors="replace")
        plain = re.compile(rf"(?<![\w-]){re.escape(ac_id)}(?![\w])", re.IGNORECASE)
        if not plain.search(text) and pack.feature not in text:
            return Finding(
                rule=PROOF_RULE,
                severity="warning",
                document="requirements.yml",
                message=f"{ac_id}'s proof {target} mentions neither {ac_id} nor {pack.feature}.",
                fix=f'Cite {ac_id} in the test (e.g. @tag ac: "{pack.feature}:{ac_id}") or fix the proof.',
            )
    return None
