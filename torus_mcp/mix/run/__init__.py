"""Running mix in a project; nothing here parses what mix printed.

`runner.run_mix` is the entry point: `preflight` and `settings` first, then one run per project at
a time (`lock`), identical requests joined (`coordinator`), the child process and its whole tree
stopped on timeout or cancellation (`process`, `process_tree`, `capture`), a record and full log
per run (`runs`) and progress while it runs (`progress`).
"""
