"""plan.md: its phases and tasks parsed, a phase or task looked up, a task ticked in place."""
