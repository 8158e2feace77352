"""DOC-LINK: a relative link in a gate's documents to a file that does not exist.

Links are Markdown inline links ``[text](path)``; web addresses, mail links, anchors within the same
document, absolute paths (a writer's own machine) and links inside code are not checked. A link is
resolved from the document's directory and from the project root, and must name an existing file or
directory in one of them (``#anchor`` and ``?query`` parts are ignored).
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


def project_root(directory: Path) -> Path | None:
    """The nearest directory at or above ``directory`` holding ``mix.exs`` or ``.git``."""
    for candidate in (directory, *directory.parents):
        if (candidate / "mix.exs").exists() or (candidate / ".git").exists():
            return candidate
    return None


def broken_links(directory: Path, document: str, text: str) -> list[tuple[int, str]]:
    """(line, target) of each relative link in ``text`` that names no existing file, neither from
    the document's directory nor from the project root (Torus packs link both ways). Outside a
    project nothing is checked: a repository-relative link cannot be told from a broken one."""
    root = project_root(directory.resolve())
    if root is None:
        return []
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
            if path and not path.startswith("/") and not ((base / path).exists() or (root / path).exists()):
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
