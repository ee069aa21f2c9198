"""What the board's workers hand back to the board screen: typed messages, posted from any thread.

A worker never touches a widget; it ends by posting one of these, and the screen handles it on
the UI thread. A burst collapses where only the newest matters (`can_replace`): a beat or the
figures replace an older one still waiting; hints about the disk are merged into the newer one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from pulseboard.core.heartbeat import Suggestion
from pulseboard.core.live import Hints, Loaded
from pulseboard.core.ready import Ready
from pulseboard.core.reconcile import Plan

if TYPE_CHECKING:  # made in workers after the first paint, imported there
    from pulseboard.core.batch import BatchResult
    from pulseboard.core.board import Task
    from pulseboard.core.metrics import Stats
    from pulseboard.core.split import SplitResult


class BoardLoaded(Message):
    """The whole board, read off the UI thread."""

    def __init__(self, loaded: Loaded) -> None:
        super().__init__()
        self.loaded = loaded


class DiskChanged(Message):
    """These paths may have changed (None: anything may have); `notice` is the watcher's sentence."""

    def __init__(self, paths: Hints, notice: str | None = None, ready: bool = False) -> None:
        """ready: the watcher has just been set up (every later change comes as a batch)."""
        super().__init__()
        self.paths = paths
        self.notice = notice
        self.ready = ready

    def can_replace(self, message: Message) -> bool:
        """A newer batch waiting behind this one takes this one's paths along."""
        if not isinstance(message, DiskChanged) or self.notice:
            return False
        both = None if self.paths is None or message.paths is None else set(self.paths) | message.paths
        message.paths = both
        message.ready = message.ready or self.ready
        return True


class DiskRead(Message):
    """What a rescan off the UI thread found."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan


class BeatDone(Message):
    """The heartbeat's ranked suggestions as of `at`, and the last push's failure, if any."""

    def __init__(
        self,
        suggestions: Sequence[Suggestion],
        at: dt.datetime,
        push_failure: str | None,
        holders: int = 0,
        debt: int = 0,
    ) -> None:
        super().__init__()
        self.suggestions = suggestions
        self.at = at
        self.push_failure = push_failure
        self.holders = holders  # how many hold a task in doing
        self.debt = debt  # open tasks with a debt tag

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BeatDone)


class Built(Message):
    """Something kept level with the board (`name`: "engine" or "figures"), built over the board as
    it was when the build began (`generation`: which build, so an older one that ends late is dropped)."""

    def __init__(self, name: str, value: object, generation: int) -> None:
        super().__init__()
        self.name = name
        self.value = value
        self.generation = generation


class BeatInputs(Message):
    """What a beat reads from disk (the files in doing changed since read, why a push failed), read
    off the UI thread; the engine ranks on the UI thread (a change costs its own size there)."""

    def __init__(
        self,
        modified: dict[str, float],
        push_failure: str | None,
        at: dt.datetime,
        silent: list[Suggestion] | None = None,
        holders: int = 0,
    ) -> None:
        super().__init__()
        self.modified = modified
        self.push_failure = push_failure
        self.at = at
        self.silent = silent or []  # notes read from disk: silent holders, code drift under doing
        self.holders = holders  # how many hold a task in doing

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BeatInputs)


class FiguresDone(Message):
    """The figures, worked out off the UI thread."""

    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self.stats = stats

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FiguresDone)


class GitProblem(Message):
    """A commit (or push) the board asked for did not happen: one sentence why."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class PlanReady(Message):
    """The plan for `hands` lanes, as text (core/plan_text.py), made off the UI thread."""

    def __init__(self, text: str, hands: int) -> None:
        super().__init__()
        self.text = text
        self.hands = hands


class ReadyNow(Message):
    """What finishing tasks let start (core/ready.py), worked out off the UI thread."""

    def __init__(self, ready: Ready) -> None:
        super().__init__()
        self.ready = ready


class SplitDone(Message):
    """A split the board asked for (core/split.py), made off the UI thread: its result, or why not."""

    def __init__(self, task: Task, result: SplitResult | None, problem: str = "") -> None:
        super().__init__()
        self.task = task  # the parent as the board showed it
        self.result = result
        self.problem = problem


class HooksDone(Message):
    """The hooks of a change have run (core/hooks.py): a sentence for each that went wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__()
        self.problems = problems


class ArchiveCounted(Message):
    """The archive looked at off the UI thread: how many tasks it holds, and what the board's own
    archive.after run (`after` seconds) moved there, if it ran."""

    def __init__(self, count: int, result: BatchResult | None, after: int | None) -> None:
        super().__init__()
        self.count = count
        self.result = result
        self.after = after
