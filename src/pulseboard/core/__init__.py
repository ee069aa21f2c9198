"""The core: task files, the board store, config and journal. Never imports textual, rich or watchfiles."""
