"""The `pulse` command line (a thin face over the core)."""
