"""The spec-pack domain: Markdown and requirements.yml parsing, gates, traceability. No MCP here."""
