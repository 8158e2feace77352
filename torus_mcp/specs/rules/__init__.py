"""The gate rules, one module per kind of document check, and the registry that lists them in gate order."""
