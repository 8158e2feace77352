"""Running mix in a Torus project and turning what it printed into data. No MCP here.

- `operations`: the one place that runs `mix compile`, `mix test` and `mix format` for a project
  (what the server's tools and the `compile` / `test` commands call).
- `summary`: token budgets, and `report_run`, the one shape of a run both hand out.
- `models`: the parsed results (diagnostics, test failures, summaries, a run).
- `run/`: the child process and its tree, locks, run records and logs, progress, preflight, settings.
- `parse/`: the text parsers for compiler, ExUnit and `mix format` output, Elixir 1.14-1.19.
- `elixir/`: the Elixir modules injected into mix runs, their loader, and reading their events.
"""
