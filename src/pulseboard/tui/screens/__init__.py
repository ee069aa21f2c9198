"""The board's screens, one per file: the board, a task's detail, the dialogs, the help, the stats."""
