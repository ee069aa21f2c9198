"""The board's widgets, one per file, each with its component classes beside it."""
