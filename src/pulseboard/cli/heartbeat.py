"""The heartbeat commands: next (ranked suggestions now, each task once), claim (take the best one),
stats (the figures).

Also how one beat is printed, which `pulse beat` (cli/live.py) repeats: every suggestion, with its
score terms, as `claim` prints its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pulseboard.cli import hooks_glue, output
from pulseboard.cli.common import open_board
from pulseboard.cli.gitglue import commit_move
from pulseboard.core import ids
from pulseboard.core.board import Board, Task

if TYPE_CHECKING:
    from pulseboard.core.heartbeat import Suggestion


def suggestions(board: Board, tasks: list[Task]) -> list[Suggestion]:
    """The heartbeat's ranked suggestions for these tasks, now, with the code drift under what is
    in doing (services/drift.py: one `git log`)."""
    from pulseboard.core.heartbeat import rank
    from pulseboard.core.heartbeat_inputs import suggest
    from pulseboard.services.drift import drift_notes

    now = dt.datetime.now(dt.UTC)
    drift = drift_notes((t for t in tasks if t.state == "doing"), board.root, now)
    found = suggest(tasks, board.settings.heartbeat, board.root, now)
    hooks_glue.lease_expired(board, tasks, now)
    return rank([*found, *drift]) if drift else found


def cmd_next(args: argparse.Namespace) -> int:
    """The heartbeat's ranked suggestions now, each task once (its other suggestions as `also`);
    the score terms only with --why (JSON always has them)."""
    from pulseboard.core.heartbeat import group_by_task

    board = open_board(args)
    tasks = board.tasks()
    ranked = group_by_task(suggestions(board, tasks))[: args.n]
    short = ids.ShortIds(t.id for t in tasks).short
    if args.json:
        print(output.dumps([next_json(s, short) for s in ranked]))
    else:
        print(next_text(ranked, short, why=args.why))
    return 0


def next_json(suggestion: Suggestion, short: Callable[[str], str]) -> dict[str, Any]:
    """A suggestion as `pulse next --json` gives it: the stable shape (as `claim` and `beat` give
    it), plus `also` (the grouped reasons' texts) when other suggestions name the same task."""
    shape = output.suggestion_json(suggestion, short)
    if suggestion.also:
        shape["also"] = list(suggestion.also)
    return shape


def next_text(ranked: list[Suggestion], short: Callable[[str], str], *, why: bool) -> str:
    """`pulse next`'s lines: one numbered line a task, its grouped reasons under it (`also: ...`),
    and with `why` the score and its terms in brackets."""
    lines: list[str] = []
    for rank, suggestion in enumerate(ranked, start=1):
        shown = suggestion if why else replace(suggestion, reasons=())  # no terms: no brackets
        lines.append(output.suggestion_line(rank, shown, short))
        indent = " " * len(f"{rank}. ")
        lines.extend(f"{indent}also: {output.plain(text)}" for text in suggestion.also)
    return "\n".join(lines)


def print_beat(board: Board, tasks: list[Task], why: str, *, n: int, as_json: bool) -> None:
    """One beat of `pulse beat`: when, why (start, interval, change) and the top `n` suggestions."""
    ranked = suggestions(board, tasks)[:n]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    short = ids.ShortIds(t.id for t in tasks).short
    if as_json:
        beat = {"at": now, "why": why, "suggestions": [output.suggestion_json(s, short) for s in ranked]}
        print(output.dumps(beat), flush=True)
    else:
        print(f"-- {now}  beat ({why})\n{output.beat_text(ranked, short, as_json=False)}", flush=True)


def cmd_claim(args: argparse.Namespace) -> int:
    """Move the best startable task to doing/ (the rename is the lock) and print it."""
    from pulseboard.core.claim import NothingToClaim, claim

    board = open_board(args)
    try:
        claimed = claim(board, take_stale=args.take_stale)
    except NothingToClaim as nothing:  # with --json, a JSON answer too; the sentence goes to stderr
        if args.json:
            short = ids.ShortIds(t.id for t in board.tasks()).short
            print(output.dumps(output.unclaimed_json(nothing, short)))
        raise
    result = claimed.move
    commit_move(board, result)
    if args.json:
        print(output.dumps(output.claim_json(claimed)))
    elif claimed.taken_from is not None:
        title, holder = output.plain(result.task.title), output.plain(claimed.taken_from)
        print(f'{result.short} "{title}": taken over from {holder}')
    else:
        print(f'{result.short} "{output.plain(result.task.title)}": claimed, open -> doing')
        print(output.suggestion_line(1, claimed.suggestion, lambda _: result.short))
    hooks_glue.moved(board, [result], claimed=True)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Throughput, cycle and lead time, time blocked, work in progress by day, ageing work."""
    from pulseboard.core.progress import board_stats
    from pulseboard.core.report import stats_text

    board = open_board(args)
    tasks = board.tasks()
    stats = board_stats(board, dt.datetime.now().astimezone(), args.days, tasks)
    if args.json:
        print(output.dumps(stats.to_json()))
    else:
        print(stats_text(stats, ids.ShortIds(t.id for t in tasks).short))
    return 0
