"""Running mix in a project: the child process and its whole tree, timeouts and cancellation, one run
per project at a time, run records with full logs, progress while it runs, and the checks and
settings that come before it. Nothing here parses what mix printed; each module is imported by name.
"""
