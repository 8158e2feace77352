"""Calling tools the way a client does and reading what comes back."""

from __future__ import annotations

from typing import Any


async def call_ok(client: Any, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    text = " ".join(getattr(c, "text", "") for c in result.content)
    assert not result.is_error, f"{tool} failed: {text}"
    assert result.structured_content is not None, f"{tool} returned no structured content"
    return result.structured_content


async def call_error(client: Any, tool: str, **arguments: Any) -> str:
    """The error text of a call that must fail as an anticipated ToolError (not a crash)."""
    result = await client.call_tool(tool, arguments)
    text = " ".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error, f"{tool} unexpectedly succeeded: {result.structured_content}"
    # A crash reaches the client as a bare "Error executing tool NAME" with no explanation.
    assert text.strip() != f"Error executing tool {tool}", f"{tool} crashed instead of explaining: {text}"
    return text
