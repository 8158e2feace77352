"""What the gate rules are made of: the Rule record, the hits a check returns, and the gates they block.

A check is a plain function ``check(view, gate) -> Iterable[Hit]`` over a
:class:`~torus_mcp.specs.rules.pack_view.PackView`. It says *where* and *what*; the gate engine
(:mod:`torus_mcp.specs.gates`) adds the rule id and the severity the project configured, so a check
never needs to know whether its rule is an error or a warning in this project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal, NamedTuple

from pydantic import BaseModel

if TYPE_CHECKING:
    from torus_mcp.specs.rules.pack_view import PackView

GateName = Literal["prd", "fdd", "plan"]
GATES: tuple[GateName, ...] = ("prd", "fdd", "plan")
GATE_DOCS: dict[GateName, str] = {"prd": "prd.md", "fdd": "fdd.md", "plan": "plan.md"}


class Rule(BaseModel):
    """One named, documented gate rule."""

    id: str
    gate: Literal["prd", "fdd", "plan", "all"]
    """The gate it blocks; ``all`` rules run at every gate against that gate's own documents."""
    severity: Literal["error", "warning", "info"]
    """Default severity; only errors block a gate. ``[gates.severity]`` in .torus-mcp.toml overrides it."""
    title: str
    description: str
    configurable: bool = True
    """False for the rules that say a gate's document exists: a gate cannot pass without its document."""


class Hit(NamedTuple):
    """Where a rule found a problem, what it is, and how to fix it."""

    document: str | None
    line: int | None
    message: str
    fix: str


Check = Callable[["PackView", GateName], Iterable[Hit]]


class RuleSpec(NamedTuple):
    rule: Rule
    check: Check


def is_requirements_doc(name: str) -> bool:
    """``requirements.yml`` (or ``.yaml``); scratch files such as ``requirements_bulk.yml`` are not."""
    return name.lower() in ("requirements.yml", "requirements.yaml")


def short(text: str, limit: int = 80) -> str:
    """One line of at most ``limit`` characters, for quoting a title in a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
