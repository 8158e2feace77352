"""Domain errors become the error each MCP surface expects, with the domain's message intact.

Tools raise `ToolError` (the model reads the message and can act on it), prompts raise
`MCPError(INVALID_PARAMS)`, resources raise `ResourceNotFoundError` / `ResourceError`. Anything
else is a defect and reaches the client as the SDK's generic internal error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from torus_mcp.config import ConfigError
from torus_mcp.documents import DocumentError
from torus_mcp.personas import PersonaError
from torus_mcp.workspace import DocNotFound, FeatureNotFound, WorkspaceError


def _domain_errors() -> tuple[type[Exception], ...]:
    # The spec parsers' lookup errors are imported lazily with the parsers themselves.
    from torus_mcp.specs.gates import StageError
    from torus_mcp.specs.plan.lookup import PhaseLookupError
    from torus_mcp.specs.requirements.yaml_editor import RequirementEditError
    from torus_mcp.specs.section_lookup import SectionLookupError

    return (
        WorkspaceError,
        DocumentError,
        PersonaError,
        ConfigError,
        SectionLookupError,
        PhaseLookupError,
        RequirementEditError,
        StageError,
    )


@contextmanager
def tool_errors(*extra: type[Exception]) -> Iterator[None]:
    try:
        yield
    except (*_domain_errors(), *extra) as exc:
        raise ToolError(str(exc)) from exc


@contextmanager
def prompt_errors() -> Iterator[None]:
    try:
        yield
    except _domain_errors() as exc:
        raise MCPError(code=INVALID_PARAMS, message=str(exc)) from exc


@contextmanager
def resource_errors(*extra: type[Exception]) -> Iterator[None]:
    try:
        yield
    except (FeatureNotFound, DocNotFound) as exc:
        raise ResourceNotFoundError(str(exc)) from exc
    except (*_domain_errors(), *extra) as exc:
        raise ResourceError(str(exc)) from exc
