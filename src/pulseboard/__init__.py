"""pulseboard: a kanban board over a folder of Markdown task files."""

__version__ = "0.1.0"
