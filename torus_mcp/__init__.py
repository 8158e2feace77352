"""torus-mcp: the Torus spec-driven engineering team as an MCP server."""

__version__ = "0.1.0"
