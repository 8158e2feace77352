"""The Elixir modules torus-mcp injects into a project's VM, and the Python that uses them.

The `.exs` files beside this one are loaded before `mix` starts (`elixir -r torus_mcp_boot.exs -S
mix ...`) and write JSON lines: compiler diagnostics (`torus_mcp_compile.exs`) and ExUnit events
(`torus_mcp_formatter.exs`). `loader` compiles and caches them and builds the `elixir` arguments;
`events` reads what they wrote into the parsers' models.
"""
