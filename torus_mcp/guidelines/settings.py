"""The `[guidelines]` section of .torus-mcp.toml, validated.

All keys are optional::

    [guidelines]
    disabled = ["MULTI-MODULE-FILE"]               # rule ids that do not run
    layers = [["Oli", "OliWeb"]]                   # [lower, upper]: lower.* must not reference upper.*
                                                   # (replaces the default pair Oli -> OliWeb)
    query_functions = ["Oli.Delivery.Sections.get_section!", "Oli.Resources.*"]   # added to Repo.*
    protected_fields = ["author_id"]               # added to user_id
    timeout = 120                                  # seconds the Elixir parser may take

    [guidelines.severity]
    "ELSE-IF" = "error"                            # rule id -> "error" | "warning"

Rule ids are case-insensitive. Anything else is a ConfigError that names the key and what it takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from torus_mcp.config import ConfigError
from torus_mcp.guidelines.rules import RULES, Severity

if TYPE_CHECKING:
    from torus_mcp.config import ProjectConfig

DEFAULT_LAYERS: tuple[tuple[str, str], ...] = (("Oli", "OliWeb"),)
DEFAULT_QUERY_FUNCTIONS: tuple[str, ...] = ("Repo.*",)
DEFAULT_PROTECTED_FIELDS: frozenset[str] = frozenset({"user_id"})
DEFAULT_TIMEOUT = 120.0

_KEYS = {"disabled", "severity", "layers", "query_functions", "protected_fields", "timeout"}
_MODULE = re.compile(r"^[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*$")
_QUERY_FUNCTION = re.compile(r"^[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*\.([a-z_][A-Za-z0-9_]*[?!]?|\*)$")
_FIELD = re.compile(r"^[a-z_][A-Za-z0-9_]*[?!]?$")


class GuidelinesConfig(BaseModel):
    disabled: frozenset[str] = frozenset()
    severity: dict[str, Severity] = Field(default_factory=dict)
    layers: tuple[tuple[str, str], ...] = DEFAULT_LAYERS
    query_functions: tuple[str, ...] = DEFAULT_QUERY_FUNCTIONS
    protected_fields: frozenset[str] = DEFAULT_PROTECTED_FIELDS
    timeout: float = DEFAULT_TIMEOUT

    def severity_of(self, rule_id: str) -> Severity:
        return self.severity.get(rule_id, RULES[rule_id].severity)

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled


def guidelines_config(project_config: ProjectConfig | None) -> GuidelinesConfig:
    """The validated `[guidelines]` settings of a project (defaults without a .torus-mcp.toml)."""
    if project_config is None or project_config.path is None:
        return GuidelinesConfig()
    section = (project_config.model_extra or {}).get("guidelines", {})
    where = str(project_config.path)
    if not isinstance(section, dict):
        raise ConfigError(
            f"{where}: `guidelines` must be a table ([guidelines]), not {type(section).__name__}."
        )
    return parse_guidelines_section(section, where)


def parse_guidelines_section(section: Mapping[str, Any], where: str = ".torus-mcp.toml") -> GuidelinesConfig:
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: [guidelines] has unknown key(s) {', '.join(unknown)}; known keys: "
            f"{', '.join(sorted(_KEYS))} (see the README, Configuration)."
        )
    values: dict[str, Any] = {}
    disabled = _strings(section, "disabled", where, 'disabled = ["ELSE-IF"]')
    values["disabled"] = frozenset(_known_rule(item, where, "disabled") for item in disabled)
    values["severity"] = _severities(section.get("severity", {}), where)
    for rule_id in sorted(values["disabled"] | {r for r, v in values["severity"].items() if v != "error"}):
        if not RULES[rule_id].configurable:
            raise ConfigError(
                f"{where}: {rule_id} cannot be disabled or made a warning; remove it from [guidelines]."
            )
    if "layers" in section:
        values["layers"] = _layers(section["layers"], where)
    extra_queries = _strings(section, "query_functions", where, 'query_functions = ["Oli.Resources.get!"]')
    for name in extra_queries:
        if not _QUERY_FUNCTION.match(name):
            raise ConfigError(
                f"{where}: [guidelines] query_functions entry {name!r} is not Module.function or Module.*, "
                'e.g. "Oli.Delivery.Sections.get_section!" or "Oli.Resources.*".'
            )
    values["query_functions"] = tuple(dict.fromkeys((*DEFAULT_QUERY_FUNCTIONS, *extra_queries)))
    fields = _strings(section, "protected_fields", where, 'protected_fields = ["author_id"]')
    for name in fields:
        if not _FIELD.match(name.removeprefix(":")):
            raise ConfigError(f"{where}: [guidelines] protected_fields entry {name!r} is not a field name.")
    values["protected_fields"] = DEFAULT_PROTECTED_FIELDS | {name.removeprefix(":") for name in fields}
    if "timeout" in section:
        timeout = section["timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ConfigError(
                f"{where}: [guidelines] timeout must be a positive number of seconds; got {timeout!r}."
            )
        values["timeout"] = float(timeout)
    return GuidelinesConfig(**values)


def _strings(section: Mapping[str, Any], key: str, where: str, example: str) -> list[str]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"{where}: [guidelines] {key} must be a list of strings, e.g. {example}; got {value!r}."
        )
    return value


def _severities(value: object, where: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(
            f'{where}: [guidelines.severity] must be a table of rule id = "error" | "warning", e.g. '
            '[guidelines.severity] followed by "ELSE-IF" = "error".'
        )
    severity: dict[str, Severity] = {}
    for raw_id, level in value.items():
        rule_id = _known_rule(raw_id, where, "[guidelines.severity]")
        if level not in ("error", "warning"):
            raise ConfigError(
                f'{where}: [guidelines.severity] {raw_id} = {level!r}; a severity is "error" (fails '
                '`torus-mcp lint`) or "warning" (reported only).'
            )
        severity[rule_id] = level
    return severity


def _layers(value: object, where: str) -> tuple[tuple[str, str], ...]:
    example = 'layers = [["Oli", "OliWeb"]]'
    if not isinstance(value, list):
        raise ConfigError(
            f"{where}: [guidelines] layers must be a list of [lower, upper] pairs, e.g. {example}."
        )
    pairs: list[tuple[str, str]] = []
    for pair in value:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(name, str) and _MODULE.match(name) for name in pair)
            or pair[0] == pair[1]
        ):
            raise ConfigError(
                f"{where}: [guidelines] layers entry {pair!r} is not a pair of two different module names; "
                f"write {example} (modules under the first must not reference modules under the second)."
            )
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def _known_rule(raw: object, where: str, key: str) -> str:
    rule_id = str(raw).strip().upper()
    if rule_id not in RULES:
        raise ConfigError(f"{where}: {key} names unknown rule {raw!r}. Known rules: {', '.join(RULES)}.")
    return rule_id
