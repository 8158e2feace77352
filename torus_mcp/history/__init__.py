"""Versioned spec packs with git: the repository holding the project, revisions a client names, pack
history and diffs by section, approvals pinned to content, drift of code from the plan, and the change
under work (files changed against the main branch). gitpython is imported only when a git feature is
used, so importing this package costs nothing at server start-up. No MCP here.
"""
