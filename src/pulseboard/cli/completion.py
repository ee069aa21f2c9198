"""Shell completion (argcomplete): `pulse completion SHELL` prints the script a shell loads, and on
each TAB that script runs pulse with _ARGCOMPLETE set, which `main` hands to `complete` first thing.

Commands, options and choices (states, priorities) come from the parser; a task id argument
completes through `TaskIds`: ids from the folder listing and, in zsh and fish (which show them
beside each id), titles from the parse cache when no more than TITLES_AT_MOST match: no file is
parsed on a TAB. argcomplete is imported only to complete or to print the script, never by an
ordinary command.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

from pulseboard.core.board import ARCHIVE_DIR, STATES, Board, discover
from pulseboard.core.errors import PulseError
from pulseboard.core.text import clip, one_line

SHELLS = ("bash", "zsh", "fish")
TITLED = ("zsh", "fish")  # the shells that show a title beside each id (bash completes the id alone)
TITLES_AT_MOST = 1000  # more matches than this: the ids alone, fast at any size (a menu no one reads)
TITLE_WIDTH = 60  # a title beside its id in zsh's and fish's menus


class TaskIds:
    """Completes a task id: the ids in `states` starting with what is typed, each with its title."""

    def __init__(self, states: Iterable[str] = STATES, *, archived: bool = False) -> None:
        """archived: the archive's tasks (its month folders) instead of the states'."""
        self.states = tuple(states)
        self.archived = archived

    def __call__(self, prefix: str, parsed_args: argparse.Namespace, **_: object) -> dict[str, str]:
        try:
            board = Board(discover(getattr(parsed_args, "board", None), Path.cwd()))
            titled = os.environ.get("_ARGCOMPLETE_SHELL") in TITLED
            states = self.states
            if self.archived:
                states = tuple(f"{ARCHIVE_DIR}/{month.name}" for month in board.archive_months())
            titles = board.titles(prefix, states, most=TITLES_AT_MOST if titled else 0)
        except (PulseError, OSError):
            return {}  # no board here: nothing to offer, and nothing printed into the command line
        # an id as typed so far (pulse reads ids in any case; the shell keeps what starts like the word)
        return {prefix + task_id[len(prefix) :]: _shown(title) for task_id, title in titles.items()}


def _shown(title: str) -> str:
    """A title as a shell's menu shows it: inert, one line, no tab (fish's separator), short."""
    return clip(one_line(title).replace("\t", " "), TITLE_WIDTH)


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's TAB and exit (argcomplete does nothing unless _ARGCOMPLETE is set)."""
    import argcomplete  # only here: an ordinary command never loads it

    class Finder(argcomplete.CompletionFinder):
        def filter_completions(self, completions: list[str]) -> list[str]:
            """argcomplete's, in linear time: its de-duplication searches a list for each
            completion, 0.5 s for the 10,000 ids a TAB after `pulse show ` offers."""
            excluded = set(self.exclude or ())
            return [c for c in dict.fromkeys(completions) if c not in excluded]

    Finder()(parser, always_complete_options=False)  # options once a - is typed


def cmd_completion(args: argparse.Namespace) -> int:
    """Print the completion script for args.shell (README: how each shell loads it)."""
    import argcomplete

    print(argcomplete.shellcode(["pulse"], shell=args.shell), end="")
    return 0
