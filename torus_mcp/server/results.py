"""The structured results of the document and prompt tools (each becomes the tool's output schema)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from torus_mcp.catalog import DraftSummary, FeatureSummary
from torus_mcp.workspace import SpecTree


class WorkspaceInfo(BaseModel):
    root: str = Field(description="Absolute path of the project root in use")
    rule: str = Field(
        description="Which rule picked the root: --root, TORUS_ROOT, client roots, mix.exs, cwd"
    )
    reason: str = Field(description="Why that rule applied")
    has_mix_exs: bool
    config_file: str | None = Field(description="The .torus-mcp.toml in use, if any")
    spec_trees: list[SpecTree] = Field(description="Directories searched for spec packs")
    feature_count: int
    draft_count: int = Field(description="Directories holding only informal drafts (see list_features)")
    prompt_overrides: list[str] = Field(description="Project files that override packaged persona prompts")
    skipped: list[str] = Field(description="Directories in the spec trees that are not usable packs, and why")
    hints: list[str] = Field(description="What to do when something looks wrong")
    server_version: str
    server_pid: int = Field(description="OS process id of the server process that answered")


class FeatureList(BaseModel):
    root: str
    features: list[FeatureSummary]
    drafts: list[DraftSummary] = Field(
        description="Directories holding only informal drafts (informal.md, *-informal.md, notes): no pack yet"
    )


class SectionRef(BaseModel):
    number: str | None
    title: str
    line: int
    end_line: int


class DocContent(BaseModel):
    feature: str
    doc: str
    uri: str
    path: str = Field(description="Path relative to the project root")
    version: str = Field(description="sha256 of the whole file; pass it as expected_version when writing")
    section: SectionRef | None = Field(description="The section returned, when one was asked for")
    outline: list[str] = Field(
        description="The document's headings (number, title, line), for section lookups"
    )
    text: str
    offset: int
    next_offset: int | None = Field(description="Pass as offset to read the rest; null when this is the end")
    total_chars: int


class WriteResult(BaseModel):
    feature: str
    doc: str
    uri: str
    path: str
    version: str = Field(description="The new version; pass it as expected_version for the next write")
    previous_version: str | None
    created: bool
    size: int
    section: SectionRef | None = None


class CreatedFeature(BaseModel):
    feature: str
    title: str
    path: str
    files: list[WriteResult]


class PromptText(BaseModel):
    name: str
    feature: str
    phase: str | None
    documents: list[str] = Field(description="URIs of the spec documents inlined in the text")
    text: str
    offset: int
    next_offset: int | None
    total_chars: int


class ResourceText(BaseModel):
    uri: str
    mime_type: str | None
    text: str
    offset: int
    next_offset: int | None
    total_chars: int
