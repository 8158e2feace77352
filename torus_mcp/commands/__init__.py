"""The terminal commands behind `torus-mcp SUBCOMMAND`: each module exposes `add_arguments(parser)` and `run(args) -> int`."""
