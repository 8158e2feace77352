"""DOC-LINK: a relative link in a gate's documents to a file that does not exist.

Links are Markdown inline links ``[text](path)``; web addresses, mail links, anchors within the same
document and links inside code are not checked. A link is resolved from the document's directory
and must name an existing file or directory (``#anchor`` and ``?query`` parts are ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from torus_mcp.specs.entries import view_of
from torus_mcp.specs.rules.base import GateName, Hit, Rule, RuleSpec
from torus_mcp.specs.rules.pack_view import PackView, gate_documents

_LINK_RE = re.compile(r"(?<!!)\[[^\]\n]*\]\((?P<target><[^>\n]+>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\)")
_INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_EXTERNAL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


def broken_links(directory: Path, document: str, text: str) -> list[tuple[int, str]]:
    """(line, target) of each relative link in ``text`` whose file does not exist."""
    code = view_of(text).code_lines
    base = (directory / document).parent
    broken: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number in code or "](" not in line:
            continue
        for match in _LINK_RE.finditer(_INLINE_CODE_RE.sub(lambda m: " " * len(m.group(0)), line)):
            target = match.group("target").strip("<>")
            if _EXTERNAL_RE.match(target):
                continue
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if path and not (base / path).exists():
                broken.append((number, target))
    return broken


def check_links(view: PackView, gate: GateName) -> Iterable[Hit]:
    for document in gate_documents(view, gate):
        if not document.lower().endswith((".md", ".markdown")) or document not in view.texts:
            continue
        for line, target in broken_links(view.pack.path, document, view.texts[document]):
            yield Hit(
                document,
                line,
                f"{document} line {line} links to {target}, which does not exist in the pack's tree.",
                "Fix the path (it is relative to the document), add the file, or drop the link.",
            )


LINK_RULES = (
    RuleSpec(
        Rule(
            id="DOC-LINK",
            gate="all",
            severity="warning",
            title="relative links lead to existing files",
            description=(
                "A relative Markdown link in the gate's documents names a file or directory that exists "
                "(web addresses and anchors are not checked)."
            ),
        ),
        check_links,
    ),
)
