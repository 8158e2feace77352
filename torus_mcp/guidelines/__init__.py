"""Static checks of the Torus coding guidelines on Elixir (.ex, .exs) and HEEx (.heex, ~H) files.

Rules that need code structure read facts from the real Elixir AST (a bundled script run with the
project's own `elixir`); the HEEx rules read text. `rules` holds the registry, `checker` runs a
check and returns a `report.GuidelineReport`, `settings` reads `[guidelines]` of .torus-mcp.toml.
No MCP here.
"""
