"""The guideline rules as a Markdown page (torus://guides/rules), with the project's settings applied."""

from __future__ import annotations

from torus_mcp.guidelines.rules import RULES
from torus_mcp.guidelines.settings import GuidelinesConfig


def rules_markdown(config: GuidelinesConfig | None = None) -> str:
    config = config or GuidelinesConfig()
    rows = []
    for rule in RULES.values():
        severity = "off" if not config.enabled(rule.id) else config.severity_of(rule.id)
        rows.append(
            f"| {rule.id} | {severity} | {_cell(rule.checks)} | {_cell(rule.guideline)} | {_cell(rule.fix)} |"
        )
    layers = ", ".join(f"{lower} must not reference {upper}" for lower, upper in config.layers)
    return "\n".join(
        [
            "# Torus coding guideline rules",
            "",
            "check_guidelines (and `torus-mcp lint`) report these. Errors are breaches to fix before review;",
            "warnings need judgement. `# torus-mcp: ignore RULE-ID` on the line before a finding silences it",
            "(in templates: `<%!-- torus-mcp: ignore RULE-ID --%>`). Severities and disabled rules come from",
            "`[guidelines]` in .torus-mcp.toml.",
            "",
            "| rule | severity | checks | guideline | fix |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Layers: {layers}. Query functions: {', '.join(config.query_functions)}. "
            f"Protected fields: {', '.join(sorted(config.protected_fields))}.",
            "",
        ]
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
