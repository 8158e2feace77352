"""Parsing what mix printed (compile, test, format; Elixir 1.14-1.19) into the models of `mix.models`.

From the bottom up: `lines` (plain lines and what block each starts), `kinds` (the grouping slug
of a diagnostic), the block parsers `compile`, `test` and `format`, and `scan`, the one pass over
a whole log that calls them and the `parse_*_output` entry points. Nothing below `scan` imports it.
"""
