"""What a guideline check returns: findings grouped by file, the rules they cite, and exact counts.

Each rule's guideline sentence and fix travel once in `rules`, not in every finding, so a change
with many findings of one rule stays short.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from torus_mcp.guidelines.rules import Severity


class GuidelineFinding(BaseModel):
    rule: str
    severity: Severity
    line: int
    column: int | None = None
    message: str


class FileFindings(BaseModel):
    file: str
    findings: list[GuidelineFinding]


class RuleAdvice(BaseModel):
    guideline: str
    fix: str


class GuidelineCounts(BaseModel):
    files_checked: int
    files_with_findings: int
    errors: int
    warnings: int
    by_rule: dict[str, int] = Field(default_factory=dict)


class GuidelineReport(BaseModel):
    files: list[FileFindings]
    rules: dict[str, RuleAdvice]
    counts: GuidelineCounts
    shown: int = Field(description="Findings listed; counts are exact")
    notes: list[str] = Field(default_factory=list, description="What could not be checked, and why")

    @property
    def passed(self) -> bool:
        """No finding of error severity (warnings are advice)."""
        return self.counts.errors == 0

    def limited(self, limit: int) -> GuidelineReport:
        """The same report with at most `limit` findings listed (in file order)."""
        if self.shown <= limit:
            return self
        files: list[FileFindings] = []
        left = limit
        for group in self.files:
            if left <= 0:
                break
            files.append(FileFindings(file=group.file, findings=group.findings[:left]))
            left -= len(files[-1].findings)
        cited = {finding.rule for group in files for finding in group.findings}
        notes = [
            *self.notes,
            f"{self.shown - limit} more finding(s) not listed; check fewer paths to see them.",
        ]
        return self.model_copy(
            update={
                "files": files,
                "rules": {rule: advice for rule, advice in self.rules.items() if rule in cited},
                "shown": limit,
                "notes": notes,
            }
        )
