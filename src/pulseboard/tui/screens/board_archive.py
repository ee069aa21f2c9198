"""The board screen's archive (mixed into BoardScreen): how many tasks it holds, for the Done
column's title, and `archive.after` in pulse.yaml done on its own (core/archive.py).

Both run off the UI thread: counting is a listing of the archive's month folders (names only, no
file read: ~50 ms at 90,000), done after the first paint, every hour, and when a file comes into
done/ or leaves it other than by a move on the board, or a month is made. The board's own archive
run takes the done tasks as the board holds them, is journalled and committed like any batch, and
`u` undoes it.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import TYPE_CHECKING

from textual.message import Message

from pulseboard.core.board import ARCHIVE_DIR, STATES
from pulseboard.core.fields import format_duration
from pulseboard.services import git
from pulseboard.tui import messages

if TYPE_CHECKING:
    from pulseboard.tui.screens.board import BoardScreen as _Screen
else:
    _Screen = object

ARCHIVE_EVERY_S = 3600  # how often the board looks for done tasks past archive.after


class BoardArchive(_Screen):
    archived: int = 0  # task files in the archive, as last counted

    def start_archive(self) -> None:
        """After the first paint: count the archive (and archive what is due), then every hour."""
        self.look_at_archive(run=True)
        self.set_interval(ARCHIVE_EVERY_S, lambda: self.look_at_archive(run=True))

    def look_at_archive(self, *, run: bool = False) -> None:
        """Count the archive off the UI thread; run: first archive the done tasks past archive.after."""
        board = self.board
        after = board.settings.archive_after_s if run else None
        tasks, now = (self.snapshot.copy_of(STATES) if after else []), self.clock()

        def job() -> Message:
            from pulseboard.core import archive  # in the worker: not on the first paint's path

            result = None
            if after:
                due = archive.due(tasks, after, now)
                result = archive.archive(board, due) if due else None
            return messages.ArchiveCounted(board.archived_count(), result, after)

        self._run(job, "archive")

    def archive_touched(self, paths: Collection[str] | None) -> bool:
        """Whether a batch of changes on disk may have changed the archive (None: anything may
        have): a path in it, or a file that left done/ or came into it other than by a move
        between the board's folders (the watch never lists the archive's months:
        services/watcher.py). A `d` on the board moves a file from doing/ to done/: no recount,
        which lists every archived name (~50 ms at 90,000)."""
        if paths is None:
            return True
        root = str(self.board.root)
        archive, done = os.path.join(root, ARCHIVE_DIR), os.path.join(root, "done", "")
        moved: dict[str, set[bool]] = {}  # a file name in a state folder -> whether it is there now, by path
        for path in paths:
            if path.startswith(archive):
                return True
            folder, name = os.path.split(path)
            if os.path.dirname(folder) == root and os.path.basename(folder) in STATES:
                moved.setdefault(name, set()).add(os.path.lexists(path))
        ins_and_outs = {name for name, there in moved.items() if there == {True, False}}
        return any(path.startswith(done) and os.path.basename(path) not in ins_and_outs for path in paths)

    def on_archive_counted(self, message: messages.ArchiveCounted) -> None:
        if message.count != self.archived:
            self.archived = message.count
            self._refresh_chrome()
        result = message.result
        if result is None or not result.moved:
            return
        gone = {str(self.board.root / r.from_state / r.task.name) for r in result.moved}
        self._take(self.live.hint(gone), self._selections())  # shown at once, as the board's moves are
        self._commit(lambda: git.commit_batch(self.board, result.moved))
        count, age = len(result.moved), format_duration(message.after or 0)
        self.say(
            f"Archived {count} task{'' if count == 1 else 's'} done over {age} ago into archive/ "
            "(archive.after in pulse.yaml); u undoes it.",
            title="Archive",
            timeout=8,
        )
