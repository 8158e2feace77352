"""Which plan phase names a code file: in its text (tasks, goal, definition of done) or its execution
record (``phase_2_execution_record.md``, ``phase-2-execution.md``, ``execution/phase_2.md`` ...).

A phase names a file by its path (``lib/oli/delivery/page.ex``), its file name, or, for Elixir, by a
module: ``Oli.Delivery.Page`` names ``lib/oli/delivery/page.ex`` and ``test/oli/delivery/page_test.exs``
(a partly qualified ``Delivery.Page`` names them too).
"""

from __future__ import annotations

import re
from pathlib import Path

from torus_mcp.documents import DocumentError, read_document
from torus_mcp.specs.plan.lookup import phase_text
from torus_mcp.specs.plan.model import Plan

_RECORD_NAMES = (
    re.compile(r"^phase[_-]?(\d+(?:\.\d+)?)[_-]execution(?:[_-]record)?\.md$", re.IGNORECASE),
    re.compile(r"^execution/phase[_-]?(\d+(?:\.\d+)?)\.md$", re.IGNORECASE),
)
_MODULE = re.compile(r"(?<![\w.])[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)+")
_ELIXIR_FILE = re.compile(r"^(?:lib|test)/(.+?)(?:_test)?\.exs?$")


def underscore(module: str) -> str:
    """``Oli.DeliveryWeb.HTMLPage`` -> ``oli/delivery_web/html_page``, as Elixir's Macro.underscore."""
    parts = []
    for segment in module.split("."):
        text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", segment)
        parts.append(re.sub(r"([a-z\d])([A-Z])", r"\1_\2", text).lower())
    return "/".join(parts)


class PhaseText:
    """What one phase says about files: its plan text and its execution record."""

    def __init__(self, label: str, text: str) -> None:
        self.label = label
        self.text = text
        self.modules = {underscore(m) for m in _MODULE.findall(text)}

    def names(self, path: str) -> bool:
        if path in self.text or re.search(
            rf"(?<![\w/.-]){re.escape(path.rsplit('/', 1)[-1])}(?![\w-])", self.text
        ):
            return True
        match = _ELIXIR_FILE.match(path)
        if match is None:
            return False
        key = match.group(1)
        return any(key == m or key.endswith("/" + m) for m in self.modules)


def execution_records(pack_dir: Path, inside) -> dict[str, str]:
    """Phase key ("2", "1.5") -> text of its execution record(s); ``inside(path)`` confines reads."""
    found: dict[str, str] = {}
    candidates = [p for p in _listing(pack_dir)] + [p for p in _listing(pack_dir / "execution")]
    for path in candidates:
        rel = path.relative_to(pack_dir).as_posix()
        match = next((m for pattern in _RECORD_NAMES if (m := pattern.match(rel))), None)
        if match is None or not inside(path):
            continue
        try:
            text = read_document(path, rel).text
        except DocumentError:
            continue
        key = str(float(match.group(1))).removesuffix(".0")
        found[key] = found.get(key, "") + "\n" + text
    return found


def _listing(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.iterdir() if p.is_file())
    except OSError:
        return []


def phase_texts(plan: Plan, plan_text: str, records: dict[str, str]) -> list[PhaseText]:
    texts = []
    for phase in plan.phases:
        key = (
            phase.key if phase.key is not None else (str(phase.number) if phase.number is not None else None)
        )
        record = records.get(str(float(key)).removesuffix(".0"), "") if key and _numeric(key) else ""
        texts.append(PhaseText(phase.label, phase_text(plan_text, phase) + "\n" + record))
    return texts


def _numeric(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True
