"""Running mix and parsing its output. No MCP here."""
